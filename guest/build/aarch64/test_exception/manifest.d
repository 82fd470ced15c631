build/aarch64/test_exception/manifest.o: \
 build/aarch64/test_exception/manifest.c include/mft_abi.h
include/mft_abi.h:
