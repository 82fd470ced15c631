/* fd.c: the app's file descriptors: console 0-2, eventfd, pipes and epoll over them. */
#include "libos.h"

enum ftype { F_NONE = 0, F_CONSOLE, F_EVENTFD, F_PIPE_R, F_PIPE_W, F_EPOLL };

#define PIPE_BUF_SIZE 4096
#define EPOLL_MAX 64
#define MAX_OBJS 64

struct pipe {
    int used, readers, writers;
    uint32_t head, len;
    uint8_t buf[PIPE_BUF_SIZE];
};

struct epitem {
    int fd;
    uint32_t events;
    uint64_t data;
};

struct epoll {
    int used, n;
    struct epitem it[EPOLL_MAX];
};

struct file {
    enum ftype type;
    int cloexec;
    int flags; /* O_NONBLOCK */
    uint64_t count; /* eventfd counter */
    int sem;
    struct pipe *pipe;
    struct epoll *ep;
};

static struct file files[MAX_FDS];
static struct pipe pipes[MAX_OBJS];
static struct epoll epolls[MAX_OBJS];

void fd_init(void)
{
    for (int i = 0; i < 3; i++)
        files[i].type = F_CONSOLE;
}

static struct file *get(int fd)
{
    if (fd < 0 || fd >= MAX_FDS || files[fd].type == F_NONE)
        return NULL;
    return &files[fd];
}

static int alloc_fd(int from)
{
    for (int i = from < 0 ? 0 : from; i < MAX_FDS; i++)
        if (files[i].type == F_NONE)
            return i;
    return -EMFILE;
}

/* Something became readable or writable: threads in epoll_pwait look again. */
static void poll_wake(void)
{
    sched_wake(WAIT_EPOLL, MAX_THREADS);
}

static uint32_t ready(struct file *f)
{
    switch (f->type) {
    case F_CONSOLE:
        return EPOLLOUT;
    case F_EVENTFD:
        return (f->count ? EPOLLIN : 0) | (f->count < UINT64_MAX - 1 ? EPOLLOUT : 0);
    case F_PIPE_R:
        return (f->pipe->len ? EPOLLIN : 0) | (f->pipe->writers ? 0 : EPOLLHUP);
    case F_PIPE_W:
        return (f->pipe->len < PIPE_BUF_SIZE ? EPOLLOUT : 0) | (f->pipe->readers ? 0 : EPOLLERR);
    default:
        return 0;
    }
}

long fd_read(int fd, uint64_t buf, uint64_t n)
{
    struct file *f = get(fd);
    if (!f)
        return -EBADF;
    if (n && !user_ok(buf, n))
        return -EFAULT;
    uint8_t *b = (uint8_t *)(uintptr_t)buf;
    switch (f->type) {
    case F_CONSOLE:
        return 0; /* stdin is empty */
    case F_EVENTFD:
        if (n < 8)
            return -EINVAL;
        if (f->count == 0) {
            if (f->flags & O_NONBLOCK)
                return -EAGAIN;
            sched_block((uintptr_t)f, NO_DEADLINE, cur->nr, 1, 0);
            return 0;
        }
        {
            uint64_t v = f->sem ? 1 : f->count;
            f->count -= v;
            memcpy(b, &v, 8);
        }
        poll_wake();
        sched_wake((uintptr_t)f, MAX_THREADS);
        return 8;
    case F_PIPE_R: {
        struct pipe *p = f->pipe;
        if (p->len == 0) {
            if (!p->writers)
                return 0;
            if (f->flags & O_NONBLOCK)
                return -EAGAIN;
            sched_block((uintptr_t)p, NO_DEADLINE, cur->nr, 1, 0);
            return 0;
        }
        uint64_t got = 0;
        while (got < n && p->len) {
            b[got++] = p->buf[p->head];
            p->head = (p->head + 1) % PIPE_BUF_SIZE;
            p->len--;
        }
        sched_wake((uintptr_t)p, MAX_THREADS);
        poll_wake();
        return (long)got;
    }
    default:
        return -EINVAL;
    }
}

