build/aarch64/test_globals/manifest.o: \
 build/aarch64/test_globals/manifest.c include/mft_abi.h
include/mft_abi.h:
