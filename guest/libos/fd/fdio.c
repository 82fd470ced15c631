/* fdio.c: the descriptor calls every kind of file shares (read/write and their vectored and
 * positioned forms, lseek, fcntl, ioctl, fstat, dup, close), through the file's ops. A
 * would-block result becomes block-and-restart here, in one place. */
#include "libos.h"
#include "fd/file.h"
#include "mm/uaccess.h"
#include "sys/table.h"

#define IO_MAX 0x7ffff000ULL /* Linux's cap on one read or write */
#define IOV_MAX 1024

#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define FIONBIO 0x5421
#define FIOASYNC 0x5452

static int readable(const struct file *f) { return (f->flags & O_ACCMODE) != O_WRONLY && !(f->flags & O_PATH); }
static int writable(const struct file *f) { return (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & O_PATH); }

/* -EAGAIN from an op on a blocking file parks the thread until the file changes; the call
 * is then re-run from the start (nothing was transferred). */
static long would_block(struct file *f, long r, int dir, int restarted)
{
    if (r == -EAGAIN && !(f->flags & O_NONBLOCK) && f->pq) {
        file_block(f, dir, restarted);
        return 0;
    }
    return r;
}

long file_kread(struct file *f, void *buf, size_t n, uint64_t *off)
{
    if (!f->ops->read)
        return -EINVAL;
    return f->ops->read(f, buf, n, off ? off : &f->pos);
}

long file_kwrite(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    if (!f->ops->write)
        return -EINVAL;
    return f->ops->write(f, buf, n, off ? off : &f->pos);
}

/* One transfer of the I/O calls below; off NULL: the file position. */
static long do_read(struct file *f, uint64_t buf, uint64_t n, uint64_t *off)
{
    if (!readable(f))
        return -EBADF;
    if (!f->ops->read)
        return f->ops->getdents ? -EISDIR : -EINVAL;
    if (n > IO_MAX)
        n = IO_MAX;
    if (n && !user_writable(buf, n))
        return -EFAULT;
    return f->ops->read(f, (void *)(uintptr_t)buf, (size_t)n, off ? off : &f->pos);
}

static long do_write(struct file *f, uint64_t buf, uint64_t n, uint64_t *off)
{
    if (!writable(f))
        return -EBADF;
    if (!f->ops->write)
        return -EINVAL;
    if (n > IO_MAX)
        n = IO_MAX;
    if (n && !user_ok(buf, n))
        return -EFAULT;
    return f->ops->write(f, (const void *)(uintptr_t)buf, (size_t)n, off ? off : &f->pos);
}

static long fd_read(int fd, uint64_t buf, uint64_t n, int restarted)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    return would_block(f, do_read(f, buf, n, NULL), 0, restarted);
}

static long fd_write(int fd, uint64_t buf, uint64_t n, int restarted)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    return would_block(f, do_write(f, buf, n, NULL), 1, restarted);
}

static long sys_read(struct sc *c) { return fd_read((int)c->a[0], c->a[1], c->a[2], c->restarted); }
static long sys_write(struct sc *c) { return fd_write((int)c->a[0], c->a[1], c->a[2], c->restarted); }

/* pread/pwrite: the file must be seekable; the position is not used nor moved. */
static long positioned(struct sc *c, int wr)
{
    struct file *f = fd_get((int)c->a[0]);
    if (!f)
        return -EBADF;
    if (!f->ops->lseek)
        return -ESPIPE;
    int64_t off = (int64_t)c->a[3];
    if (off < 0)
        return -EINVAL;
    uint64_t pos = (uint64_t)off;
    long r = wr ? do_write(f, c->a[1], c->a[2], &pos) : do_read(f, c->a[1], c->a[2], &pos);
    return would_block(f, r, wr, c->restarted);
}

static long sys_pread64(struct sc *c) { return positioned(c, 0); }
static long sys_pwrite64(struct sc *c) { return positioned(c, 1); }

/* Vectored I/O: segment by segment, stopping at a short transfer; blocking only when
 * nothing has been transferred (then the whole call is re-run). */