long fd_write(int fd, uint64_t buf, uint64_t n)
{
    struct file *f = get(fd);
    if (!f)
        return -EBADF;
    if (n && !user_ok(buf, n))
        return -EFAULT;
    const uint8_t *b = (const uint8_t *)(uintptr_t)buf;
    switch (f->type) {
    case F_CONSOLE:
        solo5_console_write((const char *)b, n);
        return (long)n;
    case F_EVENTFD: {
        uint64_t v;
        if (n < 8)
            return -EINVAL;
        memcpy(&v, b, 8);
        if (v == UINT64_MAX)
            return -EINVAL;
        if (f->count + v < f->count || f->count + v == UINT64_MAX)
            return (f->flags & O_NONBLOCK) ? -EAGAIN : -EINVAL;
        f->count += v;
        poll_wake();
        sched_wake((uintptr_t)f, MAX_THREADS);
        return 8;
    }
    case F_PIPE_W: {
        struct pipe *p = f->pipe;
        if (!p->readers)
            return -EPIPE;
        if (p->len == PIPE_BUF_SIZE) {
            if (f->flags & O_NONBLOCK)
                return -EAGAIN;
            sched_block((uintptr_t)p, NO_DEADLINE, cur->nr, 1, 0);
            return 0;
        }
        uint64_t put = 0;
        while (put < n && p->len < PIPE_BUF_SIZE) {
            p->buf[(p->head + p->len) % PIPE_BUF_SIZE] = b[put++];
            p->len++;
        }
        sched_wake((uintptr_t)p, MAX_THREADS);
        poll_wake();
        return (long)put;
    }
    default:
        return -EINVAL;
    }
}

/* Vectored I/O: only console writes are gathered; other types go one buffer at a time. */
long fd_writev(int fd, uint64_t iov, int cnt)
{
    if (cnt < 0 || cnt > 1024 || !user_ok(iov, (uint64_t)cnt * sizeof(struct k_iovec)))
        return cnt < 0 || cnt > 1024 ? -EINVAL : -EFAULT;
    const struct k_iovec *v = (const struct k_iovec *)(uintptr_t)iov;
    long total = 0;
    for (int i = 0; i < cnt; i++) {
        if (v[i].len == 0)
            continue;
        long r = fd_write(fd, v[i].base, v[i].len);
        if (cur->state != T_RUN) {
            if (!total)
                return 0; /* blocked before writing anything: the call is re-run */
            sched_unblock(); /* a partial write is returned, not repeated */
            return total;
        }
        if (r < 0)
            return total ? total : r;
        total += r;
        if ((uint64_t)r < v[i].len)
            break;
    }
    return total;
}

long fd_readv(int fd, uint64_t iov, int cnt)
{
    if (cnt < 0 || cnt > 1024 || !user_ok(iov, (uint64_t)cnt * sizeof(struct k_iovec)))
        return cnt < 0 || cnt > 1024 ? -EINVAL : -EFAULT;
    const struct k_iovec *v = (const struct k_iovec *)(uintptr_t)iov;
    for (int i = 0; i < cnt; i++)
        if (v[i].len)
            return fd_read(fd, v[i].base, v[i].len);
    return 0;
}

long fd_close(int fd)
{
    struct file *f = get(fd);
    if (!f)
        return -EBADF;
    if (f->type == F_PIPE_R || f->type == F_PIPE_W) {
        struct pipe *p = f->pipe;
        if (f->type == F_PIPE_R)
            p->readers--;
        else
            p->writers--;
        if (!p->readers && !p->writers)
            p->used = 0;
        sched_wake((uintptr_t)p, MAX_THREADS);
        poll_wake();
    }
    if (f->type == F_EPOLL)
        f->ep->used = 0;
    /* Drop the fd from every epoll set, as closing the last reference does on Linux. */
    for (int i = 0; i < MAX_OBJS; i++) {
        struct epoll *e = &epolls[i];
        for (int j = 0; e->used && j < e->n; j++)
            if (e->it[j].fd == fd)
                e->it[j--] = e->it[--e->n];
    }
    memset(f, 0, sizeof *f);
    return 0;
}

