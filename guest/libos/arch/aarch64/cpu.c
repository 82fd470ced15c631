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

void uc_set_pc(void *uc, uint64_t pc)
{
    *reg(uc, SC_PC) = pc;
}

uint64_t uc_arg(void *uc, int i)
{
    return reg(uc, SC_REGS)[i];
}

void uc_set_ret(void *uc, long v)
{
    reg(uc, SC_REGS)[0] = (uint64_t)v;
}

/* execve: the frame returns to the new program's entry with the ELF start state (sp at
 * argc, x0..x30 zero, flags clear). */
void uc_exec(void *uc, uint64_t entry, uint64_t sp)
{
    uint64_t *x = reg(uc, SC_REGS);
    for (int i = 0; i < 31; i++)
        x[i] = 0;
    reg(uc, SC_SP)[0] = sp;
    reg(uc, SC_PC)[0] = entry;
    reg(uc, SC_PSTATE)[0] &= ~0xf0000000ULL;
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

/* AT_HWCAP/AT_HWCAP2 from the CPU's ID registers, which Linux lets EL0 read (it emulates
 * the MRS, and says so with HWCAP_CPUID), mapped as the kernel maps them. Left out: SVE
 * and SME (the libOS saves only the FP/SIMD registers when it switches threads), BTI and
 * MTE (they need PROT_BTI/PROT_MTE mappings), pointer authentication and the event stream
 * (properties of the kernel, not of the CPU). A feature the libOS does not report makes
 * glibc's ifuncs pick the baseline code, never a wrong one. */
#define ID_FIELD(r, lsb) (((r) >> (lsb)) & 0xf)
#define ID_SIGNED(r, lsb) ((int)(ID_FIELD(r, lsb) << 28) >> 28)

static uint64_t id_isar0(void) { uint64_t v; __asm__("mrs %0, ID_AA64ISAR0_EL1" : "=r"(v)); return v; }
static uint64_t id_isar1(void) { uint64_t v; __asm__("mrs %0, ID_AA64ISAR1_EL1" : "=r"(v)); return v; }
static uint64_t id_pfr0(void) { uint64_t v; __asm__("mrs %0, ID_AA64PFR0_EL1" : "=r"(v)); return v; }

uint64_t arch_hwcap(void)
{
    uint64_t i0 = id_isar0(), i1 = id_isar1(), p0 = id_pfr0(), h = 0;
    struct { int bit; uint64_t reg; int lsb, min, sign; } map[] = {
        { 0, p0, 16, 0, 1 },  /* FP */
        { 1, p0, 20, 0, 1 },  /* ASIMD */
        { 3, i0, 4, 1, 0 },   /* AES */
        { 4, i0, 4, 2, 0 },   /* PMULL */
        { 5, i0, 8, 1, 0 },   /* SHA1 */
        { 6, i0, 12, 1, 0 },  /* SHA2 */
        { 7, i0, 16, 1, 0 },  /* CRC32 */
        { 8, i0, 20, 2, 0 },  /* ATOMICS */
        { 9, p0, 16, 1, 1 },  /* FPHP */
        { 10, p0, 20, 1, 1 }, /* ASIMDHP */
        { 12, i0, 28, 1, 0 }, /* ASIMDRDM */
        { 13, i1, 12, 1, 0 }, /* JSCVT */
        { 14, i1, 16, 1, 0 }, /* FCMA */
        { 15, i1, 20, 1, 0 }, /* LRCPC */
        { 16, i1, 0, 1, 0 },  /* DCPOP */
        { 17, i0, 32, 1, 0 }, /* SHA3 */
        { 18, i0, 36, 1, 0 }, /* SM3 */
        { 19, i0, 40, 1, 0 }, /* SM4 */
        { 20, i0, 44, 1, 0 }, /* ASIMDDP */
        { 21, i0, 12, 2, 0 }, /* SHA512 */
        { 23, i0, 48, 1, 0 }, /* ASIMDFHM */
        { 24, p0, 48, 1, 0 }, /* DIT */
        { 26, i1, 20, 2, 0 }, /* ILRCPC */
        { 27, i0, 52, 1, 0 }, /* FLAGM */
        { 29, i1, 36, 1, 0 }, /* SB */
    };
    for (unsigned k = 0; k < sizeof map / sizeof map[0]; k++) {
        int v = map[k].sign ? ID_SIGNED(map[k].reg, map[k].lsb) : (int)ID_FIELD(map[k].reg, map[k].lsb);
        if (v >= map[k].min)
            h |= 1ULL << map[k].bit;
    }
    return h | (1ULL << 11); /* CPUID: the app may read the ID registers as we did */
}

uint64_t arch_hwcap2(void)
{
    uint64_t i0 = id_isar0(), i1 = id_isar1(), h = 0;
    if (ID_FIELD(i1, 0) >= 2)
        h |= 1ULL << 0;  /* DCPODP */
    if (ID_FIELD(i1, 32) >= 1)
        h |= 1ULL << 8;  /* FRINT */
    if (ID_FIELD(i1, 52) >= 1)
        h |= 1ULL << 13; /* I8MM */
    if (ID_FIELD(i1, 44) >= 1)
        h |= 1ULL << 14; /* BF16 */
    if (ID_FIELD(i1, 48) >= 1)
        h |= 1ULL << 15; /* DGH */
    if (ID_FIELD(i0, 60) >= 1)
        h |= 1ULL << 16; /* RNG */
    return h;
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

