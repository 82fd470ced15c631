/* sys_proc.c: the process's identity and limits: ids, uname, rlimits, getrandom, prctl,
 * arch_prctl. */
#include "libos.h"
#include "fd/file.h"
#include "mm/uaccess.h"
#include "sys/table.h"

#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7

static long sys_uname(struct sc *c)
{
    struct k_utsname u;
    memset(&u, 0, sizeof u);
    memcpy(u.sysname, "Linux", 6);
    const char *host = libos_cfg.hostname ? libos_cfg.hostname : "nabla";
    size_t hn = strlen(host);
    memcpy(u.nodename, host, hn < 64 ? hn : 64);
    memcpy(u.release, "6.1.0-nabla", 12);
    memcpy(u.version, "#1 SMP nabla libOS", 19);
    memcpy(u.machine, arch_platform(), strlen(arch_platform()) + 1);
    memcpy(u.domainname, "(none)", 7);
    return copy_to_user(c->a[0], &u, sizeof u);
}

static struct k_rlimit lim[RLIM_NLIMITS];

/* The limits at boot: unlimited, except RLIMIT_NOFILE 1024/MAX_FDS and an 8 MiB stack,
 * then those of the configuration ("rlimits", process.rlimits) as given. MAX_FDS is the
 * libOS's nr_open: RLIMIT_NOFILE is cut to it (Linux refuses more than fs.nr_open). Only
 * RLIMIT_NOFILE is enforced (the fd table); the others are reported (README "Limits"). */
void rlimits_boot(void)
{
    for (int i = 0; i < RLIM_NLIMITS; i++) {
        lim[i].cur = lim[i].max = UINT64_MAX;
        if (libos_cfg.rlimits[i].set) {
            lim[i].cur = libos_cfg.rlimits[i].cur;
            lim[i].max = libos_cfg.rlimits[i].max;
        }
    }
    if (!libos_cfg.rlimits[RLIMIT_NOFILE].set) {
        lim[RLIMIT_NOFILE].cur = 1024;
        lim[RLIMIT_NOFILE].max = MAX_FDS;
    }
    if (!libos_cfg.rlimits[RLIMIT_STACK].set)
        lim[RLIMIT_STACK].cur = 8 << 20;
    if (lim[RLIMIT_NOFILE].max > MAX_FDS)
        lim[RLIMIT_NOFILE].max = MAX_FDS;
    if (lim[RLIMIT_NOFILE].cur > MAX_FDS)
        lim[RLIMIT_NOFILE].cur = MAX_FDS;
    fd_set_limit((int)lim[RLIMIT_NOFILE].cur);
}

static long prlimit(int res, uint64_t newp, uint64_t oldp)
{
    if (res < 0 || res >= RLIM_NLIMITS)
        return -EINVAL;
    struct k_rlimit old = lim[res], n;
    if (newp) {
        if (copy_from_user(&n, newp, sizeof n))
            return -EFAULT;
        if (n.cur > n.max)
            return -EINVAL;
        if (n.max > lim[res].max)
            return -EPERM; /* raising a hard limit needs CAP_SYS_RESOURCE, as Docker withholds */
    }
    if (oldp && copy_to_user(oldp, &old, sizeof old))
        return -EFAULT;
    if (newp) {
        lim[res] = n;
        if (res == RLIMIT_NOFILE)
            fd_set_limit(n.cur > MAX_FDS ? MAX_FDS : (int)n.cur);
    }
    return 0;
}

static long sys_prlimit64(struct sc *c)
{
    if (c->a[0] && c->a[0] != 1)
        return -ESRCH;
    return prlimit((int)c->a[1], c->a[2], c->a[3]);
}
static long sys_getrlimit(struct sc *c) { return prlimit((int)c->a[0], 0, c->a[1]); }
static long sys_setrlimit(struct sc *c) { return prlimit((int)c->a[0], c->a[1], 0); }

static long sys_getrandom(struct sc *c)
{
    uint64_t buf = c->a[0], len = c->a[1];
    if (c->a[2] & ~7ULL)
        return -EINVAL;
    if (len > (32u << 20))
        len = 32u << 20;
    if (len && !user_writable(buf, len))
        return -EFAULT;
    rnd_fill((void *)(uintptr_t)buf, len);
    return (long)len;
}

static long sys_getpid(struct sc *c) { (void)c; return curproc->pid; }
static long sys_getppid(struct sc *c) { (void)c; return curproc->ppid; }
/* The ids of the spec's process.user (the configuration's "uid", "gid", "groups"). */
static long sys_getuid(struct sc *c) { (void)c; return libos_cfg.uid; }
static long sys_getgid(struct sc *c) { (void)c; return libos_cfg.gid; }

static long sys_getgroups(struct sc *c)
{
    int size = (int)c->a[0];
    uint64_t n = (uint64_t)libos_cfg.ngroups;
    if (size < 0)
        return -EINVAL;
    if (size == 0)
        return (long)n;
    if ((uint64_t)size < n)
        return -EINVAL;
    if (copy_to_user(c->a[1], libos_cfg.groups, n * 4))
        return -EFAULT;
    return (long)n;
}

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_CAPBSET_READ 23
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

