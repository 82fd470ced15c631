build/aarch64/tests/test_ssp/ssp.o: tests/test_ssp/ssp.c \
 tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
