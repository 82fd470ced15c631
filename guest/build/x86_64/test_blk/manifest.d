build/x86_64/test_blk/manifest.o: build/x86_64/test_blk/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
