build/x86_64/hvt/tests/test_globals/globals.o: \
 tests/test_globals/globals.c tests/common/test.h include/solo5.h
tests/common/test.h:
include/solo5.h:
