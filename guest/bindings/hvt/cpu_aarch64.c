/* cpu_aarch64.c: EL1 exception vectors, trap reporting, and TPIDR_EL0 for TLS. */
#include "hvt.h"

/* The vector table (vectors_aarch64.S). */
extern char vectors[];

static const char *const kinds[16] = {
    "EL1t Synchronous", "EL1t IRQ", "EL1t FIQ", "EL1t SError",
    "EL1 Synchronous Abort", "EL1 IRQ", "EL1 FIQ", "EL1 SError",
    "EL0 Synchronous", "EL0 IRQ", "EL0 FIQ", "EL0 SError",
    "EL0/32 Synchronous", "EL0/32 IRQ", "EL0/32 FIQ", "EL0/32 SError",
};

void trap_handler(uint64_t kind, uint64_t esr, uint64_t far, uint64_t elr)
        __attribute__((noreturn, used));

void trap_handler(uint64_t kind, uint64_t esr, uint64_t far, uint64_t elr)
{
    log_printf(LOG_ERROR, "Solo5: Trap: %s caught\n", kinds[kind & 15]);
    log_printf(LOG_ERROR, "Solo5: ESR_EL1=0x%llx FAR_EL1=0x%llx ELR_EL1=0x%llx\n",
            (unsigned long long)esr, (unsigned long long)far, (unsigned long long)elr);
    log_printf(LOG_ERROR, "Solo5: ABORT: cpu_aarch64.c: Fatal trap\n");
    hvt_halt(SOLO5_EXIT_ABORT, NULL);
}

void cpu_init(void)
{
    __asm__ __volatile__("msr vbar_el1, %0; isb" : : "r"(vectors) : "memory");
}

int platform_set_tls_base(uintptr_t base)
{
    __asm__ __volatile__("msr tpidr_el0, %0" : : "r"(base));
    return 0;
}