long fd_fcntl(int fd, int cmd, uint64_t arg)
{
    struct file *f = get(fd);
    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_GETFD:
        return f->cloexec ? 1 : 0;
    case F_SETFD:
        f->cloexec = arg & 1;
        return 0;
    case F_GETFL:
        return f->flags | (f->type == F_CONSOLE ? 2 /* O_RDWR */ : 0);
    case F_SETFL:
        f->flags = (int)(arg & O_NONBLOCK);
        return 0;
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        int n = alloc_fd((int)arg);
        if (n < 0)
            return n;
        files[n] = *f;
        files[n].cloexec = cmd == F_DUPFD_CLOEXEC;
        if (f->pipe)
            f->type == F_PIPE_R ? f->pipe->readers++ : f->pipe->writers++;
        return n;
    }
    }
    return -EINVAL;
}

long fd_dup(int fd, int newfd, int flags)
{
    struct file *f = get(fd);
    if (!f)
        return -EBADF;
    if (newfd < 0)
        return fd_fcntl(fd, (flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
    if (newfd >= MAX_FDS)
        return -EBADF;
    if (newfd == fd)
        return flags ? -EINVAL : newfd;
    if (files[newfd].type != F_NONE)
        fd_close(newfd);
    files[newfd] = *f;
    files[newfd].cloexec = (flags & O_CLOEXEC) != 0;
    if (f->pipe)
        f->type == F_PIPE_R ? f->pipe->readers++ : f->pipe->writers++;
    return newfd;
}

/* struct stat of x86_64 and aarch64 differ; only the mode matters to the runtimes here. */
long fd_fstat(int fd, uint64_t st)
{
    struct file *f = get(fd);
    if (!f)
        return -EBADF;
    if (!user_ok(st, 144))
        return -EFAULT;
    uint8_t *s = (uint8_t *)(uintptr_t)st;
    memset(s, 0, 128);
    uint32_t mode = f->type == F_CONSOLE ? 0020620 /* S_IFCHR */ : 0010600 /* S_IFIFO */;
#if defined(__x86_64__)
    memcpy(s + 24, &mode, 4);  /* st_mode after dev, ino, nlink */
    uint64_t blk = 4096;
    memcpy(s + 56, &blk, 8);   /* st_blksize */
#else
    memcpy(s + 16, &mode, 4);  /* st_mode after dev, ino */
    uint32_t blk = 4096;
    memcpy(s + 56, &blk, 4);   /* st_blksize */
#endif
    return 0;
}

long fd_ioctl(int fd, unsigned long req)
{
    (void)req;
    return get(fd) ? -ENOTTY : -EBADF;
}

long fd_lseek(int fd)
{
    return get(fd) ? -ESPIPE : -EBADF;
}

long fd_pipe2(uint64_t fds, int flags)
{
    if (!user_ok(fds, 8))
        return -EFAULT;
    struct pipe *p = NULL;
    for (int i = 0; i < MAX_OBJS; i++)
        if (!pipes[i].used) {
            p = &pipes[i];
            break;
        }
    int r = alloc_fd(0);
    if (!p || r < 0)
        return -EMFILE;
    files[r].type = F_PIPE_R;
    int w = alloc_fd(0);
    if (w < 0) {
        files[r].type = F_NONE;
        return -EMFILE;
    }
    memset(p, 0, sizeof *p);
    p->used = 1;
    p->readers = p->writers = 1;
    files[r] = (struct file){ .type = F_PIPE_R, .pipe = p, .flags = flags & O_NONBLOCK,
        .cloexec = (flags & O_CLOEXEC) != 0 };
    files[w] = (struct file){ .type = F_PIPE_W, .pipe = p, .flags = flags & O_NONBLOCK,
        .cloexec = (flags & O_CLOEXEC) != 0 };
    int32_t out[2] = { r, w };
    memcpy((void *)(uintptr_t)fds, out, 8);
    return 0;
}

long fd_eventfd2(unsigned initval, int flags)
{
    int n = alloc_fd(0);
    if (n < 0)
        return n;
    files[n] = (struct file){ .type = F_EVENTFD, .count = initval, .flags = flags & O_NONBLOCK,
        .cloexec = (flags & O_CLOEXEC) != 0, .sem = flags & EFD_SEMAPHORE };
    return n;
}

long fd_epoll_create1(int flags)
{
    struct epoll *e = NULL;
    for (int i = 0; i < MAX_OBJS; i++)
        if (!epolls[i].used) {
            e = &epolls[i];
            break;
        }
    int n = alloc_fd(0);
    if (!e || n < 0)
        return -EMFILE;
    memset(e, 0, sizeof *e);
    e->used = 1;
    files[n] = (struct file){ .type = F_EPOLL, .ep = e, .cloexec = (flags & O_CLOEXEC) != 0 };
    return n;
}

/* struct epoll_event is packed (12 bytes) on x86_64 and padded (16 bytes) on aarch64. */
#if defined(__x86_64__)
#define EV_SIZE 12
#define EV_DATA 4
#else
#define EV_SIZE 16
#define EV_DATA 8
#endif

long fd_epoll_ctl(int epfd, int op, int fd, uint64_t ev)
{
    struct file *ef = get(epfd), *f = get(fd);
    if (!ef || !f)
        return -EBADF;
    if (ef->type != F_EPOLL || fd == epfd)
        return -EINVAL;
    if (f->type == F_CONSOLE)
        return -EPERM; /* like a regular file: always ready, not pollable */
    struct epoll *e = ef->ep;
    int idx = -1;
    for (int i = 0; i < e->n; i++)
        if (e->it[i].fd == fd)
            idx = i;
    uint32_t events = 0;
    uint64_t data = 0;
    if (op != EPOLL_CTL_DEL) {
        if (!user_ok(ev, EV_SIZE))
            return -EFAULT;
        memcpy(&events, (void *)(uintptr_t)ev, 4);
        memcpy(&data, (uint8_t *)(uintptr_t)ev + EV_DATA, 8);
    }
    switch (op) {
    case EPOLL_CTL_ADD:
        if (idx >= 0)
            return -EEXIST;
        if (e->n == EPOLL_MAX)
            return -ENOMEM;
        e->it[e->n++] = (struct epitem){ fd, events, data };
        poll_wake();
        return 0;
    case EPOLL_CTL_MOD:
        if (idx < 0)
            return -ENOENT;
        e->it[idx].events = events;
        e->it[idx].data = data;
        poll_wake();
        return 0;
    case EPOLL_CTL_DEL:
        if (idx < 0)
            return -ENOENT;
        e->it[idx] = e->it[--e->n];
        return 0;
    }
    return -EINVAL;
}

/* Level-triggered for every item (EPOLLET is reported like level: a spurious wake-up at
 * worst, which the runtimes tolerate); blocks with a restart so readiness is rechecked. */
long fd_epoll_wait(int epfd, uint64_t evs, int max, long timeout_ms)
{
    struct file *ef = get(epfd);
    if (!ef)
        return -EBADF;
    if (ef->type != F_EPOLL || max <= 0 || max > 65536)
        return -EINVAL;
    if (!user_ok(evs, (uint64_t)max * EV_SIZE))
        return -EFAULT;
    struct epoll *e = ef->ep;
    int n = 0;
    for (int i = 0; i < e->n && n < max; i++) {
        struct file *f = get(e->it[i].fd);
        if (!f)
            continue;
        uint32_t r = ready(f) & (e->it[i].events | EPOLLERR | EPOLLHUP);
        if (!r)
            continue;
        uint8_t *out = (uint8_t *)(uintptr_t)evs + (uint64_t)n * EV_SIZE;
        memcpy(out, &r, 4);
        memcpy(out + EV_DATA, &e->it[i].data, 8);
        n++;
        if (e->it[i].events & EPOLLONESHOT)
            e->it[i].events = 0;
    }
    if (n || timeout_ms == 0)
        return n;
    uint64_t dl = timeout_ms < 0 ? NO_DEADLINE : now_ns() + (uint64_t)timeout_ms * 1000000ULL;
    sched_block(WAIT_EPOLL, dl, cur->nr, 1, 0);
    return 0;
}
