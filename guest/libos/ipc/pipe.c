/* pipe.c: pipes: a 64 KiB ring shared by a read end and a write end (two open files). */
#include "libos.h"
#include "fd/file.h"
#include "mm/kalloc.h"
#include "mm/uaccess.h"
#include "sys/table.h"

#define PIPE_SIZE (64u << 10)
#define PIPE_BUF 4096u /* writes up to this size are atomic */

struct pipe {
    struct pollq pq;       /* both ends wait and announce here */
    int readers, writers;
    uint32_t head, len;
    uint8_t *buf;
    uint64_t ino;
};

struct pipe_end {
    struct file f;
    struct pipe *p;
};

static struct pipe *pipe_of(struct file *f) { return ((struct pipe_end *)f)->p; }

static long pipe_read(struct file *f, void *buf, size_t n, uint64_t *off)
{
    (void)off;
    struct pipe *p = pipe_of(f);
    if (n == 0)
        return 0;
    if (p->len == 0)
        return p->writers ? -EAGAIN : 0;
    uint8_t *b = buf;
    size_t got = 0;
    while (got < n && p->len) {
        uint32_t chunk = PIPE_SIZE - p->head;
        if (chunk > p->len)
            chunk = p->len;
        if (chunk > n - got)
            chunk = (uint32_t)(n - got);
        memcpy(b + got, p->buf + p->head, chunk);
        p->head = (p->head + chunk) % PIPE_SIZE;
        p->len -= chunk;
        got += chunk;
    }
    pollq_notify(&p->pq, EPOLLOUT);
    return (long)got;
}

static long pipe_write(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    (void)off;
    struct pipe *p = pipe_of(f);
    if (!p->readers) {
        sig_post(cur->tid, 13 /* SIGPIPE */);
        return -EPIPE;
    }
    if (n == 0)
        return 0;
    uint32_t room = PIPE_SIZE - p->len;
    if (room == 0 || (n <= PIPE_BUF && room < n))
        return -EAGAIN;
    const uint8_t *b = buf;
    size_t put = 0;
    while (put < n && p->len < PIPE_SIZE) {
        uint32_t tail = (p->head + p->len) % PIPE_SIZE;
        uint32_t chunk = tail >= p->head ? PIPE_SIZE - tail : p->head - tail;
        if (chunk > PIPE_SIZE - p->len)
            chunk = PIPE_SIZE - p->len;
        if (chunk > n - put)
            chunk = (uint32_t)(n - put);
        memcpy(p->buf + tail, b + put, chunk);
        p->len += chunk;
        put += chunk;
    }
    pollq_notify(&p->pq, EPOLLIN);
    return (long)put;
}

static uint32_t pipe_poll(struct file *f)
{
    struct pipe *p = pipe_of(f);
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        return (p->len ? EPOLLIN : 0) | (p->writers ? 0 : EPOLLHUP);
    return (p->len < PIPE_SIZE ? EPOLLOUT : 0) | (p->readers ? 0 : EPOLLERR);
}

static long pipe_stat(struct file *f, struct kstat *st)
{
    st->mode = S_IFIFO | 0600;
    st->ino = pipe_of(f)->ino;
    st->blksize = 4096;
    return 0;
}

static long pipe_ioctl(struct file *f, unsigned long req, uint64_t arg)
{
    struct pipe *p = pipe_of(f);
    switch (req) {
    case 0x541b: { /* FIONREAD */
        int n = (int)p->len;
        return copy_to_user(arg, &n, sizeof n);
    }
    case 0x10000u | F_GETPIPE_SZ:
    case 0x10000u | F_SETPIPE_SZ:
        return PIPE_SIZE;
    }
    return -ENOTTY;
}

static long pipe_path(struct file *f, char *buf, size_t n)
{
    return lib_snprintf(buf, n, "pipe:[%llu]", (unsigned long long)pipe_of(f)->ino);
}

static void pipe_release(struct file *f)
{
    struct pipe *p = pipe_of(f);
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        p->readers--;
    else
        p->writers--;
    kfree(f);
    if (!p->readers && !p->writers) {
        kfree_pages(p->buf, PIPE_SIZE / PAGE_SIZE);
        kfree(p);
        return;
    }
    pollq_notify(&p->pq, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR);
}

static const struct file_ops pipe_ops = {
    .kind = "pipe", .read = pipe_read, .write = pipe_write, .poll = pipe_poll,
    .stat = pipe_stat, .ioctl = pipe_ioctl, .path = pipe_path, .release = pipe_release,
};

/* Makes a pipe's two ends; 0 or -errno. */
int pipe_make(struct file **rd, struct file **wr, int flags)
{
    struct pipe *p = kalloc(sizeof *p);
    struct pipe_end *r = kalloc(sizeof *r), *w = kalloc(sizeof *w);
    uint8_t *buf = kalloc_pages(PIPE_SIZE / PAGE_SIZE);
    if (!p || !r || !w || !buf) {
        kfree(p), kfree(r), kfree(w);
        kfree_pages(buf, PIPE_SIZE / PAGE_SIZE);
        return -ENFILE;
    }
    p->buf = buf;
    p->readers = p->writers = 1;
    p->ino = file_next_ino();
    r->p = w->p = p;
    file_init(&r->f, &pipe_ops, O_RDONLY | (flags & O_NONBLOCK), &p->pq);
    file_init(&w->f, &pipe_ops, O_WRONLY | (flags & O_NONBLOCK), &p->pq);
    r->f.ino = w->f.ino = p->ino;
    *rd = &r->f;
    *wr = &w->f;
    return 0;
}

static long do_pipe2(uint64_t ufds, int flags)
{
    if (flags & ~(O_NONBLOCK | O_CLOEXEC | O_DIRECT))
        return -EINVAL;
    if (!user_writable(ufds, 8))
        return -EFAULT;
    struct file *r, *w;
    int e = pipe_make(&r, &w, flags);
    if (e)
        return e;
    int cloexec = (flags & O_CLOEXEC) != 0;
    int rfd = fd_install(r, 0, cloexec);
    if (rfd < 0) {
        file_put(w);
        return rfd;
    }
    int wfd = fd_install(w, 0, cloexec);
    if (wfd < 0) {
        fd_close(rfd);
        return wfd;
    }
    int32_t out[2] = { rfd, wfd };
    return copy_to_user(ufds, out, sizeof out);
}

static long sys_pipe(struct sc *c) { return do_pipe2(c->a[0], 0); }
static long sys_pipe2(struct sc *c) { return do_pipe2(c->a[0], (int)c->a[1]); }

const struct syscall sys_pipe_calls[] = {
    { NR_pipe, "pipe", sys_pipe, 0, "64 KiB, writes up to 4 KiB atomic" },
    { NR_pipe2, "pipe2", sys_pipe2, 0, "O_NONBLOCK, O_CLOEXEC" },
    { -1, NULL, NULL, 0, NULL },
};
