build/x86_64/test_net/manifest.o: build/x86_64/test_net/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
