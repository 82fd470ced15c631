/* child.h: child processes (sys_child.c) for the other call families. */
#ifndef SYS_CHILD_H
#define SYS_CHILD_H
#include <stdint.h>
struct proc;
struct thread;
/* sys_thread.c, for both kinds of clone: the tid pointers the flags name are writable
 * (0, or -EFAULT); and new thread t of process p starts from the caller's context uc as
 * the flags say (stack, TLS, tid pointers), runnable. */
long clone_check_tids(uint64_t flags, uint64_t ptid, uint64_t ctid);
void clone_start(struct thread *t, struct proc *p, void *uc, uint64_t flags, uint64_t stack,
        uint64_t ptid, uint64_t tls, uint64_t ctid);
/* clone without CLONE_THREAD: a child process (CLONE_VM required), its pid or -errno. */
long proc_clone(void *uc, uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t tls, uint64_t ctid);
/* The end of process p (a child: a zombie for wait4, SIGCHLD to the parent; pid 1: the
 * unikernel's end) with wait status wstatus (code << 8, or the signal). */
void proc_exit(struct proc *p, int wstatus);
/* The vfork parent of p runs again (p has exec'd or ended). */
void proc_vfork_done(struct proc *p);
void proc_boot(void);             /* registers the signal layer's kill hook */
void exec_proc_free(struct proc *p); /* sys_exec.c: a child's exec buffers */
#endif
