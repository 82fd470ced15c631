/* hcall_aarch64.c: 32-bit store of the argument address to 0x100000000 + (nr << 3) (any nr). */
#include "hcall.h"

void hcall_raw(uint32_t nr, uint32_t arg)
{
    uint64_t addr = 0x100000000ULL + ((uint64_t)nr << 3);
    __asm__ __volatile__("str %w0, [%1]" : : "r"(arg), "r"(addr) : "memory");
}
