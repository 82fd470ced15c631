build/x86_64/test_globals/manifest.o: \
 build/x86_64/test_globals/manifest.c include/mft_abi.h
include/mft_abi.h:
