build/x86_64/test_exception/manifest.o: \
 build/x86_64/test_exception/manifest.c include/mft_abi.h
include/mft_abi.h:
