/* console.c: descriptors 0-2: stdin reads end of file, stdout goes to the console (host fd 1),
 * stderr to the host's fd 2, so a container runtime keeps the two streams apart. */
#include "libos.h"
#include "fd/file.h"

static long con_read(struct file *f, void *buf, size_t n, uint64_t *off)
{
    (void)f, (void)buf, (void)n, (void)off;
    return 0;
}

static long con_write(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    (void)f, (void)off;
    solo5_console_write((const char *)buf, n);
    return (long)n;
}

static long err_write(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    (void)f, (void)off;
    host_write_stderr((const char *)buf, n);
    return (long)n;
}

static long con_stat(struct file *f, struct kstat *st)
{
    st->mode = S_IFCHR | 0620;
    st->ino = f->ino;
    st->nlink = 1;
    st->rdev = (136ULL << 8); /* a pty, as a container's console usually is */
    st->blksize = 1024;
    return 0;
}

static long con_path(struct file *f, char *buf, size_t n)
{
    (void)f;
    return lib_snprintf(buf, n, "/dev/console");
}

/* No poll: epoll_ctl gives EPERM (the console is always ready, like a regular file). */
static const struct file_ops console_ops = {
    .kind = "console", .read = con_read, .write = con_write, .stat = con_stat, .path = con_path,
};

static const struct file_ops stderr_ops = {
    .kind = "console", .read = con_read, .write = err_write, .stat = con_stat, .path = con_path,
};

/* One open file for stdin and stdout, read-write, as a terminal's descriptors are; one
 * for stderr, which writes to the host's fd 2. */
static struct file con, err;

/* The console as a file (/dev/tty, /dev/console), a new reference. */
struct file *console_file(void)
{
    return file_get(&con);
}

void fd_init(void)
{
    file_init(&con, &console_ops, O_RDWR, NULL);
    file_init(&err, &stderr_ops, O_RDWR, NULL);
    con.refs = err.refs = 1 << 30; /* static: never released */
    fd_install(file_get(&con), 0, 0);
    fd_install(file_get(&con), 1, 0);
    fd_install(file_get(&err), 2, 0);
}
