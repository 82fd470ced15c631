/* hcall_x86_64.c: outl of the argument address to port 0x500+nr (any nr). */
#include "hcall.h"

void hcall_raw(uint32_t nr, uint32_t arg)
{
    __asm__ __volatile__("outl %0, %1" : : "a"(arg), "d"((uint16_t)(0x500 + nr)) : "memory");
}
