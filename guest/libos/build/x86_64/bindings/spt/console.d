build/x86_64/bindings/spt/console.o: ../bindings/spt/console.c \
 ../bindings/spt/spt.h ../bindings/bindings.h ../include/solo5.h \
 ../include/mft_abi.h ../include/spt_abi.h ../bindings/spt/sys_x86_64.h
../bindings/spt/spt.h:
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
../include/spt_abi.h:
../bindings/spt/sys_x86_64.h:
