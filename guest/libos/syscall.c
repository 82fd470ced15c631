/* syscall.c: the SIGSYS entry and the Linux system calls the libOS serves. */
#include "libos.h"
#include "vdso.h"

int libos_debug;
static uint32_t enosys_count[512];
static uint32_t call_count[512];
static uint64_t trap_count;
static uint64_t boot_ns;
static struct k_sigaction actions[NSIG + 1];

#define NSEC 1000000000ULL
#define SIG_DFL 0
#define SIG_IGN 1
#define SYS_SECCOMP 1

void libos_report(void)
{
    LOG("libos: %llu system calls emulated in %llu us\n", (unsigned long long)trap_count,
            (unsigned long long)((now_ns() - boot_ns) / 1000));
    mm_report();
    char line[256];
    int n = 0;
    for (unsigned i = 0; i < 512; i++) {
        if (!call_count[i])
            continue;
        n += lib_snprintf(line + n, sizeof line - (size_t)n, " %u:%u", i, call_count[i]);
        if (n > 200) {
            LOG("libos: calls (nr:count)%s\n", line);
            n = 0;
        }
    }
    if (n)
        LOG("libos: calls (nr:count)%s\n", line);
    for (unsigned i = 0; i < 512; i++)
        if (enosys_count[i])
            LOG("libos: ENOSYS: system call %u, %u times\n", i, enosys_count[i]);
}

void libos_exit(int status)
{
    if (libos_debug)
        libos_report();
    solo5_exit(status);
}

static long enosys(long nr)
{
    if (nr >= 0 && nr < 512)
        enosys_count[nr]++;
    DBG("libos: unsupported system call %ld\n", nr);
    return -ENOSYS;
}

/* ---- time ---- */
static int get_ts(uint64_t p, struct k_timespec *ts)
{
    if (!user_ok(p, sizeof *ts))
        return -EFAULT;
    memcpy(ts, (void *)(uintptr_t)p, sizeof *ts);
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NSEC)
        return -EINVAL;
    return 0;
}

static uint64_t ts_ns(const struct k_timespec *ts)
{
    if ((uint64_t)ts->tv_sec > UINT64_MAX / NSEC - 1)
        return NO_DEADLINE - 1;
    return (uint64_t)ts->tv_sec * NSEC + (uint64_t)ts->tv_nsec;
}

static uint64_t add_ns(uint64_t a, uint64_t b)
{
    return a + b < a || a + b == NO_DEADLINE ? NO_DEADLINE - 1 : a + b;
}


/* The app's clocks: the vDSO's (so a trap and a vDSO read never disagree). */
static long clock_read(int clk, uint64_t *ns)
{
    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
        *ns = app_wall_ns();
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        *ns = app_mono_ns();
        return 0;
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *ns = now_ns() - boot_ns; /* one CPU, the unikernel's own: elapsed time */
        return 0;
    }
    return -EINVAL;
}

static long put_ts(uint64_t p, uint64_t ns)
{
    if (!user_ok(p, 16))
        return -EFAULT;
    struct k_timespec ts = { (long)(ns / NSEC), (long)(ns % NSEC) };
    memcpy((void *)(uintptr_t)p, &ts, sizeof ts);
    return 0;
}

static long sys_clock_gettime(int clk, uint64_t p)
{
    uint64_t ns;
    long r = clock_read(clk, &ns);
    return r ? r : put_ts(p, ns);
}

/* Sleeps until the monotonic deadline dl (threads wake with 0). */
static long sleep_until(uint64_t dl)
{
    if (dl <= now_ns())
        return 0;
    sched_block((uintptr_t)cur, dl, cur->nr, 0, 0);
    return 0;
}

static long sys_clock_nanosleep(int clk, int flags, uint64_t req)
{
    struct k_timespec ts;
    long r = get_ts(req, &ts);
    if (r)
        return r;
    uint64_t now;
    if ((r = clock_read(clk, &now)))
        return r;
    uint64_t ns = ts_ns(&ts);
    if (flags & TIMER_ABSTIME)
        ns = ns > now ? ns - now : 0;
    return sleep_until(add_ns(now_ns(), ns));
}

/* ---- futex ---- */
static long sys_futex(uint64_t uaddr, int op, uint32_t val, uint64_t tmo, uint64_t uaddr2,
        uint32_t val3)
{
    int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    if ((uaddr & 3) || !user_ok(uaddr, 4))
        return -EFAULT;
    volatile uint32_t *w = (volatile uint32_t *)(uintptr_t)uaddr;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        uint64_t dl = NO_DEADLINE;
        if (cmd == FUTEX_WAIT_BITSET && val3 == 0)
            return -EINVAL;
        if (tmo) {
            struct k_timespec ts;
            long r = get_ts(tmo, &ts);
            if (r)
                return r;
            uint64_t ns = ts_ns(&ts), now = now_ns();
            if (cmd == FUTEX_WAIT) {
                dl = add_ns(now, ns);
            } else { /* absolute, on the app's clock: converted to the host's */
                uint64_t t = (op & FUTEX_CLOCK_REALTIME) ? app_wall_ns() : app_mono_ns();
                dl = ns > t ? add_ns(now, ns - t) : now;
            }
        }
        if (*w != val)
            return -EAGAIN;
        if (dl <= now_ns())
            return -ETIMEDOUT;
        sched_block((uintptr_t)uaddr, dl, cur->nr, 0, -ETIMEDOUT);
        return 0;
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        return sched_wake((uintptr_t)uaddr, (int)(val > MAX_THREADS ? MAX_THREADS : val));
    case FUTEX_CMP_REQUEUE:
        if (*w != val3)
            return -EAGAIN;
        /* fall through */
    case FUTEX_REQUEUE: {
        if ((uaddr2 & 3) || !user_ok(uaddr2, 4))
            return -EFAULT;
        int n2 = tmo > MAX_THREADS ? MAX_THREADS : (int)tmo; /* val2 rides in the timeout slot */
        int woken = sched_wake((uintptr_t)uaddr, (int)(val > MAX_THREADS ? MAX_THREADS : val));
        return woken + sched_requeue((uintptr_t)uaddr, (uintptr_t)uaddr2, n2);
    }
    }
    return enosys(cur->nr);
}

/* ---- threads ---- */
static long sys_clone(void *uc, uint64_t flags, uint64_t stack, uint64_t ptid)
{
    uint64_t tls = clone_tls_arg(uc), ctid = clone_ctid_arg(uc);
    if ((flags & (CLONE_VM | CLONE_THREAD)) != (CLONE_VM | CLONE_THREAD) || (flags & CLONE_VFORK))
        return enosys(cur->nr); /* fork and vfork: no processes */
    if ((flags & CLONE_PARENT_SETTID) && !user_ok(ptid, 4))
        return -EFAULT;
    if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && !user_ok(ctid, 4))
        return -EFAULT;
    struct thread *t = thread_new();
    if (!t)
        return -EAGAIN;
    uc_save(t, uc);
    ctx_set_ret(t, 0);
    if (stack)
        ctx_set_sp(t, stack);
    t->tls = (flags & CLONE_SETTLS) ? tls : cur->tls;
    t->sigmask = cur->sigmask;
    if (flags & CLONE_PARENT_SETTID)
        *(volatile int32_t *)(uintptr_t)ptid = t->tid;
    if (flags & CLONE_CHILD_SETTID)
        *(volatile int32_t *)(uintptr_t)ctid = t->tid;
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_tid = ctid;
    t->state = T_RUN;
    return t->tid;
}

static void thread_exit(int status)
{
    if (thread_count() == 1)
        libos_exit(status & 0xff); /* the last thread: its status is the process's */
    if (cur->clear_tid && user_ok(cur->clear_tid, 4)) {
        *(volatile int32_t *)(uintptr_t)cur->clear_tid = 0;
        sched_wake((uintptr_t)cur->clear_tid, 1);
    }
    sched_exit_thread();
}

static long sys_kill(int tid, int sig)
{
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    return sig_post(tid, sig);
}

struct k_sigaction *sig_action(int sig)
{
    return &actions[sig];
}

/* ---- signal state (delivery: signal.c) ---- */
static long sys_rt_sigaction(int sig, uint64_t act, uint64_t oact, uint64_t size)
{
    if (size != 8 || sig < 1 || sig > NSIG)
        return -EINVAL;
    if (act && (sig == 9 || sig == 19))
        return -EINVAL;
    if ((act && !user_ok(act, sizeof(struct k_sigaction))) ||
            (oact && !user_ok(oact, sizeof(struct k_sigaction))))
        return -EFAULT;
    struct k_sigaction old = actions[sig];
    if (act)
        memcpy(&actions[sig], (void *)(uintptr_t)act, sizeof old);
    if (oact)
        memcpy((void *)(uintptr_t)oact, &old, sizeof old);
    return 0;
}

static long sys_rt_sigprocmask(int how, uint64_t set, uint64_t oset, uint64_t size)
{
    if (size != 8)
        return -EINVAL;
    if ((set && !user_ok(set, 8)) || (oset && !user_ok(oset, 8)))
        return -EFAULT;
    uint64_t old = cur->sigmask;
    if (set) {
        uint64_t s;
        memcpy(&s, (void *)(uintptr_t)set, 8);
        switch (how) {
        case 0: cur->sigmask |= s; break;
        case 1: cur->sigmask &= ~s; break;
        case 2: cur->sigmask = s; break;
        default: return -EINVAL;
        }
    }
    if (oset)
        memcpy((void *)(uintptr_t)oset, &old, 8);
    return 0;
}

static long sys_sigaltstack(uint64_t ss, uint64_t old)
{
    if ((ss && !user_ok(ss, 24)) || (old && !user_ok(old, 24)))
        return -EFAULT;
    uint64_t prev[3];
    memcpy(prev, cur->altstack, sizeof prev);
    if (prev[0] == 0 && prev[2] == 0)
        prev[1] = 2; /* SS_DISABLE */
    if (ss)
        memcpy(cur->altstack, (void *)(uintptr_t)ss, 24);
    if (old)
        memcpy((void *)(uintptr_t)old, prev, 24);
    return 0;
}

/* ---- misc ---- */
static long sys_uname(uint64_t p)
{
    if (!user_ok(p, sizeof(struct k_utsname)))
        return -EFAULT;
    struct k_utsname *u = (struct k_utsname *)(uintptr_t)p;
    memset(u, 0, sizeof *u);
    memcpy(u->sysname, "Linux", 6);
    const char *host = libos_cfg.hostname ? libos_cfg.hostname : "nabla";
    size_t hn = strlen(host);
    memcpy(u->nodename, host, hn < 64 ? hn : 64);
    memcpy(u->release, "6.1.0-nabla", 12);
    memcpy(u->version, "#1 SMP nabla libOS", 19);
    memcpy(u->machine, arch_platform(), strlen(arch_platform()) + 1);
    memcpy(u->domainname, "(none)", 7);
    return 0;
}

static long sys_prlimit(int res, uint64_t newp, uint64_t oldp)
{
    static struct k_rlimit lim[16];
    static int init;
    if (!init) {
        for (int i = 0; i < 16; i++)
            lim[i].cur = lim[i].max = UINT64_MAX;
        lim[7].cur = lim[7].max = MAX_FDS;     /* RLIMIT_NOFILE */
        lim[3].cur = 8 << 20;                  /* RLIMIT_STACK */
        init = 1;
    }
    if (res < 0 || res >= 16)
        return -EINVAL;
    if ((newp && !user_ok(newp, 16)) || (oldp && !user_ok(oldp, 16)))
        return -EFAULT;
    struct k_rlimit old = lim[res];
    if (newp) {
        struct k_rlimit n;
        memcpy(&n, (void *)(uintptr_t)newp, 16);
        if (n.cur > n.max || n.max > lim[res].max)
            return n.cur > n.max ? -EINVAL : -EPERM;
        lim[res] = n;
    }
    if (oldp)
        memcpy((void *)(uintptr_t)oldp, &old, 16);
    return 0;
}

static long sys_getrandom(uint64_t buf, uint64_t len)
{
    if (len > (32u << 20))
        len = 32u << 20;
    if (len && !user_ok(buf, len))
        return -EFAULT;
    rnd_fill((void *)(uintptr_t)buf, len);
    return (long)len;
}

static long sys_getcwd(uint64_t buf, uint64_t size)
{
    const char *cwd = libos_cfg.cwd && libos_cfg.cwd[0] == '/' ? libos_cfg.cwd : "/";
    uint64_t n = strlen(cwd) + 1;
    if (size < n)
        return -ERANGE;
    if (!user_ok(buf, n))
        return -EFAULT;
    memcpy((void *)(uintptr_t)buf, cwd, n);
    return (long)n;
}

static long dispatch(void *uc, long nr)
{
    uint64_t a[6];
    for (int i = 0; i < 6; i++)
        a[i] = uc_arg(uc, i);
    int sc = arch_sysno(nr);
    switch (sc) {
    case SC_read: return fd_read((int)a[0], a[1], a[2]);
    case SC_write: return fd_write((int)a[0], a[1], a[2]);
    case SC_readv: return fd_readv((int)a[0], a[1], (int)a[2]);
    case SC_writev: return fd_writev((int)a[0], a[1], (int)a[2]);
    case SC_pread64: return fd_lseek((int)a[0]);
    case SC_close: return fd_close((int)a[0]);
    case SC_open: case SC_openat: case SC_stat: case SC_access: case SC_faccessat:
    case SC_readlink: case SC_readlinkat:
        return -ENOENT; /* no file system yet: the runtimes' /proc and /sys probes fail */
    case SC_newfstatat:
        if (a[3] & 0x1000 /* AT_EMPTY_PATH */)
            return fd_fstat((int)a[0], a[2]);
        return -ENOENT;
    case SC_fstat: return fd_fstat((int)a[0], a[1]);
    case SC_lseek: return fd_lseek((int)a[0]);
    case SC_ioctl: return fd_ioctl((int)a[0], a[1]);
    case SC_fcntl: return fd_fcntl((int)a[0], (int)a[1], a[2]);
    case SC_pipe: return fd_pipe2(a[0], 0);
    case SC_pipe2: return fd_pipe2(a[0], (int)a[1]);
    case SC_eventfd: return fd_eventfd2((unsigned)a[0], 0);
    case SC_eventfd2: return fd_eventfd2((unsigned)a[0], (int)a[1]);
    case SC_epoll_create: return (int)a[0] <= 0 ? -EINVAL : fd_epoll_create1(0);
    case SC_epoll_create1: return fd_epoll_create1((int)a[0]);
    case SC_epoll_ctl: return fd_epoll_ctl((int)a[0], (int)a[1], (int)a[2], a[3]);
    case SC_epoll_wait: case SC_epoll_pwait:
        return fd_epoll_wait((int)a[0], a[1], (int)a[2], (long)(int)a[3]);
    case SC_dup: return fd_dup((int)a[0], -1, 0);
    case SC_dup2: return fd_dup((int)a[0], (int)a[1], 0);
    case SC_dup3: return fd_dup((int)a[0], (int)a[1], (int)a[2]);
    case SC_mmap: return mm_mmap(a[0], a[1], (int)a[2], (int)a[3], (int)a[4]);
    case SC_munmap: return mm_munmap(a[0], a[1]);
    case SC_mprotect: return mm_mprotect(a[0], a[1], (int)a[2]);
    case SC_madvise: return mm_madvise(a[0], a[1], (int)a[2]);
    case SC_brk: return mm_brk(a[0]);
    case SC_clone: return sys_clone(uc, a[0], a[1], a[2]);
    case SC_futex: return sys_futex(a[0], (int)a[1], (uint32_t)a[2], a[3], a[4], (uint32_t)a[5]);
    case SC_set_tid_address:
        cur->clear_tid = a[0];
        return cur->tid;
    case SC_gettid: return cur->tid;
    case SC_getpid: return 1;
    case SC_getppid: return 0;
    case SC_tgkill: return a[0] != 1 ? -ESRCH : sys_kill((int)a[1], (int)a[2]);
    case SC_tkill: return sys_kill((int)a[0], (int)a[1]);
    case SC_kill: return a[0] != 1 && a[0] != 0 ? -ESRCH : sys_kill(cur->tid, (int)a[1]);
    case SC_rt_sigreturn: return arch_sigreturn(uc);
    case SC_exit:
        thread_exit((int)a[0]);
        return 0;
    case SC_exit_group: libos_exit((int)(a[0] & 0xff));
    case SC_sched_yield:
        sched_yield_now();
        return 0;
    case SC_sched_getaffinity:
        if (a[1] < 8 || (a[1] & 7))
            return -EINVAL;
        if (!user_ok(a[2], 8))
            return -EFAULT;
        *(uint64_t *)(uintptr_t)a[2] = (1ULL << NCPU) - 1;
        return 8;
    case SC_nanosleep: return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, a[0]);
    case SC_clock_nanosleep: return sys_clock_nanosleep((int)a[0], (int)a[1], a[2]);
    case SC_clock_gettime: return sys_clock_gettime((int)a[0], a[1]);
    case SC_clock_getres: return a[1] ? put_ts(a[1], 1) : 0;
    case SC_gettimeofday:
        if (a[0]) {
            uint64_t ns = app_wall_ns();
            if (!user_ok(a[0], 16))
                return -EFAULT;
            uint64_t tv[2] = { ns / NSEC, (ns % NSEC) / 1000 };
            memcpy((void *)(uintptr_t)a[0], tv, 16);
        }
        return 0;
    case SC_time: {
        uint64_t s = app_wall_ns() / NSEC;
        if (a[0] && user_ok(a[0], 8))
            memcpy((void *)(uintptr_t)a[0], &s, 8);
        return (long)s;
    }
    case SC_rt_sigaction: return sys_rt_sigaction((int)a[0], a[1], a[2], a[3]);
    case SC_rt_sigprocmask: return sys_rt_sigprocmask((int)a[0], a[1], a[2], a[3]);
    case SC_sigaltstack: return sys_sigaltstack(a[0], a[1]);
#if defined(__x86_64__)
    case SC_arch_prctl: return arch_prctl_emul((int)a[0], a[1]);
#endif
    case SC_prctl: return -EINVAL;
    case SC_prlimit64: return a[0] && a[0] != 1 ? -ESRCH : sys_prlimit((int)a[1], a[2], a[3]);
    case SC_getrlimit: return sys_prlimit((int)a[0], 0, a[1]);
    case SC_setrlimit: return sys_prlimit((int)a[0], a[1], 0);
    case SC_uname: return sys_uname(a[0]);
    case SC_getuid: case SC_geteuid: return libos_cfg.uid;
    case SC_getgid: case SC_getegid: return libos_cfg.gid;
    case SC_getgroups: return config_getgroups(a[0], a[1]);
    case SC_getrandom: return sys_getrandom(a[0], a[1]);
    case SC_getcwd: return sys_getcwd(a[0], a[1]);
    }
    return enosys(nr);
}

/* SIGSYS: a system call from the app (outside libOS text), turned back by the filter. The
 * result goes into the frame, and the frame may be switched to another thread. */
void libos_sigsys(int sig, void *info, void *uc)
{
    (void)sig;
    int code = *(int *)((char *)info + 8);
    long nr = *(int *)((char *)info + 24); /* si_syscall */
    if (code != SYS_SECCOMP) {
        LOG("libos: unexpected SIGSYS (code %d)\n", code);
        libos_exit(128 + SIGSYS);
    }
    vdso_update();
    trap_count++;
    if (nr >= 0 && nr < 512)
        call_count[nr]++;
    cur->nr = nr;
    long r = dispatch(uc, nr);
    if (cur->state == T_RUN && !keep_frame)
        uc_set_ret(uc, r);
    keep_frame = 0;
    sched_switch(uc);
    sig_deliver(uc);
}

void libos_sigalrm(int sig, void *info, void *uc)
{
    (void)sig;
    (void)info;
    vdso_update();
    sched_tick(uc);
    sig_deliver(uc);
}

void libos_fault(int sig, void *info, void *uc)
{
    uint64_t addr = *(uint64_t *)((char *)info + 16);
    uint64_t pc = uc_pc(uc);
    if (!in_libos(pc) && cur && sig_fault(uc, sig, info))
        return; /* the app's own handler (Go turns faults into panics) */
    LOG("libos: fatal signal %d in %s: fault address %p, pc %p (thread %d)\n", sig,
            in_libos(pc) ? "the libOS" : "the app", (void *)(uintptr_t)addr,
            (void *)(uintptr_t)pc, cur ? cur->tid : 0);
    libos_exit(128 + sig);
}

void libos_time_init(void)
{
    boot_ns = now_ns();
}
