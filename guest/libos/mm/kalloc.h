/* kalloc.h: the heap for libOS objects (files, pipes, inodes, caches), in its own address
 * range, committed from the same --mem budget as the app: NULL when it is used up. */
#ifndef MM_KALLOC_H
#define MM_KALLOC_H
#include <stddef.h>
#include <stdint.h>

#ifndef PAGE_SIZE
#define PAGE_SIZE 4096ULL
#endif
void kalloc_init(uintptr_t lo, uintptr_t hi);
/* Zeroed memory, 16-byte aligned; NULL when --mem is exhausted. */
void *kalloc(size_t n);
void *kcalloc(size_t n, size_t size);
void kfree(void *p);
/* Page-aligned runs of zeroed pages; free with the same count. */
void *kalloc_pages(size_t npages);
void kfree_pages(void *p, size_t npages);
/* Bytes the heap holds for objects now, and its committed high-water mark. */
uint64_t kalloc_in_use(void);
uint64_t kalloc_committed(void);
/* Inside the heap's address range (app pointers there are refused). */
int kalloc_owns(uint64_t p, uint64_t len);
#endif