static long vectored(int fd, uint64_t uiov, long cnt, int64_t off, int wr, int restarted)
{
    static struct k_iovec iov[IOV_MAX]; /* one trap at a time: no reentry */
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (cnt < 0 || cnt > IOV_MAX)
        return -EINVAL;
    if (copy_from_user(iov, uiov, (size_t)cnt * sizeof iov[0]))
        return -EFAULT;
    uint64_t pos = 0, *offp = NULL;
    if (off != -1) {
        if (!f->ops->lseek)
            return -ESPIPE;
        if (off < 0)
            return -EINVAL;
        pos = (uint64_t)off;
        offp = &pos;
    }
    uint64_t total = 0;
    for (long i = 0; i < cnt; i++) {
        if (iov[i].len > IO_MAX - total)
            return total ? (long)total : -EINVAL;
        if (iov[i].len == 0)
            continue;
        long r = wr ? do_write(f, iov[i].base, iov[i].len, offp)
                    : do_read(f, iov[i].base, iov[i].len, offp);
        if (r < 0)
            return total ? (long)total : would_block(f, r, wr, restarted);
        total += (uint64_t)r;
        if ((uint64_t)r < iov[i].len)
            break;
    }
    return (long)total;
}

static long sys_readv(struct sc *c) { return vectored((int)c->a[0], c->a[1], (long)c->a[2], -1, 0, c->restarted); }
static long sys_writev(struct sc *c) { return vectored((int)c->a[0], c->a[1], (long)c->a[2], -1, 1, c->restarted); }
/* preadv/pwritev: a negative offset is EINVAL (-1 means the file position only for the *2 calls). */
static long sys_preadv(struct sc *c) { return (int64_t)c->a[3] < 0 ? -EINVAL : vectored((int)c->a[0], c->a[1], (long)c->a[2], (int64_t)c->a[3], 0, c->restarted); }
static long sys_pwritev(struct sc *c) { return (int64_t)c->a[3] < 0 ? -EINVAL : vectored((int)c->a[0], c->a[1], (long)c->a[2], (int64_t)c->a[3], 1, c->restarted); }
/* preadv2/pwritev2: offset -1 means the file position; RWF_* flags are hints here. */
static long sys_preadv2(struct sc *c) { return vectored((int)c->a[0], c->a[1], (long)c->a[2], (int64_t)c->a[3], 0, c->restarted); }
static long sys_pwritev2(struct sc *c) { return vectored((int)c->a[0], c->a[1], (long)c->a[2], (int64_t)c->a[3], 1, c->restarted); }

static long sys_lseek(struct sc *c)
{
    struct file *f = fd_get((int)c->a[0]);
    if (!f)
        return -EBADF;
    if (!f->ops->lseek)
        return -ESPIPE;
    int whence = (int)c->a[2];
    if (whence < SEEK_SET || whence > SEEK_HOLE)
        return -EINVAL;
    long r = f->ops->lseek(f, (int64_t)c->a[1], whence);
    if (r >= 0)
        f->pos = (uint64_t)r;
    return r;
}

static long sys_close(struct sc *c) { return fd_close((int)c->a[0]); }

static long sys_close_range(struct sc *c)
{
    unsigned lo = (unsigned)c->a[0], hi = (unsigned)c->a[1], flags = (unsigned)c->a[2];
    if (lo > hi || (flags & ~6u))
        return -EINVAL;
    for (int fd = fd_next((int)(lo > MAX_FDS ? MAX_FDS : lo)); fd >= 0 && (unsigned)fd <= hi;
            fd = fd_next(fd + 1)) {
        if (flags & 4 /* CLOSE_RANGE_CLOEXEC */)
            fd_set_cloexec(fd, 1);
        else
            fd_close(fd);
    }
    return 0;
}

static long dup_to(int fd, int newfd, int flags, int allow_same)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if (newfd == fd)
        return allow_same ? newfd : -EINVAL;
    if (newfd < 0 || newfd >= fd_limit())
        return -EBADF;
    return fd_install_at(file_get(f), newfd, flags & O_CLOEXEC);
}

