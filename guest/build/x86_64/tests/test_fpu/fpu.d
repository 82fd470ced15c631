build/x86_64/tests/test_fpu/fpu.o: tests/test_fpu/fpu.c \
 tests/common/test.h include/solo5.h tests/test_fpu/fpu.h
tests/common/test.h:
include/solo5.h:
tests/test_fpu/fpu.h:
