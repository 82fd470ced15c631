/* seccomp.h: a raw system call the spt filter forbids. */
#ifndef SECCOMP_TEST_H_INCLUDED
#define SECCOMP_TEST_H_INCLUDED

/* dup(fd) straight through the syscall instruction. */
long raw_dup(long fd);

#endif
