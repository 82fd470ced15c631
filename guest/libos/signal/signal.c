/* signal.c: signals to the app's own handlers: tgkill (Go's SIGURG preemption) and faults. */
#include "libos.h"

int keep_frame;
/* Dispositions are the process's (curproc->actions). */
#define ACTIONS (curproc->actions)

struct k_sigaction *sig_action(int sig)
{
    return &ACTIONS[sig];
}

/* A process's fatal default action: pid 1's ends the unikernel; a child's ends the child
 * (the sys layer registers how: its threads, fds and memory go, the parent is told). */
void (*sig_proc_kill)(struct proc *p, int sig);

/* execve: handled signals go back to their default action; ignored ones stay ignored;
 * the alternate stack is gone (it was in the old program's memory). */
void sig_exec_reset(void)
{
    for (int i = 1; i <= NSIG; i++) {
        if (ACTIONS[i].handler != 1 /* SIG_IGN */)
            ACTIONS[i].handler = 0;
        ACTIONS[i].flags = 0;
        ACTIONS[i].restorer = 0;
        ACTIONS[i].mask = 0;
    }
    if (cur)
        memset(cur->altstack, 0, sizeof cur->altstack);
}

static int default_ignored(int sig)
{
    return sig == 17 || sig == 18 || sig == 23 || sig == 28; /* CHLD CONT URG WINCH */
}

long sig_post(int tid, int sig)
{
    struct thread *t = thread_by_tid(tid);
    if (!t)
        return -ESRCH;
    if (sig == 0)
        return 0;
    return sig_post_thread(t, sig);
}

long sig_post_thread(struct thread *t, int sig)
{
    struct k_sigaction *act = &t->proc->actions[sig];
    uint64_t h = act->handler;
    if (sig == SIGKILL)
        h = SIG_DFL;
    if (h == SIG_IGN || (h == SIG_DFL && default_ignored(sig)))
        return 0;
    if (h == SIG_DFL) {
        if (t->proc->pid != 1 && sig_proc_kill) {
            DBG("libos: process %d killed by signal %d\n", t->proc->pid, sig);
            sig_proc_kill(t->proc, sig);
            return 0;
        }
        /* Silent, as natively (Go's runtime re-raises an unhandled SIGTERM this way):
         * the status, 128 + sig, says it. */
        DBG("libos: app killed by signal %d\n", sig);
        libos_exit(128 + sig);
    }
    uint64_t bit = 1ULL << (sig - 1);
    t->pending |= bit;
    /* A blocked thread takes the signal now: its call ends with EINTR, or, for the calls
     * that block with a restart (pipe and eventfd reads and writes) under SA_RESTART, is
     * re-run after the handler. Futex waits, sleeps and epoll waits always see EINTR. */
    if (t->state == T_BLOCKED && !(t->sigmask & bit))
        sched_interrupt(t, t->restart == WAIT_RESTART && (act->flags & SA_RESTART));
    return 0;
}

static int enter(void *uc, int sig, const uint8_t *info)
{
    struct k_sigaction *act = sig_action(sig);
    /* After rt_sigsuspend the frame keeps the mask from before the call, which the
     * handler's return restores; the handler itself runs under the suspend mask. */
    uint64_t run_mask = cur->sigmask;
    if (cur->sigsusp) {
        cur->sigmask = cur->sigsusp_old;
        cur->sigsusp = 0;
    }
    if (arch_sig_enter(uc, cur, sig, act, info) != 0)
        return -1;
    cur->sigmask = run_mask | act->mask;
    if (!(act->flags & SA_NODEFER))
        cur->sigmask |= 1ULL << (sig - 1);
    if (act->flags & SA_RESETHAND)
        act->handler = SIG_DFL;
    return 0;
}

void sig_deliver(void *uc)
{
    uint64_t ready = cur->pending & ~cur->sigmask;
    if (cur->sigsusp && cur->state == T_RUN && !ready) { /* woken with nothing to run */
        cur->sigmask = cur->sigsusp_old;
        cur->sigsusp = 0;
    }
    if (!ready || cur->state != T_RUN || in_libos(uc_pc(uc)))
        return;
    int sig = __builtin_ctzll(ready) + 1;
    cur->pending &= ~(1ULL << (sig - 1));
    uint64_t h = sig_action(sig)->handler;
    if (h == SIG_DFL || h == SIG_IGN)
        return; /* changed since it was posted */
    struct k_siginfo si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = SI_TKILL;
    si.u.kill.pid = 1; /* si_uid stays 0 */
    /* SIGCHLD tells which child ended (a zombie of this process, the newest). */
    for (int i = 0; sig == SIGCHLD && i < MAX_PROCS; i++) {
        const struct proc *z = &procs[i];
        if (z->state != P_ZOMBIE || z->ppid != curproc->pid || (si.si_code != SI_TKILL && z->pid < si.u.chld.pid))
            continue;
        si.si_code = (z->wstatus & 0x7f) ? CLD_KILLED : CLD_EXITED;
        si.u.chld.pid = z->pid;
        si.u.chld.status = (z->wstatus & 0x7f) ? (z->wstatus & 0x7f) : (z->wstatus >> 8) & 0xff;
    }
    if (enter(uc, sig, (const uint8_t *)&si) != 0) {
        LOG("libos: cannot deliver signal %d: bad stack %p\n", sig, (void *)(uintptr_t)uc_sp(uc));
        libos_exit(128 + 11);
    }
}

int sig_fault(void *uc, int sig, const void *host_info)
{
    uint64_t h = sig_action(sig)->handler;
    if (h == SIG_DFL || h == SIG_IGN || (cur->sigmask & (1ULL << (sig - 1))))
        return 0;
    uint8_t info[SI_SIZE];
    memcpy(info, host_info, SI_SIZE); /* signo, code and fault address as the host saw them */
    return enter(uc, sig, info) == 0;
}
