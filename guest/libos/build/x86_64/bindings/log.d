build/x86_64/bindings/log.o: ../bindings/log.c ../bindings/bindings.h \
 ../include/solo5.h ../include/mft_abi.h
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
