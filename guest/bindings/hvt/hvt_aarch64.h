/* hvt_aarch64.h: aarch64 hypercall (32-bit store of the argument's address to MMIO). */
#ifndef HVT_AARCH64_H_INCLUDED
#define HVT_AARCH64_H_INCLUDED

#include <stdint.h>

/* A plain str (no writeback, no pair) so that KVM can decode the access; "memory"
 * orders the argument struct around it. */
static inline void hvt_hypercall(int nr, volatile void *arg)
{
    __asm__ __volatile__("str %w0, [%1]"
            :
            : "r"((uint32_t)(uintptr_t)arg), "r"(HVT_HYPERCALL_ADDRESS(nr))
            : "memory");
}

#endif
