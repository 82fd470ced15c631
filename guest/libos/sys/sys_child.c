/* sys_child.c: child processes beside pid 1 in the one address space (vfork, clone with
 * CLONE_VM: posix_spawn), their end, wait4/waitid and SIGCHLD. */
#include "libos.h"
#include "fd/file.h"
#include "fs/vfs.h"
#include "mm/uaccess.h"
#include "sys/table.h"
#include "sys/child.h"

/* What a parent thread blocks on: its vfork child's exec or exit, a child's change. */
#define VFORK_KEY(p) ((uintptr_t)&(p)->vfork_tid)
#define WAIT_KEY(p) ((uintptr_t)&(p)->ppid)

#define WNOHANG 1
#define WUNTRACED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x1000000
#define WX_LINUX 0xe0000000u /* __WNOTHREAD, __WALL, __WCLONE: one kind of child here */

void proc_vfork_done(struct proc *p)
{
    if (!p->vfork_tid)
        return;
    p->vfork_tid = 0;
    sched_wake_ret(VFORK_KEY(p), 1, p->pid);
}

static void drop_thread(struct thread *t) { poll_release(t); }

void proc_exit(struct proc *p, int wstatus)
{
    if (p->pid == 1) /* the container's init: everything ends with it */
        libos_exit((wstatus & 0x7f) ? 128 + (wstatus & 0x7f) : (wstatus >> 8) & 0xff);
    if (p->state != P_LIVE)
        return;
    DBG("libos: process %d ends: wait status 0x%x\n", p->pid, wstatus);
    sched_kill_threads(p, NULL, drop_thread);
    fd_table_release(p->fdt);
    p->fdt = NULL;
    if (p->cwd)
        node_put(p->cwd);
    p->cwd = NULL;
    mm_proc_free(p);
    exec_proc_free(p);
    p->wstatus = wstatus;
    p->state = P_ZOMBIE;
    proc_vfork_done(p);
    /* Its children go to pid 1, as orphans go to init. */
    struct proc *init = &procs[0];
    int orphans = 0;
    for (int i = 0; i < MAX_PROCS; i++) {
        if (procs[i].state != P_FREE && procs[i].ppid == p->pid) {
            procs[i].ppid = 1;
            orphans += procs[i].state == P_ZOMBIE;
        }
    }
    if (orphans)
        sched_wake(WAIT_KEY(init), MAX_THREADS);
    struct proc *parent = proc_by_pid(p->ppid);
    if (!parent || parent->state != P_LIVE) {
        p->state = P_FREE;
        return;
    }
    /* SIGCHLD ignored or SA_NOCLDWAIT: no zombie (Linux reaps it at once). */
    struct k_sigaction *a = &parent->actions[SIGCHLD];
    if (p->exit_signal == SIGCHLD && (a->handler == SIG_IGN || (a->flags & 2 /* SA_NOCLDWAIT */)))
        p->state = P_FREE;
    if (p->exit_signal > 0 && p->exit_signal <= NSIG) {
        struct thread *t = proc_thread_for_signal(parent, p->exit_signal);
        if (t)
            sig_post_thread(t, p->exit_signal);
    }
    sched_wake(WAIT_KEY(parent), MAX_THREADS);
}

static void proc_kill(struct proc *p, int sig) { proc_exit(p, sig & 0x7f); }

void proc_boot(void) { sig_proc_kill = proc_kill; }

long proc_clone(void *uc, uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t tls, uint64_t ctid)
{
    const uint64_t known = CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID |
        CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | 0xff;
    if (!(flags & CLONE_VM)) {
        DBG("libos: fork (clone flags 0x%llx, no CLONE_VM): ENOSYS: a process beside this one "
                "shares its memory, so only vfork/posix_spawn followed by execve can run\n",
                (unsigned long long)flags);
        return -ENOSYS;
    }
    if (flags & ~known) {
        DBG("libos: clone of a process with flags 0x%llx: only CLONE_VM, CLONE_VFORK, the tid "
                "and TLS flags are served\n", (unsigned long long)flags);
        return -EINVAL;
    }
    int sig = (int)(flags & 0xff);
    if (sig > NSIG)
        return -EINVAL;
    long e = clone_check_tids(flags, ptid, ctid);
    if (e)
        return e;
    struct proc *p = proc_slot();
    if (!p)
        return -EAGAIN;
    void *fdt = fd_table_clone();
    if (!fdt)
        return -ENOMEM;
    struct thread *t = thread_new();
    if (!t) {
        fd_table_release(fdt);
        return -EAGAIN;
    }
    p->state = P_LIVE;
    p->pid = t->tid;
    p->ppid = curproc->pid;
    p->exit_signal = sig;
    p->fdt = fdt;
    p->fd_limit = curproc->fd_limit;
    memcpy(p->actions, curproc->actions, sizeof p->actions);
    p->cwd = curproc->cwd;
    if (p->cwd)
        node_get(p->cwd);
    p->umask = curproc->umask;
    p->brk_start = curproc->brk_start;
    p->brk_cur = curproc->brk_cur;
    memcpy(t->altstack, cur->altstack, sizeof t->altstack); /* a child keeps it; a thread not */
    clone_start(t, p, uc, flags, stack, ptid, tls, ctid);
    DBG("libos: process %d started by %d (clone flags 0x%llx)\n", p->pid, p->ppid,
            (unsigned long long)flags);
    if (flags & CLONE_VFORK) {
        /* The parent sleeps until the child execs or exits (it may be running on the
         * parent's stack); signals wait for it too, as Linux's vfork wait is not
         * interruptible. The wake returns the child's pid. */
        p->vfork_tid = cur->tid;
        cur->nointr = 1;
        sched_block(VFORK_KEY(p), NO_DEADLINE, cur->nr, WAIT_RETURN, 0);
        return 0;
    }
    need_switch = 1; /* the child first, as after vfork */
    return p->pid;
}

