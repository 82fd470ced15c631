build/aarch64/tests/test_abort/abort.o: tests/test_abort/abort.c \
 tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
