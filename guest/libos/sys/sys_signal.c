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

static long sys_tgkill(struct sc *c)
{
    struct thread *t = thread_by_tid((int)c->a[1]);
    if (!t || t->proc->pid != (int)c->a[0])
        return -ESRCH;
    return send((int)c->a[1], (int)c->a[2]);
}

/* A process-directed signal to p: to a thread of it not blocking it. */
static long to_proc(struct proc *p, int sig)
{
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (p->state != P_LIVE || sig == 0)
        return 0; /* a zombie takes signals and ignores them */
    struct thread *t = proc_thread_for_signal(p, sig);
    return t ? sig_post_thread(t, sig) : 0;
}
static long sys_tkill(struct sc *c) { return send((int)c->a[0], (int)c->a[1]); }
/* pid 1 and the spawned children, all in process group 1: a pid, 0 (the group: all), or
 * -1 (all but pid 1 and the caller, as Linux's). The caller's own process goes last, since a
 * default action may end it. */
static long sys_kill(struct sc *c)
{
    long pid = (long)(int)c->a[0];
    int sig = (int)c->a[1];
    if (pid > 0) {
        struct proc *p = proc_by_pid((int)pid);
        return p ? to_proc(p, sig) : -ESRCH;
    }
    if (pid < -1)
        return -ESRCH; /* a group other than 1 (kill(-1) means every process) */
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    struct proc *me = curproc;
    for (int i = 0; i < MAX_PROCS; i++)
        if (&procs[i] != me && procs[i].state == P_LIVE && !(pid == -1 && procs[i].pid == 1))
            to_proc(&procs[i], sig);
    return pid == -1 ? 0 : to_proc(me, sig);
}

static long sys_rt_sigreturn(struct sc *c) { return arch_sigreturn(c->uc); }

/* pause and rt_sigsuspend: the thread sleeps until a signal runs a handler or ends the
 * process; the call then fails with EINTR (never restarted, as on Linux). */
static long sys_pause(struct sc *c)
{
    (void)c;
    sched_block((uintptr_t)cur, NO_DEADLINE, cur->nr, WAIT_RETURN, -EINTR);
    return 0;
}

static long sys_rt_sigsuspend(struct sc *c)
{
    uint64_t m;
    if (c->a[1] != 8)
        return -EINVAL;
    if (copy_from_user(&m, c->a[0], 8))
        return -EFAULT;
    cur->sigsusp_old = cur->sigmask;
    cur->sigsusp = 1;
    cur->sigmask = m & ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)));
    if (cur->pending & ~cur->sigmask) /* one is already waiting: it runs now */
        return -EINTR;
    sched_block((uintptr_t)cur, NO_DEADLINE, cur->nr, WAIT_RETURN, -EINTR);
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
    { NR_rt_sigsuspend, "rt_sigsuspend", sys_rt_sigsuspend, 0, "" },
    { NR_kill, "kill", sys_kill, SYSF_PARTIAL, "pid 1 and its spawned children (one process group); 0, -1 and -1 as a group" },
    { -1, NULL, NULL, 0, NULL },
};
