build/aarch64/test_mft_maxdevices/manifest.o: \
 build/aarch64/test_mft_maxdevices/manifest.c include/mft_abi.h
include/mft_abi.h:
