build/x86_64/hvt/tests/test_exception/exception.o: \
 tests/test_exception/exception.c tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
