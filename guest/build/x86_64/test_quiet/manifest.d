build/x86_64/test_quiet/manifest.o: build/x86_64/test_quiet/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
