/* host_aarch64.c: aarch64 specifics: ucontext layout, TLS register, CPU features. */
#include "libos.h"

/* TPIDR_EL0 is written by the app itself (msr), so it is read at every switch. */
static inline uint64_t tpidr_read(void)
{
    uint64_t v;
    __asm__ __volatile__("mrs %0, tpidr_el0" : "=r"(v));
    return v;
}

long host_set_tls(uint64_t tp)
{
    __asm__ __volatile__("msr tpidr_el0, %0" : : "r"(tp));
    return 0;
}


static inline uint64_t *reg(void *uc, int off)
{
    return (uint64_t *)((char *)uc + off);
}

uint64_t uc_pc(void *uc)
{
    return *reg(uc, SC_PC);
}

uint64_t uc_arg(void *uc, int i)
{
    return reg(uc, SC_REGS)[i];
}

void uc_set_ret(void *uc, long v)
{
    reg(uc, SC_REGS)[0] = (uint64_t)v;
}

uint64_t clone_tls_arg(void *uc)
{
    return uc_arg(uc, 3);
}

uint64_t clone_ctid_arg(void *uc)
{
    return uc_arg(uc, 4);
}

/* The fpsimd_context record: {magic, size} then fpsr, fpcr, vregs[32]. */
static uint8_t *fpsimd(void *uc)
{
    uint8_t *p = (uint8_t *)uc + SC_RESERVED;
    if (*(uint32_t *)p != FPSIMD_MAGIC)
        return NULL;
    return p;
}

void uc_save(struct thread *t, void *uc)
{
    memcpy(t->ctx.x, reg(uc, SC_REGS), sizeof t->ctx.x);
    t->ctx.sp = *reg(uc, SC_SP);
    t->ctx.pc = *reg(uc, SC_PC);
    t->ctx.pstate = *reg(uc, SC_PSTATE);
    uint8_t *fp = fpsimd(uc);
    t->ctx.has_fp = fp != NULL;
    if (fp) {
        memcpy(&t->ctx.fpsr, fp + 8, 4);
        memcpy(&t->ctx.fpcr, fp + 12, 4);
        memcpy(t->ctx.v, fp + 16, sizeof t->ctx.v);
    }
    t->tls = tpidr_read();
}

void uc_load(struct thread *t, void *uc)
{
    memcpy(reg(uc, SC_REGS), t->ctx.x, sizeof t->ctx.x);
    *reg(uc, SC_SP) = t->ctx.sp;
    *reg(uc, SC_PC) = t->ctx.pc;
    *reg(uc, SC_PSTATE) = t->ctx.pstate;
    uint8_t *fp = fpsimd(uc);
    if (fp && t->ctx.has_fp) {
        memcpy(fp + 8, &t->ctx.fpsr, 4);
        memcpy(fp + 12, &t->ctx.fpcr, 4);
        memcpy(fp + 16, t->ctx.v, sizeof t->ctx.v);
    }
    host_set_tls(t->tls);
}

void ctx_set_ret(struct thread *t, long v)
{
    t->ctx.x[0] = (uint64_t)v;
}

void ctx_set_sp(struct thread *t, uint64_t sp)
{
    t->ctx.sp = sp;
}

void ctx_restart(struct thread *t, long nr)
{
    t->ctx.pc -= ARCH_SYSCALL_LEN;
    t->ctx.x[8] = (uint64_t)nr;
}

void arch_init(void)
{
}

/* HWCAP_FP | HWCAP_ASIMD: what every ARMv8-A Linux machine reports; the runtimes probe more
 * only through HWCAP, so they fall back to baseline code. */
uint64_t arch_hwcap(void)
{
    return 0x3;
}

uint64_t arch_hwcap2(void)
{
    return 0;
}

const char *arch_platform(void)
{
    return "aarch64";
}

uint64_t arch_random64(int *ok)
{
    uint64_t v;
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(v));
    *ok = 0; /* no generator assumed: RNDR is optional in ARMv8.5 */
    return v * 0x9e3779b97f4a7c15ULL;
}

