build/x86_64/bindings/mft.o: ../bindings/mft.c ../bindings/bindings.h \
 ../include/solo5.h ../include/mft_abi.h
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
