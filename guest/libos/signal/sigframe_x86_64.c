/* sigframe_x86_64.c: the Linux x86_64 rt_sigframe the libOS builds for the app's handlers. */
#include "libos.h"

/* Layout (as the kernel builds it): pretcode (8), struct ucontext (304), siginfo (128),
 * and the xsave image below... above it, 64-aligned. ucontext: uc_flags, uc_link,
 * uc_stack (24), sigcontext (256), uc_sigmask (8). */
#define UC_SIZE 304
#define UC_MASK 296
#define FRAME_SIZE (8 + UC_SIZE + SI_SIZE)

/* For handlers installed without SA_RESTORER: `mov $15, %eax; syscall`, outside libOS
 * text (read-only data is executable in the image), so the call traps to the libOS. */
static const uint8_t sigtramp[16] __attribute__((aligned(16))) = {
    0xb8, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x0f, 0x0b };

static uint64_t *gregs(void *uc)
{
    return (uint64_t *)((char *)uc + UC_GREGS);
}

uint64_t uc_sp(void *uc)
{
    return gregs(uc)[RSP];
}

/* The bytes of the frame's FP image the kernel reads back: the xsave area plus the
 * trailing magic (extended_size), or the 512-byte fxsave area. */
static uint32_t fp_ext_size(const uint8_t *fp)
{
    uint32_t magic = *(const uint32_t *)(fp + 464);
    uint32_t ext = *(const uint32_t *)(fp + 468);
    if (magic != 0x46505853U || ext < 512 || ext > ARCH_FP_MAX)
        return 512;
    return ext;
}

static int on_altstack(const struct thread *t, uint64_t sp)
{
    return sp > t->altstack[0] && sp - t->altstack[0] <= t->altstack[2];
}

int arch_sig_enter(void *uc, struct thread *t, int sig, const struct k_sigaction *act,
        const uint8_t *info)
{
    uint64_t *g = gregs(uc);
    uint64_t sp = g[RSP];
    int alt_ok = t->altstack[2] != 0 && !(t->altstack[1] & 2 /* SS_DISABLE */);
    if ((act->flags & SA_ONSTACK) && alt_ok && !on_altstack(t, sp))
        sp = t->altstack[0] + t->altstack[2];
    else
        sp -= 128; /* the red zone */
    const uint8_t *hostfp = (const uint8_t *)(uintptr_t)g[FPSTATE];
    uint32_t fpn = hostfp ? fp_ext_size(hostfp) : 0;
    uint64_t fp = (sp - fpn) & ~63ULL;
    uint64_t frame = ((fp - FRAME_SIZE) & ~15ULL) - 8;
    if (!user_writable(frame, sp - frame))
        return -1;
    uint8_t *f = (uint8_t *)(uintptr_t)frame;
    uint64_t ret = (act->flags & SA_RESTORER) ? act->restorer : (uint64_t)(uintptr_t)sigtramp;
    memcpy(f, &ret, 8);
    uint8_t *u = f + 8;
    memcpy(u, uc, UC_SIZE); /* flags, registers as interrupted */
    memset(u + 8, 0, 8);    /* uc_link */
    memcpy(u + 16, t->altstack, 24);
    uint64_t fpp = hostfp ? fp : 0;
    memcpy(u + UC_GREGS + FPSTATE * 8, &fpp, 8);
    memcpy(u + UC_MASK, &t->sigmask, 8);
    memcpy(u + UC_SIZE, info, SI_SIZE);
    if (hostfp)
        memcpy((void *)(uintptr_t)fp, hostfp, fpn);

    g[RDI] = (uint64_t)sig;
    g[RSI] = frame + 8 + UC_SIZE;
    g[RDX] = frame + 8;
    g[RAX] = 0;
    g[RSP] = frame;
    g[RIP] = act->handler;
    g[EFLAGS] &= ~((1ULL << 8) | (1ULL << 10)); /* TF and DF clear, as the kernel does */
    return 0;
}

long arch_sigreturn(void *uc)
{
    uint64_t *g = gregs(uc);
    uint64_t u = g[RSP]; /* the handler's ret popped pretcode: rsp is at the ucontext */
    if (!user_ok(u, UC_SIZE)) {
        LOG("libos: rt_sigreturn with a bad frame at %p\n", (void *)(uintptr_t)u);
        libos_exit(128 + 11);
    }
    const uint8_t *p = (const uint8_t *)(uintptr_t)u;
    uint64_t saved[ARCH_NGREGS];
    memcpy(saved, p + UC_GREGS, sizeof saved);
    uint64_t fpp, mask;
    memcpy(&fpp, p + UC_GREGS + FPSTATE * 8, 8);
    memcpy(&mask, p + UC_MASK, 8);
    /* Only user-settable flags come back (like the kernel's FIX_EFLAGS). */
    uint64_t fl = g[EFLAGS];
    memcpy(g, saved, sizeof saved);
    g[EFLAGS] = (fl & ~0x40dd5ULL) | (saved[EFLAGS] & 0x40dd5ULL);
    uint8_t *hostfp = (uint8_t *)(uintptr_t)g[FPSTATE];
    if (hostfp && fpp) {
        uint32_t n = fp_ext_size(hostfp);
        if (!user_ok(fpp, n)) {
            LOG("libos: rt_sigreturn with a bad FP state at %p\n", (void *)(uintptr_t)fpp);
            libos_exit(128 + 11);
        }
        memcpy(hostfp, (const void *)(uintptr_t)fpp, n);
    }
    cur->sigmask = mask;
    keep_frame = 1;
    return 0;
}

/* AT_MINSIGSTKSZ: the largest frame built here (the xsave image of the features this CPU's
 * XCR0 enables, CPUID 0xD.0 EBX, plus the magic word, alignment and the frame itself). */
uint64_t arch_minsigstksz(void)
{
    uint32_t a, b, c, d;
    __asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    uint32_t xs = 512;
    if (a >= 0xd) {
        __asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
        if (c & (1u << 27)) { /* OSXSAVE */
            __asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xd), "c"(0));
            xs = b + 4;
        }
    }
    return ((uint64_t)xs + 64 + FRAME_SIZE + 16 + 15) & ~15ULL;
}
