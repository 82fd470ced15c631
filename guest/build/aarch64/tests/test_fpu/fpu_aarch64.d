build/aarch64/tests/test_fpu/fpu_aarch64.o: tests/test_fpu/fpu_aarch64.c \
 tests/test_fpu/fpu.h
tests/test_fpu/fpu.h:
