build/aarch64/test_fpu/manifest.o: build/aarch64/test_fpu/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
