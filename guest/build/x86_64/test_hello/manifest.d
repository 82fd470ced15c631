build/x86_64/test_hello/manifest.o: build/x86_64/test_hello/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
