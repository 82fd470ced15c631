build/x86_64/bindings/tls_x86_64.o: ../bindings/tls_x86_64.c \
 ../bindings/bindings.h ../include/solo5.h ../include/mft_abi.h \
 ../bindings/tls.h
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
../bindings/tls.h:
