/* mman.h: mmap, mprotect and madvise values. */
#ifndef LINUX_MMAN_H
#define LINUX_MMAN_H
#include <stdint.h>
/* mmap */
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_DONTNEED 4
#define MADV_FREE 8

#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_STACK 0x20000
#define MAP_GROWSDOWN 0x100
#define MAP_DENYWRITE 0x800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NONBLOCK 0x10000
#define MAP_HUGETLB 0x40000
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#endif
