build/x86_64/bindings/start.o: ../bindings/start.c ../bindings/bindings.h \
 ../include/solo5.h ../include/mft_abi.h
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
