build/aarch64/test_hello/manifest.o: build/aarch64/test_hello/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
