/* sigframe_aarch64.c: the Linux arm64 rt_sigframe the libOS builds for the app's handlers. */
#include "libos.h"

/* Layout (as the kernel builds it): siginfo (128), then the ucontext: uc_flags, uc_link,
 * uc_stack (24), uc_sigmask padded to 128 bytes, the 16-aligned sigcontext (fault_address,
 * regs[31], sp, pc, pstate, __reserved[4096] with the fpsimd record first), then a frame
 * record {x29, x30} above it. */
#define UC_SIZE (UC_MCTX + 288 + 4096)
#define FRAME_SIZE (SI_SIZE + UC_SIZE)
#define FPSIMD_SIZE 528
#define PSR_NZCV 0xf0000000ULL

/* The return path of handlers installed without SA_RESTORER (Go's): `mov x8, #139; svc #0`,
 * outside libOS text (read-only data is executable in the image), so it traps. */
static const uint32_t sigtramp[4] __attribute__((aligned(16))) = {
    0xd2801168, 0xd4000001, 0xd4200000, 0 };

static inline uint64_t *reg(void *uc, int off)
{
    return (uint64_t *)((char *)uc + off);
}

uint64_t uc_sp(void *uc)
{
    return *reg(uc, SC_SP);
}

static int on_altstack(const struct thread *t, uint64_t sp)
{
    return sp > t->altstack[0] && sp - t->altstack[0] <= t->altstack[2];
}

int arch_sig_enter(void *uc, struct thread *t, int sig, const struct k_sigaction *act,
        const uint8_t *info)
{
    uint64_t sp = *reg(uc, SC_SP);
    int alt_ok = t->altstack[2] != 0 && !(t->altstack[1] & 2 /* SS_DISABLE */);
    if ((act->flags & SA_ONSTACK) && alt_ok && !on_altstack(t, sp))
        sp = t->altstack[0] + t->altstack[2];
    uint64_t rec = (sp - 16) & ~15ULL;
    uint64_t frame = (rec - FRAME_SIZE) & ~15ULL;
    if (!user_writable(frame, sp - frame))
        return -1;
    uint8_t *f = (uint8_t *)(uintptr_t)frame;
    memcpy(f, info, SI_SIZE);
    uint8_t *u = f + SI_SIZE;
    memset(u, 0, UC_MCTX);
    memcpy(u + 16, t->altstack, 24);
    memcpy(u + 40, &t->sigmask, 8);
    /* sigcontext: the interrupted registers, then only the fpsimd record and the end. */
    memcpy(u + UC_MCTX, (uint8_t *)uc + UC_MCTX, SC_RESERVED - UC_MCTX);
    memset(u + SC_RESERVED, 0, 4096);
    const uint8_t *hfp = (const uint8_t *)uc + SC_RESERVED;
    if (*(const uint32_t *)hfp == FPSIMD_MAGIC)
        memcpy(u + SC_RESERVED, hfp, FPSIMD_SIZE);
    uint64_t *r = (uint64_t *)(uintptr_t)rec;
    r[0] = reg(uc, SC_REGS)[29];
    r[1] = reg(uc, SC_REGS)[30];

    uint64_t *x = reg(uc, SC_REGS);
    x[0] = (uint64_t)sig;
    x[1] = frame;
    x[2] = frame + SI_SIZE;
    x[29] = rec;
    x[30] = (act->flags & SA_RESTORER) ? act->restorer : (uint64_t)(uintptr_t)sigtramp;
    *reg(uc, SC_SP) = frame;
    *reg(uc, SC_PC) = act->handler;
    return 0;
}

long arch_sigreturn(void *uc)
{
    uint64_t frame = *reg(uc, SC_SP); /* the handler returns with sp at the frame */
    if (!user_ok(frame, FRAME_SIZE)) {
        LOG("libos: rt_sigreturn with a bad frame at %p\n", (void *)(uintptr_t)frame);
        libos_exit(128 + 11);
    }
    const uint8_t *u = (const uint8_t *)(uintptr_t)frame + SI_SIZE;
    memcpy(reg(uc, SC_REGS), u + SC_REGS, 31 * 8);
    memcpy(reg(uc, SC_SP), u + SC_SP, 8);
    memcpy(reg(uc, SC_PC), u + SC_PC, 8);
    uint64_t ps;
    memcpy(&ps, u + SC_PSTATE, 8);
    /* Only the condition flags come back: the mode bits stay what the host gave. */
    *reg(uc, SC_PSTATE) = (*reg(uc, SC_PSTATE) & ~PSR_NZCV) | (ps & PSR_NZCV);
    uint8_t *hfp = (uint8_t *)uc + SC_RESERVED;
    const uint8_t *ufp = u + SC_RESERVED;
    if (*(uint32_t *)hfp == FPSIMD_MAGIC && *(const uint32_t *)ufp == FPSIMD_MAGIC)
        memcpy(hfp + 8, ufp + 8, FPSIMD_SIZE - 8); /* fpsr, fpcr, v0-v31 */
    uint64_t mask;
    memcpy(&mask, u + 40, 8);
    cur->sigmask = mask;
    keep_frame = 1;
    return 0;
}

/* AT_MINSIGSTKSZ: the frame built here (siginfo, ucontext with its 4 KiB record area, the
 * frame record), as the kernel's 4224-byte minimum for a CPU without SVE/SME. */
uint64_t arch_minsigstksz(void)
{
    return ((uint64_t)FRAME_SIZE + 16 + 15) & ~15ULL;
}
