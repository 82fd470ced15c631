/* table.c: the syscall table, indexed by the arch's numbers, built at boot from the
 * families' entry lists; and the names of every Linux call of the arch (for debug output). */
#include "libos.h"
#include "sys/table.h"

static const struct syscall *const families[] = {
    sys_fd_calls, sys_epoll_calls, sys_pipe_calls, sys_eventfd_calls, sys_poll_calls, sys_mm_calls,
    sys_thread_calls, sys_time_calls, sys_signal_calls, sys_proc_calls, sys_fs_calls, sys_net_calls,
    sys_misc_calls, sys_exec_calls, sys_child_calls, sys_itimer_calls,
};

static const char *const names[NR_MAX] = {
#include "sysnames.h"
};

static const struct syscall *by_nr[NR_MAX];

void sys_table_init(void)
{
    for (unsigned i = 0; i < sizeof families / sizeof families[0]; i++) {
        for (const struct syscall *s = families[i]; s->name; s++) {
            if (s->nr < 0)
                continue; /* not a call of this arch */
            if (s->nr >= NR_MAX || by_nr[s->nr])
                bindings_panic("libos: syscall table: a number out of range or served twice");
            by_nr[s->nr] = s;
        }
    }
}

const struct syscall *sys_lookup(long nr)
{
    return nr >= 0 && nr < NR_MAX ? by_nr[nr] : NULL;
}

const char *sys_name(long nr)
{
    return nr >= 0 && nr < NR_MAX ? names[nr] : NULL;
}
