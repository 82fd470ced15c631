/* trap.c: the SIGSYS entry (the app's system calls), the tick and fault entries, dispatch
 * through the syscall table, and the --libos:debug report. */
#include "libos.h"
#include "exec/vdso.h"
#include "mm/kalloc.h"
#include "fd/file.h"
#include "sys/table.h"
#include "sys/child.h"

static uint32_t enosys_count[NR_MAX];
static uint32_t call_count[NR_MAX];
static uint64_t trap_count;

static void put_name(char *buf, size_t n, long nr)
{
    const char *name = sys_name(nr);
    if (name)
        lib_snprintf(buf, n, "%s", name);
    else
        lib_snprintf(buf, n, "#%ld", nr);
}

/* The debug report at exit: calls by name, then the unsupported ones. */
static void report(void)
{
    LOG("libos: %llu system calls emulated in %llu us\n",
            (unsigned long long)(trap_count + patch_fast_calls),
            (unsigned long long)((now_ns() - libos_boot_ns) / 1000));
    LOG("libos: %llu trapped, %llu through %llu patched sites\n", (unsigned long long)trap_count,
            (unsigned long long)patch_fast_calls, (unsigned long long)patch_sites);
    mm_report();
    LOG("libos: heap %llu bytes in use, %llu committed\n",
            (unsigned long long)kalloc_in_use(), (unsigned long long)kalloc_committed());
    char line[256], nm[40];
    int n = 0;
    for (unsigned i = 0; i < NR_MAX; i++) {
        if (!call_count[i])
            continue;
        put_name(nm, sizeof nm, i);
        n += lib_snprintf(line + n, sizeof line - (size_t)n, " %s:%u", nm, call_count[i]);
        if (n > 180) {
            LOG("libos: calls%s\n", line);
            n = 0;
        }
    }
    if (n)
        LOG("libos: calls%s\n", line);
    for (unsigned i = 0; i < NR_MAX; i++) {
        if (!enosys_count[i])
            continue;
        put_name(nm, sizeof nm, i);
        LOG("libos: ENOSYS: %s (%u), %u times\n", nm, i, enosys_count[i]);
    }
}

void sys_report_init(void)
{
    libos_exit_report = report;
}

long sys_enosys(struct sc *c)
{
    if (c->nr >= 0 && c->nr < NR_MAX)
        enosys_count[c->nr]++;
    if (libos_debug) {
        char nm[40];
        put_name(nm, sizeof nm, c->nr);
        LOG("libos: unsupported system call %s (%ld)\n", nm, c->nr);
    }
    return -ENOSYS;
}

/* SIGSYS: a system call from the app (outside libOS text), turned back by the filter. Its
 * site is rewritten to reach the libOS without a trap next time when it can be
 * (sys/patch_<arch>.c). The result goes into the frame, which may switch threads. */
void libos_sigsys(int sig, void *info, void *uc)
{
    (void)sig;
    const struct k_siginfo *si = info;
    int code = si->si_code;
    long nr = si->u.sys.syscall;
    if (code != SYS_SECCOMP) {
        LOG("libos: unexpected SIGSYS (code %d)\n", code);
        libos_exit(128 + SIGSYS);
    }
    trap_count++;
    sys_patch(uc, nr);
    sys_dispatch(uc, nr);
}

/* A frame about to resume (after a switch, rt_sigreturn, a tick) with a pc saved before
 * its site was rewritten resumes where that site's code now is. */
static void resume_fix(void *uc)
{
    uc_set_pc(uc, sys_patch_resume(uc_pc(uc)));
}

void sys_dispatch(void *uc, long nr)
{
    vdso_update();
    if (nr >= 0 && nr < NR_MAX)
        call_count[nr]++;
    cur->nr = nr;
    struct sc c = { .uc = uc, .nr = nr, .restarted = cur->restarted };
    cur->restarted = 0;
    if (cur->pollw)
        poll_release(cur);
    for (int i = 0; i < 6; i++)
        c.a[i] = uc_arg(uc, i);
    const struct syscall *s = sys_lookup(nr);
    if (shmap_active())
        shmap_flush();
    long r = s ? s->fn(&c) : sys_enosys(&c);
    if (shmap_active())
        shmap_refresh();
    if (cur->state == T_RUN && !keep_frame)
        uc_set_ret(uc, r);
    keep_frame = 0;
    sched_switch(uc);
    resume_fix(uc);
    /* After the switch: cur runs with its frame in uc, any other thread's is saved, so
     * a post that wakes a blocked thread edits the frame that will be resumed. */
    sig_host_drain();
    sig_deliver(uc);
}

void libos_sigalrm(int sig, void *info, void *uc)
{
    (void)sig;
    (void)info;
    /* A tick inside the libOS (a patched site's call runs with it unblocked) leaves the
     * libOS alone: the call ends with the same checks. */
    if (in_libos(uc_pc(uc)))
        return;
    vdso_update();
    sig_host_drain();
    sched_tick(uc);
    resume_fix(uc);
    sig_deliver(uc);
}

void libos_fault(int sig, void *info, void *uc)
{
    uint64_t addr = ((const struct k_siginfo *)info)->u.fault.addr;
    uint64_t pc = uc_pc(uc);
    if (!in_libos(pc) && cur && sig_fault(uc, sig, info))
        return; /* the app's own handler (Go turns faults into panics) */
    if (!in_libos(pc) && cur && curproc->pid != 1) {
        /* A spawned child's fault ends the child, as a signal's default action. */
        DBG("libos: process %d: fatal signal %d at pc %p, fault address %p\n", curproc->pid,
                sig, (void *)(uintptr_t)pc, (void *)(uintptr_t)addr);
        proc_exit(curproc, sig);
        sched_switch(uc);
        resume_fix(uc);
        sig_deliver(uc);
        return;
    }
    LOG("libos: fatal signal %d in %s: fault address %p, pc %p (thread %d)\n", sig,
            in_libos(pc) ? "the libOS" : "the app", (void *)(uintptr_t)addr,
            (void *)(uintptr_t)pc, cur ? cur->tid : 0);
    libos_exit(128 + sig);
}
