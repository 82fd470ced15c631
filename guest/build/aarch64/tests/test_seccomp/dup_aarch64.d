build/aarch64/tests/test_seccomp/dup_aarch64.o: \
 tests/test_seccomp/dup_aarch64.c tests/test_seccomp/seccomp.h
tests/test_seccomp/seccomp.h:
