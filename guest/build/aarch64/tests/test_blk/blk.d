build/aarch64/tests/test_blk/blk.o: tests/test_blk/blk.c \
 tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
