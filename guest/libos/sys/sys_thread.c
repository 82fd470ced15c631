/* sys_thread.c: threads and futexes: clone (threads only), exit, futex, tid calls,
 * sched_yield and sched_getaffinity. */
#include "libos.h"
#include "exec/vdso.h"
#include "mm/uaccess.h"
#include "fd/file.h"
#include "sys/table.h"
#include "sys/child.h"


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
            uint64_t ns, now = now_ns();
            long r = timespec_in(tmo, &ns);
            if (r)
                return r;
            if (cmd == FUTEX_WAIT) {
                dl = deadline_after(now, ns);
            } else { /* absolute, on the app's clock: converted to the host's */
                uint64_t t = (op & FUTEX_CLOCK_REALTIME) ? app_wall_ns() : app_mono_ns();
                dl = ns > t ? deadline_after(now, ns - t) : now;
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
    return -ENOSYS;
}


long clone_check_tids(uint64_t flags, uint64_t ptid, uint64_t ctid)
{
    if ((flags & CLONE_PARENT_SETTID) && !user_writable(ptid, 4))
        return -EFAULT;
    if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && !user_writable(ctid, 4))
        return -EFAULT;
    return 0;
}

void clone_start(struct thread *t, struct proc *p, void *uc, uint64_t flags, uint64_t stack,
        uint64_t ptid, uint64_t tls, uint64_t ctid)
{
    /* The caller's TLS: cur->tls, or on aarch64 the live TPIDR_EL0 uc_save reads (the app
     * writes it without a call, so cur->tls is only current after a switch). */
    t->tls = cur->tls;
    uc_save(t, uc);
    ctx_set_ret(t, 0);
    if (stack)
        ctx_set_sp(t, stack);
    if (flags & CLONE_SETTLS)
        t->tls = tls;
    t->sigmask = cur->sigmask;
    t->proc = p;
    if (flags & CLONE_PARENT_SETTID)
        *(volatile int32_t *)(uintptr_t)ptid = t->tid;
    if (flags & CLONE_CHILD_SETTID)
        *(volatile int32_t *)(uintptr_t)ctid = t->tid;
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_tid = ctid;
    t->state = T_RUN;
}

static long sys_clone(void *uc, uint64_t flags, uint64_t stack, uint64_t ptid)
{
    uint64_t tls = clone_tls_arg(uc), ctid = clone_ctid_arg(uc);
    if (!(flags & CLONE_THREAD)) /* a child process: vfork, posix_spawn (fork: ENOSYS) */
        return proc_clone(uc, flags, stack, ptid, tls, ctid);
    if (!(flags & CLONE_VM) || (flags & CLONE_VFORK))
        return -EINVAL;
    long e = clone_check_tids(flags, ptid, ctid);
    if (e)
        return e;
    struct thread *t = thread_new();
    if (!t)
        return -EAGAIN;
    clone_start(t, curproc, uc, flags, stack, ptid, tls, ctid);
    return t->tid;
}

static void thread_exit(int status)
{
    if (proc_thread_count(curproc) == 1) { /* the last thread: its status is the process's */
        proc_exit(curproc, (status & 0xff) << 8);
        return;
    }
    if (cur->clear_tid && user_writable(cur->clear_tid, 4)) {
        *(volatile int32_t *)(uintptr_t)cur->clear_tid = 0;
        sched_wake((uintptr_t)cur->clear_tid, 1);
    }
    poll_release(cur);
    sched_exit_thread();
}

static long sys_futex_h(struct sc *c)
{
    return sys_futex(c->a[0], (int)c->a[1], (uint32_t)c->a[2], c->a[3], c->a[4], (uint32_t)c->a[5]);
}

static long sys_clone_h(struct sc *c)
{
    long r = sys_clone(c->uc, c->a[0], c->a[1], c->a[2]);
    if (r == -ENOSYS)
        return sys_enosys(c);
    return r;
}

static long sys_set_tid_address(struct sc *c)
{
    cur->clear_tid = c->a[0];
    return cur->tid;
}

static long sys_gettid(struct sc *c) { (void)c; return cur->tid; }

static long sys_exit(struct sc *c)
{
    thread_exit((int)c->a[0]);
    return 0;
}

static long sys_exit_group(struct sc *c)
{
    proc_exit(curproc, (int)(c->a[0] & 0xff) << 8);
    return 0;
}

static long sys_sched_yield(struct sc *c)
{
    (void)c;
    sched_yield_now();
    return 0;
}

static long sys_sched_getaffinity(struct sc *c)
{
    if (c->a[1] < 8 || (c->a[1] & 7))
        return -EINVAL;
    uint64_t mask = (1ULL << NCPU) - 1;
    if (copy_to_user(c->a[2], &mask, 8))
        return -EFAULT;
    return 8;
}

/* The robust-futex list is recorded by glibc at thread start and only read by the kernel
 * when a thread dies holding a robust mutex: accepted, never walked. */
static long sys_set_robust_list(struct sc *c)
{
    return c->a[1] != 24 ? -EINVAL : 0;
}

const struct syscall sys_thread_calls[] = {
    { NR_clone, "clone", sys_clone_h, SYSF_PARTIAL, "threads (CLONE_VM|CLONE_THREAD); child processes with CLONE_VM (vfork, posix_spawn: CLONE_VFORK suspends the parent until the child execs or exits) beside the parent in the one address space; fork (no CLONE_VM): ENOSYS" },
    { NR_futex, "futex", sys_futex_h, SYSF_PARTIAL, "WAIT, WAKE, BITSET, REQUEUE, CMP_REQUEUE" },
    { NR_set_tid_address, "set_tid_address", sys_set_tid_address, 0, "" },
    { NR_set_robust_list, "set_robust_list", sys_set_robust_list, SYSF_PARTIAL, "accepted, never walked" },
    { NR_gettid, "gettid", sys_gettid, 0, "" },
    { NR_exit, "exit", sys_exit, 0, "the last thread's status is the process's" },
    { NR_exit_group, "exit_group", sys_exit_group, 0, "" },
    { NR_sched_yield, "sched_yield", sys_sched_yield, 0, "" },
    { NR_sched_getaffinity, "sched_getaffinity", sys_sched_getaffinity, 0, "2 CPUs" },
    { -1, NULL, NULL, 0, NULL },
};
