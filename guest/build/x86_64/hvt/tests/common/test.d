build/x86_64/hvt/tests/common/test.o: tests/common/test.c \
 tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
