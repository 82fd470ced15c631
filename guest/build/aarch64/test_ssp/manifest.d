build/aarch64/test_ssp/manifest.o: build/aarch64/test_ssp/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
