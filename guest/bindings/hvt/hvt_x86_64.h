/* hvt_x86_64.h: x86_64 hypercall (outl of the argument's address to port 0x500+nr). */
#ifndef HVT_X86_64_H_INCLUDED
#define HVT_X86_64_H_INCLUDED

#include <stdint.h>

/* The tender reads and writes *arg while the vCPU is stopped: "memory" makes the
 * compiler store the struct before and reload it after. */
static inline void hvt_hypercall(int nr, volatile void *arg)
{
    __asm__ __volatile__("outl %0, %1"
            :
            : "a"((uint32_t)(uintptr_t)arg), "d"((uint16_t)HVT_HYPERCALL_PIO_PORT(nr))
            : "memory");
}

#endif
