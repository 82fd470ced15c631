# Makefile: builds the Go tools for amd64 and arm64 and the guest images for x86_64 and aarch64.
# `make demo` boots the hello unikernel on nabla-spt; `make test` runs every test.

GO        ?= go
export PATH := $(PATH):/usr/local/go/bin
export GOFLAGS ?= -buildvcs=false
export CGO_ENABLED = 0

HOSTARCH  := $(shell uname -m)
CMDS      := nabla nabla-spt nabla-hvt runnc
GOSRC     := $(shell find . -name '*.go' -not -path './guest/*' 2>/dev/null) $(wildcard internal/*/*.s) go.mod go.sum

# Debian packages the build and the tests need (installed by `make setup` when missing).
APT_PKGS  := gcc libc6-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu \
             qemu-system-arm qemu-user-static cpio gzip iproute2 iputils-ping strace hyperfine \
             containerd runc crun docker.io util-linux musl-tools nftables clang libclang-rt-14-dev curl

.PHONY: all go guest setup demo test test-pi unit fuzz bench clean dist-arm64

all: go guest

go: $(addprefix bin/,$(CMDS)) $(addprefix bin/arm64/,$(CMDS))

# nabla-spt shares its address space with the guest, which is linked low (0x100000 up):
# the tender is a static executable linked high (256 GiB) instead of a PIE, which starts
# faster (no dynamic loader step) and needs no ld.so in the aarch64 test VM.
SPT_LDFLAGS := -s -w -T=0x4000001000

bin/nabla-spt: $(GOSRC)
	$(GO) build -trimpath -ldflags='$(SPT_LDFLAGS)' -o $@ ./cmd/nabla-spt

bin/arm64/nabla-spt: $(GOSRC)
	GOARCH=arm64 $(GO) build -trimpath -ldflags='$(SPT_LDFLAGS)' -o $@ ./cmd/nabla-spt

# urfave_cli_no_docs drops the man-page generator (start-up cost) from the CLIs.
bin/%: $(GOSRC)
	$(GO) build -trimpath -tags urfave_cli_no_docs -o $@ ./cmd/$*

bin/arm64/%: $(GOSRC)
	GOARCH=arm64 $(GO) build -trimpath -tags urfave_cli_no_docs -o $@ ./cmd/$*

# The libOS images ship with the build, so `nabla bake` needs no C compiler at the user's end.
guest: bin/nabla
	$(MAKE) -C guest ARCH=x86_64 NABLA=$(CURDIR)/bin/nabla
	$(MAKE) -C guest ARCH=aarch64 NABLA=$(CURDIR)/bin/nabla
	$(MAKE) -C guest/libos ARCH=x86_64 NABLA=$(CURDIR)/bin/nabla
	$(MAKE) -C guest/libos ARCH=aarch64 NABLA=$(CURDIR)/bin/nabla

# What a 64-bit Raspberry Pi (or any arm64 Linux) needs, laid out for `tar -xzf ... -C /usr/local`
# (docs/raspberry-pi.md): the tools in bin/, the libOS where `nabla bake` looks for it
# (bin/../lib/nabla), the check script and two test unikernels in share/nabla.
DIST_ARM64 := build/nabla-arm64.tar.gz
dist-arm64: $(DIST_ARM64)
$(DIST_ARM64): $(addprefix bin/arm64/,$(CMDS)) guest scripts/pi-check.sh
	rm -rf build/dist-arm64 && mkdir -p build/dist-arm64/bin build/dist-arm64/lib/nabla build/dist-arm64/share/nabla
	cp $(addprefix bin/arm64/,$(CMDS)) build/dist-arm64/bin/
	cp guest/libos/build/aarch64/libos.spt build/dist-arm64/lib/nabla/libos-aarch64.spt
	cp scripts/pi-check.sh guest/build/aarch64/test_hello.spt guest/build/aarch64/test_seccomp.spt \
		guest/build/aarch64/test_hello.hvt build/dist-arm64/share/nabla/
	tar -czf $@ -C build/dist-arm64 --owner=0 --group=0 bin lib share

setup:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "setup: installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v $(GO) >/dev/null || { echo "setup: Go toolchain not found (expected at /usr/local/go)"; exit 1; }
	$(GO) mod download

demo: setup all
	bin/nabla-spt --mem=2 guest/build/$(HOSTARCH)/test_hello.spt Hello_from_nabla

test: setup all
	tests/run-all.sh

# Only the ARMv8.0 runs (also part of `make test`): the emulated Raspberry Pi 3, then the
# whole aarch64 suite on -cpu cortex-a53.
test-pi: setup all
	tests/vm/pi.sh
	NABLA_VM_CPU=cortex-a53 tests/vm/run.sh

unit:
	$(GO) test ./...

fuzz:
	tests/fuzz.sh

# Side-by-side figures against runc and crun; regenerates docs/PERFORMANCE.md (needs root).
bench: setup go guest
	$(GO) run ./bench/cmd/nablabench -install -vm -json bench/results.json -doc docs/PERFORMANCE.md

clean:
	rm -rf bin
	$(MAKE) -C guest clean
	$(MAKE) -C guest/libos clean
	rm -rf build