static long sys_vfork(struct sc *c)
{
    return proc_clone(c->uc, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

static long sys_fork(struct sc *c)
{
    DBG("libos: fork: ENOSYS: a process beside this one shares its memory, so only "
            "vfork/posix_spawn followed by execve can run\n");
    return sys_enosys(c);
}

/* A child of me that the wait's pid selects (every process is in group 1). */
static int selects(const struct proc *ch, long pid)
{
    if (ch->state == P_FREE || ch->ppid != curproc->pid || ch == curproc)
        return 0;
    if (pid > 0)
        return ch->pid == pid;
    return pid == -1 || pid == 0 || -pid == 1; /* any, my group, group 1 */
}

/* wait4 (info 0) and waitid (info: the siginfo to fill): the pid, 0 (WNOHANG and none
 * yet), or a negative errno; blocks and re-runs until a child ends. */
static long do_wait(struct sc *c, long pid, int options, uint64_t ustatus, uint64_t uinfo,
        uint64_t urusage, int waitid)
{
    if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WX_LINUX))
        return -EINVAL;
    if (waitid && !(options & (WEXITED | WUNTRACED | WCONTINUED)))
        return -EINVAL;
    int any = 0;
    struct proc *z = NULL;
    for (int i = 0; i < MAX_PROCS && !z; i++) {
        if (!selects(&procs[i], pid))
            continue;
        any = 1;
        if (procs[i].state == P_ZOMBIE)
            z = &procs[i];
    }
    if (!any)
        return -ECHILD;
    if (urusage) {
        uint8_t ru[144];
        memset(ru, 0, sizeof ru);
        if (copy_to_user(urusage, ru, sizeof ru))
            return -EFAULT;
    }
    if (!z || (waitid && !(options & WEXITED))) {
        if (options & WNOHANG) {
            if (waitid && uinfo) {
                struct k_siginfo si;
                memset(&si, 0, sizeof si);
                if (copy_to_user(uinfo, &si, sizeof si))
                    return -EFAULT;
            }
            return 0;
        }
        sched_block(WAIT_KEY(curproc), NO_DEADLINE, c->nr, WAIT_RESTART, 0);
        return 0;
    }
    int ws = z->wstatus;
    if (ustatus && copy_to_user(ustatus, &ws, 4))
        return -EFAULT;
    if (waitid && uinfo) {
        struct k_siginfo si;
        memset(&si, 0, sizeof si);
        si.si_signo = SIGCHLD;
        si.si_code = (ws & 0x7f) ? CLD_KILLED : CLD_EXITED;
        si.u.chld.pid = z->pid;
        si.u.chld.uid = libos_cfg.uid;
        si.u.chld.status = (ws & 0x7f) ? (ws & 0x7f) : (ws >> 8) & 0xff;
        if (copy_to_user(uinfo, &si, sizeof si))
            return -EFAULT;
    }
    int zpid = z->pid;
    if (!(waitid && (options & WNOWAIT)))
        z->state = P_FREE;
    return waitid ? 0 : zpid;
}

static long sys_wait4(struct sc *c)
{
    return do_wait(c, (long)(int)c->a[0], (int)c->a[2], c->a[1], 0, c->a[3], 0);
}

#define P_ALL 0
#define P_PID 1
#define P_PGID 2
static long sys_waitid(struct sc *c)
{
    int type = (int)c->a[0];
    long id = (long)(int)c->a[1];
    long pid;
    if (type == P_ALL)
        pid = -1;
    else if (type == P_PID && id > 0)
        pid = id;
    else if (type == P_PGID)
        pid = id == 0 ? 0 : -id;
    else
        return -EINVAL; /* P_PIDFD: no pidfds */
    return do_wait(c, pid, (int)c->a[3], 0, c->a[2], c->a[4], 1);
}

const struct syscall sys_child_calls[] = {
    { NR_vfork, "vfork", sys_vfork, SYSF_PARTIAL, "x86_64: a child process beside the parent (which waits until it execs or exits); see clone" },
    { NR_fork, "fork", sys_fork, SYSF_PARTIAL, "x86_64: ENOSYS (one address space: vfork/posix_spawn then execve only)" },
    { NR_wait4, "wait4", sys_wait4, SYSF_PARTIAL, "children's exit status (WNOHANG); no stops; the rusage is zero" },
    { NR_waitid, "waitid", sys_waitid, SYSF_PARTIAL, "P_ALL, P_PID, P_PGID; WEXITED, WNOHANG, WNOWAIT; P_PIDFD EINVAL" },
    { -1, NULL, NULL, 0, NULL },
};
