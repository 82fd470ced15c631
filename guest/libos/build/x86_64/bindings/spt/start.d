build/x86_64/bindings/spt/start.o: ../bindings/spt/start.c \
 ../bindings/spt/spt.h ../bindings/bindings.h ../include/solo5.h \
 ../include/mft_abi.h ../include/spt_abi.h ../bindings/spt/sys_x86_64.h \
 ../bindings/crt.h ../bindings/cpu.h ../bindings/cpu_x86_64.h \
 ../include/elf_abi.h
../bindings/spt/spt.h:
../bindings/bindings.h:
../include/solo5.h:
../include/mft_abi.h:
../include/spt_abi.h:
../bindings/spt/sys_x86_64.h:
../bindings/crt.h:
../bindings/cpu.h:
../bindings/cpu_x86_64.h:
../include/elf_abi.h:
