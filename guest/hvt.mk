# hvt.mk: the hvt target, included by Makefile: build/<arch>/test_<name>.hvt for every test.
#
# Reuses the common bindings and manifest objects of the main Makefile. On x86_64 the
# tests' own code is rebuilt without SSE (the PVM /dev/kvm of our CI cannot emulate it),
# except the tests that exist to use it (HVT_SSE_TESTS).

HVT_SSE_TESTS := fpu

hvt_arch_files = $(filter-out %_$(OTHER_ARCH).c %_$(OTHER_ARCH).S,$(wildcard $(1)/*.c $(1)/*.S))
HVT_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(call hvt_arch_files,bindings/hvt)))

ifeq ($(ARCH),x86_64)
hvt_test_objs = $(if $(filter $(1),$(HVT_SSE_TESTS)),$(call test_objs,$(1)),\
	$(patsubst %.c,$(BUILD)/hvt/%.o,$(call test_srcs,$(1))))
HVT_TESTLIB_OBJS := $(patsubst $(BUILD)/%,$(BUILD)/hvt/%,$(TESTLIB_OBJS))
else
hvt_test_objs = $(call test_objs,$(1))
HVT_TESTLIB_OBJS := $(TESTLIB_OBJS)
endif

HVT_IMAGES := $(foreach t,$(TESTS),$(BUILD)/test_$(t).hvt)
# One linker script for both targets: the image layout rules are the same.
HVT_LDS := $(SPT_LDS)

.PHONY: hvt
all: hvt
hvt: $(HVT_IMAGES)

$(BUILD)/bindings/hvt/%.o: bindings/hvt/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BINDINGS_CFLAGS) -Ibindings/hvt -c $< -o $@

$(BUILD)/bindings/hvt/%.o: bindings/hvt/%.S
	@mkdir -p $(dir $@)
	$(CC) $(BINDINGS_CFLAGS) -Ibindings/hvt -c $< -o $@

# Test code for x86_64 hvt: integer registers only.
$(BUILD)/hvt/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -mgeneral-regs-only -c $< -o $@

define hvt_image
$(BUILD)/test_$(1).hvt: $(HVT_OBJS) $(COMMON_OBJS) $(HVT_TESTLIB_OBJS) $(call hvt_test_objs,$(1)) \
		$(call MANIFEST_OBJ,$(1)) $(HVT_LDS)
	$$(CC) $$(LDFLAGS) -Wl,-T,$(HVT_LDS) -o $$@ $$(filter %.o,$$^) -lgcc
endef
$(foreach t,$(TESTS),$(eval $(call hvt_image,$(t))))
