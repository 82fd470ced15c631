/* sys_signal.c: signal calls: dispositions, masks, the alternate stack, sending, return. */
#include "libos.h"
#include "mm/uaccess.h"
#include "sys/table.h"

static long sys_rt_sigaction(struct sc *c)
{
    int sig = (int)c->a[0];
    uint64_t act = c->a[1], oact = c->a[2];
    if (c->a[3] != 8 || sig < 1 || sig > NSIG)
        return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    struct k_sigaction neu, old = *sig_action(sig);
    if (act && copy_from_user(&neu, act, sizeof neu))
        return -EFAULT;
    if (oact && copy_to_user(oact, &old, sizeof old))
        return -EFAULT;
    if (act)
        *sig_action(sig) = neu;
    return 0;
}

static long sys_rt_sigprocmask(struct sc *c)
{
    int how = (int)c->a[0];
    uint64_t set = c->a[1], oset = c->a[2];
    if (c->a[3] != 8)
        return -EINVAL;
    uint64_t old = cur->sigmask, s = 0;
    if (set && copy_from_user(&s, set, 8))
        return -EFAULT;
    if (set) {
        s &= ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)));
        switch (how) {
        case 0: cur->sigmask |= s; break;
        case 1: cur->sigmask &= ~s; break;
        case 2: cur->sigmask = s; break;
        default: return -EINVAL;
        }
    }
    if (oset && copy_to_user(oset, &old, 8)) {
        cur->sigmask = old;
        return -EFAULT;
    }
    return 0;
}

static long sys_sigaltstack(struct sc *c)
{
    uint64_t ss = c->a[0], old = c->a[1];
    uint64_t prev[3], neu[3];
    memcpy(prev, cur->altstack, sizeof prev);
    if (prev[0] == 0 && prev[2] == 0)
        prev[1] = 2; /* SS_DISABLE */
    if (ss && copy_from_user(neu, ss, sizeof neu))
        return -EFAULT;
    if (old && copy_to_user(old, prev, sizeof prev))
        return -EFAULT;
    if (ss)
        memcpy(cur->altstack, neu, sizeof neu);
    return 0;
}

static long send(int tid, int sig)
{
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    return sig_post(tid, sig);
}

static long sys_tgkill(struct sc *c) { return c->a[0] != 1 ? -ESRCH : send((int)c->a[1], (int)c->a[2]); }
static long sys_tkill(struct sc *c) { return send((int)c->a[0], (int)c->a[1]); }
/* The process is pid 1; 0 and -1 name it too. A process-directed signal goes to the
 * calling thread. */
static long sys_kill(struct sc *c)
{
    long pid = (long)(int)c->a[0];
    return pid != 1 && pid != 0 && pid != -1 ? -ESRCH : send(cur->tid, (int)c->a[1]);
}

static long sys_rt_sigreturn(struct sc *c) { return arch_sigreturn(c->uc); }

/* pause: a wait only a signal ends (EINTR, after the handler), or its default action. */
static long sys_pause(struct sc *c)
{
    sched_block((uintptr_t)cur, NO_DEADLINE, c->nr, WAIT_RETURN, 0);
    return 0;
}

const struct syscall sys_signal_calls[] = {
    { NR_rt_sigaction, "rt_sigaction", sys_rt_sigaction, 0, "" },
    { NR_rt_sigprocmask, "rt_sigprocmask", sys_rt_sigprocmask, 0, "" },
    { NR_sigaltstack, "sigaltstack", sys_sigaltstack, 0, "" },
    { NR_rt_sigreturn, "rt_sigreturn", sys_rt_sigreturn, 0, "restores the whole context (flags sanitised)" },
    { NR_tgkill, "tgkill", sys_tgkill, 0, "" },
    { NR_tkill, "tkill", sys_tkill, 0, "" },
    { NR_pause, "pause", sys_pause, 0, "x86_64" },
    { NR_kill, "kill", sys_kill, SYSF_PARTIAL, "one process (pid 1): delivered to the calling thread" },
    { -1, NULL, NULL, 0, NULL },
};
