/* hcall.h: raw hvt hypercall transport for the fuzzer, with any number and argument. */
#ifndef HCALL_H_INCLUDED
#define HCALL_H_INCLUDED

#include <stdint.h>

/* Issues hypercall nr with the 32-bit argument address arg, as the bindings do, but
 * without checking either. */
void hcall_raw(uint32_t nr, uint32_t arg);

#endif
