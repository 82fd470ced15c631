/* crt.c: stack protector support (guard value and the failure handler). */
#include "bindings.h"
#include "crt.h"

/* Replaced at entry by crt_init_ssp(); this value only guards code run before. */
uintptr_t __stack_chk_guard = 0x00f0e1d2c3b4a500UL;

void __stack_chk_fail(void) __attribute__((noreturn));

void __stack_chk_fail(void)
{
    bindings_panic("Stack corruption detected");
}
