/* cpu_x86_64.c: the guest's own GDT and IDT, trap reporting, and the FS base for TLS. */
#include "hvt.h"

/* Flat long-mode descriptors: the tender's GDT lives in the unmapped low page, so the
 * first trap would fault again loading CS from it. Writable and with the accessed bit
 * already set: loading a selector sets that bit, and a read-only GDT page makes that
 * write fault (on PVM hosts it loops forever). */
static uint64_t gdt[3] __attribute__((aligned(16))) = {
    0,
    0x00af9b000000ffffULL, /* 0x08: 64-bit code, DPL 0, accessed */
    0x00cf93000000ffffULL, /* 0x10: data, DPL 0, accessed */
};

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, reserved;
} __attribute__((packed));

static struct idt_gate idt[32] __attribute__((aligned(16)));

struct __attribute__((packed)) dtr {
    uint16_t limit;
    uint64_t base;
};

/* Trap stubs (trap_x86_64.S), one per exception vector. */
extern const uint64_t trap_stubs[32];

/* What a stub leaves on the stack: its two pushes, then the CPU's frame. */
struct trap_frame {
    uint64_t vector, ec, rip, cs, rflags, rsp, ss;
};

static const char *const names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#9", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

void trap_handler(const struct trap_frame *f) __attribute__((noreturn, used));

void trap_handler(const struct trap_frame *f)
{
    uint64_t cr2;
    __asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
    const char *name = f->vector < 32 && names[f->vector] ? names[f->vector] : "?";
    log_printf(LOG_ERROR, "Solo5: trap: type=%s ec=0x%llx rip=0x%llx rsp=0x%llx cr2=0x%llx\n",
            name, (unsigned long long)f->ec, (unsigned long long)f->rip,
            (unsigned long long)f->rsp, (unsigned long long)cr2);
    log_printf(LOG_ERROR, "Solo5: ABORT: cpu_x86_64.c: Fatal trap\n");
    hvt_halt(SOLO5_EXIT_ABORT, NULL);
}

void cpu_init(void)
{
    struct dtr g = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
    /* Load the GDT, then reload CS with a far return and the data selectors. */
    __asm__ __volatile__(
            "lgdt %0\n\t"
            "pushq $0x08\n\t"
            "leaq 1f(%%rip), %%rax\n\t"
            "pushq %%rax\n\t"
            "lretq\n"
            "1:\n\t"
            "movl $0x10, %%eax\n\t"
            "movl %%eax, %%ds\n\t"
            "movl %%eax, %%es\n\t"
            "movl %%eax, %%ss\n\t"
            "movl %%eax, %%fs\n\t"
            "movl %%eax, %%gs\n\t"
            : : "m"(g) : "rax", "memory");

    for (int i = 0; i < 32; i++) {
        uint64_t a = trap_stubs[i];
        idt[i] = (struct idt_gate){
            .off_lo = (uint16_t)a, .sel = 0x08, .ist = 0,
            .type = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
            .off_mid = (uint16_t)(a >> 16), .off_hi = (uint32_t)(a >> 32),
        };
    }
    struct dtr i = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ __volatile__("lidt %0" : : "m"(i) : "memory");
}

int platform_set_tls_base(uintptr_t base)
{
    /* IA32_FS_BASE; CPL 0 may write it directly. */
    __asm__ __volatile__("wrmsr"
            : : "c"(0xc0000100U), "a"((uint32_t)base), "d"((uint32_t)(base >> 32)));
    return 0;
}
