build/aarch64/test_abort/manifest.o: build/aarch64/test_abort/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
