build/x86_64/./mm.o: mm.c libos.h ../bindings/bindings.h \
 ../include/solo5.h ../include/mft_abi.h linux.h arch_x86_64.h
libos.h:
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
linux.h:
arch_x86_64.h:
