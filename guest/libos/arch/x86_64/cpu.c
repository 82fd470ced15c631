/* host_x86_64.c: x86_64 specifics: host calls, ucontext layout, syscall numbers, CPU features. */
#include "libos.h"
#include "spt.h"

/* Host system call numbers this file uses (besides the solo5 bindings' own). */
#define HOST_arch_prctl 158
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static uint64_t hw_fs; /* the FS base the host thread has now */

long host_set_tls(uint64_t tp)
{
    if (tp == hw_fs)
        return 0;
    long r = sys_call6(HOST_arch_prctl, ARCH_SET_FS, (long)tp, 0, 0, 0, 0);
    if (r == 0)
        hw_fs = tp;
    return r;
}


static inline uint64_t *gregs(void *uc)
{
    return (uint64_t *)((char *)uc + UC_GREGS);
}

uint64_t uc_pc(void *uc)
{
    return gregs(uc)[RIP];
}

void uc_set_pc(void *uc, uint64_t pc)
{
    gregs(uc)[RIP] = pc;
}

uint64_t uc_arg(void *uc, int i)
{
    static const int map[6] = { RDI, RSI, RDX, R10, R8, R9 };
    return gregs(uc)[map[i]];
}

void uc_set_ret(void *uc, long v)
{
    gregs(uc)[RAX] = (uint64_t)v;
}

/* execve: the frame returns to the new program's entry with the ELF start state (rsp at
 * argc, rdx 0, the other registers zero). */
void uc_exec(void *uc, uint64_t entry, uint64_t sp)
{
    uint64_t *g = gregs(uc);
    for (int i = R8; i <= RCX; i++)
        g[i] = 0;
    g[RSP] = sp;
    g[RIP] = entry;
    g[EFLAGS] = 0x202;
}

uint64_t clone_tls_arg(void *uc)
{
    return uc_arg(uc, 4);
}

uint64_t clone_ctid_arg(void *uc)
{
    return uc_arg(uc, 3);
}

/* The size of the xsave image in the frame: the kernel describes it in the software-reserved
 * bytes of the fxsave area (magic1 at 464, xstate_size at 480). */
static uint32_t fp_size(const uint8_t *fp)
{
    uint32_t magic = *(const uint32_t *)(fp + 464);
    uint32_t size = *(const uint32_t *)(fp + 480);
    if (magic != 0x46505853U)
        return 512;
    if (size < 512 || size > ARCH_FP_MAX)
        bindings_panic("libos: unexpected xsave area size");
    return size;
}

void uc_save(struct thread *t, void *uc)
{
    memcpy(t->ctx.g, gregs(uc), sizeof t->ctx.g);
    uint8_t *fp = (uint8_t *)(uintptr_t)gregs(uc)[FPSTATE];
    t->ctx.fpsize = 0;
    if (fp) {
        t->ctx.fpsize = fp_size(fp);
        memcpy(t->ctx.fp, fp, t->ctx.fpsize);
    }
}

void uc_load(struct thread *t, void *uc)
{
    memcpy(gregs(uc), t->ctx.g, sizeof t->ctx.g);
    uint8_t *fp = (uint8_t *)(uintptr_t)gregs(uc)[FPSTATE];
    if (fp && t->ctx.fpsize) {
        uint32_t n = fp_size(fp);
        /* Same process, same features: the sizes agree; copy the smaller to be safe. */
        memcpy(fp, t->ctx.fp, n < t->ctx.fpsize ? n : t->ctx.fpsize);
    }
    if (host_set_tls(t->tls) != 0)
        bindings_panic("libos: arch_prctl failed");
}

void ctx_set_ret(struct thread *t, long v)
{
    t->ctx.g[RAX] = (uint64_t)v;
}

void ctx_set_sp(struct thread *t, uint64_t sp)
{
    t->ctx.g[RSP] = sp;
}

void ctx_restart(struct thread *t, long nr)
{
    t->ctx.g[RIP] -= ARCH_SYSCALL_LEN;
    t->ctx.g[RAX] = (uint64_t)nr;
}

/* ---- CPU ---- */
static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
            : "a"(leaf), "c"(sub));
}

void arch_init(void)
{
}

uint64_t arch_hwcap(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    return r[3];
}

uint64_t arch_hwcap2(void)
{
    return 0;
}

const char *arch_platform(void)
{
    return "x86_64";
}

uint64_t arch_random64(int *ok)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    *ok = 0;
    if (!(r[2] & (1u << 30)))
        return 0;
    for (int i = 0; i < 32; i++) {
        uint64_t v;
        unsigned char c;
        __asm__ __volatile__("rdrand %0; setc %1" : "=r"(v), "=qm"(c));
        if (c) {
            *ok = 1;
            return v;
        }
    }
    return 0;
}
