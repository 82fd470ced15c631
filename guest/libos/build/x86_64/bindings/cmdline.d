build/x86_64/bindings/cmdline.o: ../bindings/cmdline.c \
 ../bindings/bindings.h ../include/solo5.h ../include/mft_abi.h
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
