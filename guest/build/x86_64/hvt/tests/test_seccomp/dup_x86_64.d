build/x86_64/hvt/tests/test_seccomp/dup_x86_64.o: \
 tests/test_seccomp/dup_x86_64.c tests/test_seccomp/seccomp.h
tests/test_seccomp/seccomp.h:
