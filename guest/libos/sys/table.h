/* table.h: the syscall table: one entry per served call, indexed by the arch's own numbers. */
#ifndef SYS_TABLE_H
#define SYS_TABLE_H
#include <stdint.h>
#include "sysno.h"

/* What a handler gets: the six arguments, the trap's frame and the native number. */
struct sc {
    uint64_t a[6];
    void *uc;
    long nr;
    int restarted; /* this run re-runs a call that blocked and was woken */
};
typedef long (*sys_fn)(struct sc *c);

#define SYSF_PARTIAL 1u /* served with the limits the note says */

struct syscall {
    int nr;             /* NR_<name> of the arch; -1: the call does not exist there */
    const char *name;
    sys_fn fn;
    unsigned flags;
    const char *note;
};

/* The entries of each family (sys/sys_*.c and the subsystems that own calls), ended by an
 * entry with name NULL; table.c indexes them all at boot. */
extern const struct syscall sys_fd_calls[], sys_epoll_calls[], sys_pipe_calls[],
    sys_eventfd_calls[], sys_poll_calls[], sys_mm_calls[], sys_thread_calls[], sys_time_calls[],
    sys_signal_calls[], sys_proc_calls[], sys_fs_calls[], sys_net_calls[], sys_misc_calls[],
    sys_exec_calls[], sys_child_calls[],
    sys_itimer_calls[];

void sys_table_init(void);
/* Writable shared file mappings (sys_mm.c), synchronised around every call. */
int shmap_active(void);
void shmap_flush(void);
void shmap_refresh(void);
void shmap_reset(void); /* execve: written back, then gone */
const struct syscall *sys_lookup(long nr);
const char *sys_name(long nr); /* any Linux call of this arch, served or not; NULL if unknown */
long sys_enosys(struct sc *c);  /* counted ENOSYS, named under --libos:debug */
#endif
