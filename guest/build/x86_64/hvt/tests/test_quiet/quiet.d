build/x86_64/hvt/tests/test_quiet/quiet.o: tests/test_quiet/quiet.c \
 tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