/* The subset runtimes use at start: thread names, dumpable, no_new_privs, capability probes. */
static long sys_prctl(struct sc *c)
{
    static char name[16] = "app";
    static int dumpable = 1;
    switch ((int)c->a[0]) {
    case PR_SET_NAME: {
        char n[16];
        long r = strncpy_from_user(n, c->a[1], sizeof n);
        if (r == -EFAULT)
            return r;
        n[15] = 0;
        memcpy(name, n, sizeof n);
        return 0;
    }
    case PR_GET_NAME:
        return copy_to_user(c->a[1], name, sizeof name);
    case PR_SET_DUMPABLE:
        if (c->a[1] > 1)
            return -EINVAL;
        dumpable = (int)c->a[1];
        return 0;
    case PR_GET_DUMPABLE:
        return dumpable;
    case PR_SET_PDEATHSIG:
        return c->a[1] > NSIG ? -EINVAL : 0;
    case PR_GET_PDEATHSIG: {
        int z = 0;
        return copy_to_user(c->a[1], &z, sizeof z);
    }
    case PR_SET_NO_NEW_PRIVS:
        return c->a[1] == 1 ? 0 : -EINVAL;
    case PR_GET_NO_NEW_PRIVS:
        return 1;
    case PR_CAPBSET_READ:
        return c->a[1] <= 40 ? 0 : -EINVAL; /* no capabilities, none beyond the last known */
    }
    return -EINVAL;
}

#if defined(__x86_64__)
/* arch_prctl (x86_64 only): the thread's FS base is its TLS pointer. */
static long sys_arch_prctl(struct sc *c)
{
    int code = (int)c->a[0];
    uint64_t addr = c->a[1];
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
    switch (code) {
    case ARCH_SET_FS:
        if (addr >= (1ULL << 47))
            return -EPERM;
        cur->tls = addr;
        return host_set_tls(addr);
    case ARCH_GET_FS:
        return copy_to_user(addr, &cur->tls, 8);
    }
    return -EINVAL;
}
#else
static long sys_arch_prctl(struct sc *c) { (void)c; return -ENOSYS; }
#endif

/* The one process is pid 1 and leads its session and process group, as a runc container's
 * init does (runc starts it with setsid): pgid and sid are 1, setsid and setpgid (a
 * session leader's) fail with EPERM. Another pid is ESRCH: there is no other process. */
static long sys_getpgid(struct sc *c) { return c->a[0] == 0 || c->a[0] == 1 ? 1 : -ESRCH; }
static long sys_getpgrp(struct sc *c) { (void)c; return 1; }
static long sys_setsid(struct sc *c) { (void)c; return -EPERM; }
static long sys_setpgid(struct sc *c)
{
    if (c->a[0] != 0 && c->a[0] != 1)
        return -ESRCH;
    return (int64_t)c->a[1] < 0 ? -EINVAL : -EPERM;
}

const struct syscall sys_proc_calls[] = {
    { NR_getpid, "getpid", sys_getpid, 0, "1; a spawned child its own" },
    { NR_getppid, "getppid", sys_getppid, 0, "0 for pid 1; a child its parent's pid" },
    { NR_getpgid, "getpgid", sys_getpgid, 0, "1: the session and group leader" },
    { NR_getsid, "getsid", sys_getpgid, 0, "1" },
    { NR_getpgrp, "getpgrp", sys_getpgrp, 0, "x86_64: 1" },
    { NR_setsid, "setsid", sys_setsid, 0, "EPERM: a session leader already" },
    { NR_setpgid, "setpgid", sys_setpgid, 0, "EPERM (a session leader's)" },
    { NR_getuid, "getuid", sys_getuid, 0, "" },
    { NR_geteuid, "geteuid", sys_getuid, 0, "" },
    { NR_getgid, "getgid", sys_getgid, 0, "" },
    { NR_getegid, "getegid", sys_getgid, 0, "" },
    { NR_getgroups, "getgroups", sys_getgroups, 0, "the spec's additional gids" },
    { NR_uname, "uname", sys_uname, 0, "Linux 6.1.0-nabla; nodename from the configuration" },
    { NR_prlimit64, "prlimit64", sys_prlimit64, 0, "this process only; RLIMIT_NOFILE bounds the fd table (at most 4096), the others are reported only" },
    { NR_getrlimit, "getrlimit", sys_getrlimit, 0, "" },
    { NR_setrlimit, "setrlimit", sys_setrlimit, 0, "" },
    { NR_getrandom, "getrandom", sys_getrandom, 0, "ChaCha20 keyed from the host seed the tender writes (and RDRAND where present)" },
    { NR_prctl, "prctl", sys_prctl, SYSF_PARTIAL, "names, dumpable, pdeathsig, no_new_privs, capbset probes" },
    { NR_arch_prctl, "arch_prctl", sys_arch_prctl, SYSF_PARTIAL, "x86_64: ARCH_SET_FS, ARCH_GET_FS" },
    { -1, NULL, NULL, 0, NULL },
};
