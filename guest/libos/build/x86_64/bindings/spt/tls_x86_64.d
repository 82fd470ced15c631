build/x86_64/bindings/spt/tls_x86_64.o: ../bindings/spt/tls_x86_64.c \
 ../bindings/spt/spt.h ../bindings/bindings.h ../include/solo5.h \
 ../include/mft_abi.h ../include/spt_abi.h ../bindings/spt/sys_x86_64.h
../bindings/spt/spt.h:
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
../include/spt_abi.h:
../bindings/spt/sys_x86_64.h:
