/* fdtable.c: descriptor numbers -> open files, with the per-descriptor close-on-exec flag. */
#include "libos.h"
#include "fd/file.h"

struct fdent {
    struct file *f;
    uint8_t cloexec;
};
/* Each process has its own table (curproc->fdt); pid 1's is this static one. */
static struct fdent boot_fds[MAX_FDS];

static struct fdent *table(void)
{
    if (!curproc->fdt)
        curproc->fdt = boot_fds;
    return curproc->fdt;
}
#define fds (table())
#define limit (curproc->fd_limit) /* RLIMIT_NOFILE soft limit */

/* vfork/posix_spawn: the child's copy of the caller's table (each open file gets one
 * more reference, cloexec flags kept), or NULL when the heap is full. */
void *fd_table_clone(void)
{
    struct fdent *t = kalloc(sizeof boot_fds), *s = table();
    if (!t)
        return NULL;
    for (int i = 0; i < MAX_FDS; i++) {
        t[i] = s[i];
        if (t[i].f)
            file_get(t[i].f);
    }
    return t;
}

/* A process's exit: every descriptor of its table closed, the table freed. */
void fd_table_release(void *tv)
{
    struct fdent *t = tv;
    if (!t)
        return;
    for (int i = 0; i < MAX_FDS; i++) {
        struct file *f = t[i].f;
        t[i].f = NULL;
        if (f)
            file_put(f);
    }
    if (t != boot_fds)
        kfree(t);
}

int fd_limit(void) { return limit; }

void fd_set_limit(int n)
{
    limit = n < 0 ? 0 : n > MAX_FDS ? MAX_FDS : n;
}

struct file *fd_get(int fd)
{
    if (fd < 0 || fd >= MAX_FDS)
        return NULL;
    return fds[fd].f;
}

int fd_install(struct file *f, int min, int cloexec)
{
    for (int i = min < 0 ? 0 : min; i < limit; i++) {
        if (!fds[i].f) {
            fds[i].f = f;
            fds[i].cloexec = cloexec != 0;
            return i;
        }
    }
    file_put(f);
    return -EMFILE;
}

int fd_install_at(struct file *f, int fd, int cloexec)
{
    if (fd < 0 || fd >= limit) {
        file_put(f);
        return -EBADF;
    }
    struct file *old = fds[fd].f;
    fds[fd].f = f;
    fds[fd].cloexec = cloexec != 0;
    file_put(old);
    return fd;
}

int fd_close(int fd)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    fds[fd].f = NULL;
    fds[fd].cloexec = 0;
    file_put(f);
    return 0;
}

int fd_cloexec(int fd)
{
    return fd_get(fd) ? fds[fd].cloexec : -EBADF;
}

int fd_set_cloexec(int fd, int on)
{
    if (!fd_get(fd))
        return -EBADF;
    fds[fd].cloexec = on != 0;
    return 0;
}

int fd_next(int from)
{
    for (int i = from < 0 ? 0 : from; i < MAX_FDS; i++)
        if (fds[i].f)
            return i;
    return -1;
}

void fd_close_cloexec(void)
{
    for (int i = 0; i < MAX_FDS; i++)
        if (fds[i].f && fds[i].cloexec)
            fd_close(i);
}
