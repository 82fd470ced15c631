build/aarch64/tests/test_quiet/quiet.o: tests/test_quiet/quiet.c \
 tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
