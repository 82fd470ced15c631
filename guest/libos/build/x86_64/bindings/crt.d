build/x86_64/bindings/crt.o: ../bindings/crt.c ../bindings/bindings.h \
 ../include/solo5.h ../include/mft_abi.h ../bindings/crt.h \
 ../bindings/cpu.h ../bindings/cpu_x86_64.h
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
../bindings/crt.h:
../bindings/cpu.h:
../bindings/cpu_x86_64.h:
