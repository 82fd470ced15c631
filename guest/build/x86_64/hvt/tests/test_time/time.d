build/x86_64/hvt/tests/test_time/time.o: tests/test_time/time.c \
 tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