static long sys_dup(struct sc *c)
{
    struct file *f = fd_get((int)c->a[0]);
    return f ? fd_install(file_get(f), 0, 0) : -EBADF;
}
static long sys_dup2(struct sc *c) { return dup_to((int)c->a[0], (int)c->a[1], 0, 1); }
static long sys_dup3(struct sc *c) { return dup_to((int)c->a[0], (int)c->a[1], (int)c->a[2], 0); }

/* Status flags F_SETFL may change (the rest are fixed at open). */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

static long sys_fcntl(struct sc *c)
{
    int fd = (int)c->a[0], cmd = (int)c->a[1];
    uint64_t arg = c->a[2];
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if ((int64_t)(int)arg < 0 || (int)arg >= fd_limit())
            return -EINVAL;
        return fd_install(file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC);
    case F_GETFD:
        return fd_cloexec(fd);
    case F_SETFD:
        return fd_set_cloexec(fd, (int)(arg & FD_CLOEXEC));
    case F_GETFL:
        return f->flags & ~O_CLOEXEC;
    case F_SETFL: {
        int old = f->flags;
        f->flags = (f->flags & ~SETFL_MASK) | ((int)arg & SETFL_MASK);
        if (f->ops->setfl)
            f->ops->setfl(f, old);
        return 0;
    }
    case F_GETLK:
    case F_OFD_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
        /* Record locks are accepted and never conflict (one process), after Linux's checks
         * of the request: GETLK reports "unlocked". */
        struct { int16_t type, whence; } l;
        if (copy_from_user(&l, arg, sizeof l) || !user_ok(arg, 32))
            return -EFAULT;
        int get = cmd == F_GETLK || cmd == F_OFD_GETLK;
        if (l.whence < 0 || l.whence > 2 || l.type < F_RDLCK || l.type > F_UNLCK || (get && l.type == F_UNLCK))
            return -EINVAL;
        if (get) {
            int16_t type = F_UNLCK;
            return copy_to_user(arg, &type, sizeof type);
        }
        int acc = f->flags & O_ACCMODE;
        if ((l.type == F_RDLCK && acc == O_WRONLY) || (l.type == F_WRLCK && acc == O_RDONLY))
            return -EBADF;
        return 0;
    }
    case F_GETOWN:
    case F_SETOWN:
    case F_GETSIG:
    case F_SETSIG:
        return 0;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
    case F_ADD_SEALS:
    case F_GET_SEALS:
        return f->ops->ioctl ? f->ops->ioctl(f, 0x10000u | (unsigned)cmd, arg) : -EINVAL;
    }
    return -EINVAL;
}

static long sys_ioctl(struct sc *c)
{
    int fd = (int)c->a[0];
    unsigned long req = (unsigned long)(uint32_t)c->a[1];
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    switch (req) {
    case FIOCLEX:
        return fd_set_cloexec(fd, 1);
    case FIONCLEX:
        return fd_set_cloexec(fd, 0);
    case FIONBIO: {
        int on;
        if (copy_from_user(&on, c->a[2], sizeof on))
            return -EFAULT;
        int old = f->flags;
        f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
        if (f->ops->setfl)
            f->ops->setfl(f, old);
        return 0;
    }
    case FIOASYNC:
        return 0;
    }
    if (f->ops->ioctl)
        return f->ops->ioctl(f, req, c->a[2]);
    return -ENOTTY;
}

/* Anonymous files (pipes, eventfd, epoll) have no stat op: Linux reports the inode's mode. */
int file_stat_user(struct file *f, uint64_t ustat)
{
    struct kstat st;
    memset(&st, 0, sizeof st);
    st.ino = f->ino;
    st.nlink = 1;
    st.blksize = 4096;
    st.mode = 0600;
    if (f->ops->stat) {
        long r = f->ops->stat(f, &st);
        if (r < 0)
            return (int)r;
    }
    return kstat_to_user(&st, ustat);
}

static long sys_fstat(struct sc *c)
{
    struct file *f = fd_get((int)c->a[0]);
    return f ? file_stat_user(f, c->a[1]) : -EBADF;
}

