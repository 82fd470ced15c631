build/aarch64/tests/test_seccomp/seccomp.o: tests/test_seccomp/seccomp.c \
 tests/common/test.h include/solo5.h tests/test_seccomp/seccomp.h
tests/common/test.h:
include/solo5.h:
tests/test_seccomp/seccomp.h:
