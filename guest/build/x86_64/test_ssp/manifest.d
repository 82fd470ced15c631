build/x86_64/test_ssp/manifest.o: build/x86_64/test_ssp/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
