build/x86_64/hvt/tests/test_tls/tls.o: tests/test_tls/tls.c \
 tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
