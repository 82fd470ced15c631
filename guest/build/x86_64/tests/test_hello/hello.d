build/x86_64/tests/test_hello/hello.o: tests/test_hello/hello.c \
 tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