static long sys_getdents64(struct sc *c)
{
    struct file *f = fd_get((int)c->a[0]);
    if (!f)
        return -EBADF;
    if (!f->ops->getdents)
        return -ENOTDIR;
    uint64_t n = c->a[2] > IO_MAX ? IO_MAX : c->a[2];
    if (!user_writable(c->a[1], n))
        return -EFAULT;
    return f->ops->getdents(f, (void *)(uintptr_t)c->a[1], (size_t)n);
}

static long sys_ftruncate(struct sc *c)
{
    struct file *f = fd_get((int)c->a[0]);
    if (!f)
        return -EBADF;
    if ((int64_t)c->a[1] < 0)
        return -EINVAL;
    if (!f->ops->truncate || !writable(f))
        return -EINVAL;
    return f->ops->truncate(f, c->a[1]);
}

static long sys_fsync(struct sc *c)
{
    struct file *f = fd_get((int)c->a[0]);
    if (!f)
        return -EBADF;
    return f->ops->fsync ? f->ops->fsync(f) : f->ops->lseek ? 0 : -EINVAL;
}

/* Advice only: accepted for any open file. */
static long sys_advise(struct sc *c)
{
    return fd_get((int)c->a[0]) ? 0 : -EBADF;
}

const struct syscall sys_fd_calls[] = {
    { NR_read, "read", sys_read, 0, "any fd; blocks unless O_NONBLOCK" },
    { NR_write, "write", sys_write, 0, "any fd; a pipe with no reader: EPIPE and SIGPIPE" },
    { NR_pread64, "pread64", sys_pread64, 0, "seekable files; ESPIPE otherwise" },
    { NR_pwrite64, "pwrite64", sys_pwrite64, 0, "seekable files; ESPIPE otherwise" },
    { NR_readv, "readv", sys_readv, 0, "segment by segment, up to 1024" },
    { NR_writev, "writev", sys_writev, 0, "segment by segment, up to 1024" },
    { NR_preadv, "preadv", sys_preadv, 0, "" },
    { NR_pwritev, "pwritev", sys_pwritev, 0, "" },
    { NR_preadv2, "preadv2", sys_preadv2, SYSF_PARTIAL, "RWF_* flags ignored" },
    { NR_pwritev2, "pwritev2", sys_pwritev2, SYSF_PARTIAL, "RWF_* flags ignored" },
    { NR_lseek, "lseek", sys_lseek, 0, "SEEK_SET/CUR/END/DATA/HOLE (a file is all data)" },
    { NR_close, "close", sys_close, 0, "" },
    { NR_close_range, "close_range", sys_close_range, 0, "CLOSE_RANGE_CLOEXEC too" },
    { NR_dup, "dup", sys_dup, 0, "shares the open file (offset, flags)" },
    { NR_dup2, "dup2", sys_dup2, 0, "" },
    { NR_dup3, "dup3", sys_dup3, 0, "O_CLOEXEC" },
    { NR_fcntl, "fcntl", sys_fcntl, SYSF_PARTIAL, "dup, fd and status flags; record locks accepted (one process: no conflicts)" },
    { NR_ioctl, "ioctl", sys_ioctl, SYSF_PARTIAL, "FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC; the rest by the file (the console: tty ioctls with a terminal, else ENOTTY)" },
    { NR_fstat, "fstat", sys_fstat, 0, "" },
    { NR_getdents64, "getdents64", sys_getdents64, 0, "directories" },
    { NR_ftruncate, "ftruncate", sys_ftruncate, 0, "regular files" },
    { NR_fsync, "fsync", sys_fsync, 0, "nothing to flush: memory and read-only disks" },
    { NR_fdatasync, "fdatasync", sys_fsync, 0, "as fsync" },
    { NR_fadvise64, "fadvise64", sys_advise, 0, "advice, accepted" },
    { NR_readahead, "readahead", sys_advise, 0, "advice, accepted" },
    { -1, NULL, NULL, 0, NULL },
};
