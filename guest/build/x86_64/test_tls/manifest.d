build/x86_64/test_tls/manifest.o: build/x86_64/test_tls/manifest.c \
 include/mft_abi.h
include/mft_abi.h:
