build/x86_64/test_abort/manifest.o: build/x86_64/test_abort/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
