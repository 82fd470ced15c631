/* hvt.h: state and hypercalls of the hvt target. */
#ifndef HVT_H_INCLUDED
#define HVT_H_INCLUDED

#include "bindings.h"
#include "hvt_abi.h"

#if defined(__x86_64__)
#include "hvt_x86_64.h"
#elif defined(__aarch64__)
#include "hvt_aarch64.h"
#else
#error "unsupported architecture"
#endif

/* Arch set-up run first at entry: descriptor tables / exception vectors. */
void cpu_init(void);
/* Clock set-up from the tender's cycle counter frequency (Hz). */
void time_init(uint64_t cpu_cycle_freq);
/* Ends the guest through the HALT hypercall; cookie is a trap frame or NULL. */
void hvt_halt(int status, void *cookie) __attribute__((noreturn));

/* Hypercall arguments must be addressable as 32-bit guest physical addresses, which
 * they are: guest memory is identity mapped and at most 4 GiB. */
#define HVT_ARG(p) ((uint32_t)(uintptr_t)(p))

#endif
