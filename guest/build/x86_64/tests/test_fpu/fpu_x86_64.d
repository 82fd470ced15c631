build/x86_64/tests/test_fpu/fpu_x86_64.o: tests/test_fpu/fpu_x86_64.c \
 tests/test_fpu/fpu.h
tests/test_fpu/fpu.h:
