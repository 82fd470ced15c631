/* hostile.h: per-arch primitives of the hostile spt guest. */
#ifndef HOSTILE_H_INCLUDED
#define HOSTILE_H_INCLUDED

#include <stdint.h>

/* System call nr with six arguments, straight through the syscall instruction. */
long hostile_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
/* Reads one word through the thread pointer (FS base / TPIDR_EL0). */
uint64_t hostile_tls_read(void);

#endif
