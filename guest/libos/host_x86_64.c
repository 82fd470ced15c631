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

uint64_t uc_arg(void *uc, int i)
{
    static const int map[6] = { RDI, RSI, RDX, R10, R8, R9 };
    return gregs(uc)[map[i]];
}

void uc_set_ret(void *uc, long v)
{
    gregs(uc)[RAX] = (uint64_t)v;
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

/* ---- x86_64 system call numbers ---- */
int arch_sysno(long nr)
{
    switch (nr) {
    case 0: return SC_read;
    case 1: return SC_write;
    case 2: return SC_open;
    case 3: return SC_close;
    case 4: return SC_stat;
    case 5: return SC_fstat;
    case 6: return SC_stat; /* lstat */
    case 8: return SC_lseek;
    case 9: return SC_mmap;
    case 10: return SC_mprotect;
    case 11: return SC_munmap;
    case 12: return SC_brk;
    case 13: return SC_rt_sigaction;
    case 14: return SC_rt_sigprocmask;
    case 15: return SC_rt_sigreturn;
    case 16: return SC_ioctl;
    case 17: return SC_pread64;
    case 19: return SC_readv;
    case 20: return SC_writev;
    case 21: return SC_access;
    case 22: return SC_pipe;
    case 24: return SC_sched_yield;
    case 27: return SC_mincore;
    case 28: return SC_madvise;
    case 32: return SC_dup;
    case 33: return SC_dup2;
    case 35: return SC_nanosleep;
    case 39: return SC_getpid;
    case 56: return SC_clone;
    case 60: return SC_exit;
    case 62: return SC_kill;
    case 63: return SC_uname;
    case 72: return SC_fcntl;
    case 79: return SC_getcwd;
    case 89: return SC_readlink;
    case 96: return SC_gettimeofday;
    case 97: return SC_getrlimit;
    case 102: return SC_getuid;
    case 104: return SC_getgid;
    case 107: return SC_geteuid;
    case 108: return SC_getegid;
    case 115: return SC_getgroups;
    case 110: return SC_getppid;
    case 131: return SC_sigaltstack;
    case 157: return SC_prctl;
    case 158: return SC_arch_prctl;
    case 160: return SC_setrlimit;
    case 186: return SC_gettid;
    case 200: return SC_tkill;
    case 201: return SC_time;
    case 202: return SC_futex;
    case 204: return SC_sched_getaffinity;
    case 213: return SC_epoll_create;
    case 218: return SC_set_tid_address;
    case 228: return SC_clock_gettime;
    case 229: return SC_clock_getres;
    case 230: return SC_clock_nanosleep;
    case 231: return SC_exit_group;
    case 232: return SC_epoll_wait;
    case 233: return SC_epoll_ctl;
    case 234: return SC_tgkill;
    case 257: return SC_openat;
    case 262: return SC_newfstatat;
    case 267: return SC_readlinkat;
    case 269: return SC_faccessat;
    case 273: return SC_set_robust_list;
    case 281: return SC_epoll_pwait;
    case 284: return SC_eventfd;
    case 290: return SC_eventfd2;
    case 291: return SC_epoll_create1;
    case 292: return SC_dup3;
    case 293: return SC_pipe2;
    case 302: return SC_prlimit64;
    case 318: return SC_getrandom;
    case 324: return SC_membarrier;
    case 334: return SC_rseq;
    case 439: return SC_faccessat; /* faccessat2 */
    }
    return -1;
}

/* arch_prctl: the only x86_64-only call with state. */
long arch_prctl_emul(int code, uint64_t addr)
{
    switch (code) {
    case ARCH_SET_FS:
        if (addr >= (1ULL << 47))
            return -EPERM;
        cur->tls = addr;
        return host_set_tls(addr);
    case ARCH_GET_FS:
        if (!user_ok(addr, 8))
            return -EFAULT;
        *(uint64_t *)(uintptr_t)addr = cur->tls;
        return 0;
    }
    return -EINVAL;
}
