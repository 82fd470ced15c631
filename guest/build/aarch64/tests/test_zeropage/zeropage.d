build/aarch64/tests/test_zeropage/zeropage.o: \
 tests/test_zeropage/zeropage.c tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
