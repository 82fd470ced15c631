/* proc.c: the process table: pid 1 and the vfork/posix_spawn children beside it. */
#include "libos.h"

struct proc procs[MAX_PROCS] = { [0] = { .state = P_LIVE, .pid = 1, .ppid = 0, .fd_limit = 1024, .umask = 022 } };
struct proc *curproc = &procs[0];

struct proc *proc_by_pid(int pid)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].state != P_FREE && procs[i].pid == pid)
            return &procs[i];
    return NULL;
}

struct proc *proc_slot(void)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        if (procs[i].state == P_FREE) {
            memset(&procs[i], 0, sizeof procs[i]);
            return &procs[i];
        }
    }
    return NULL;
}

int proc_live_count(void)
{
    int n = 0;
    for (int i = 0; i < MAX_PROCS; i++)
        n += procs[i].state != P_FREE;
    return n;
}
