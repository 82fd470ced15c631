build/x86_64/bindings/hvt/console.o: bindings/hvt/console.c \
 bindings/hvt/hvt.h bindings/bindings.h include/solo5.h include/mft_abi.h \
 include/hvt_abi.h bindings/hvt/hvt_x86_64.h
bindings/hvt/hvt.h:
bindings/bindings.h:
include/solo5.h:
include/mft_abi.h:
include/hvt_abi.h:
bindings/hvt/hvt_x86_64.h:
