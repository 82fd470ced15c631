build/x86_64/manifest.o: build/x86_64/manifest.c ../include/mft_abi.h
../include/mft_abi.h:
