build/x86_64/hvt/tests/test_net/net.o: tests/test_net/net.c \
 tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
