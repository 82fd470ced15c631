build/aarch64/test_time/manifest.o: build/aarch64/test_time/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
