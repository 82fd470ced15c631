build/x86_64/bindings/lib.o: ../bindings/lib.c ../bindings/bindings.h \
 ../include/solo5.h ../include/mft_abi.h
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
