build/aarch64/test_zeropage/manifest.o: \
 build/aarch64/test_zeropage/manifest.c include/mft_abi.h
include/mft_abi.h:
