build/x86_64/bindings/hvt/start.o: bindings/hvt/start.c \
 bindings/hvt/hvt.h bindings/bindings.h include/solo5.h include/mft_abi.h \
 include/hvt_abi.h bindings/hvt/hvt_x86_64.h bindings/crt.h \
 bindings/cpu.h bindings/cpu_x86_64.h include/elf_abi.h
bindings/hvt/hvt.h:
bindings/bindings.h:
include/solo5.h:
include/mft_abi.h:
include/hvt_abi.h:
bindings/hvt/hvt_x86_64.h:
bindings/crt.h:
bindings/cpu.h:
bindings/cpu_x86_64.h:
include/elf_abi.h:
