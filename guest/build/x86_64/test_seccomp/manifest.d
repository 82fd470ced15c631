build/x86_64/test_seccomp/manifest.o: \
 build/x86_64/test_seccomp/manifest.c include/mft_abi.h
include/mft_abi.h:
