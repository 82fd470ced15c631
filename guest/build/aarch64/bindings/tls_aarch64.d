build/aarch64/bindings/tls_aarch64.o: bindings/tls_aarch64.c \
 bindings/bindings.h include/solo5.h include/mft_abi.h bindings/tls.h
bindings/bindings.h:
include/solo5.h:
include/mft_abi.h:
bindings/tls.h:
