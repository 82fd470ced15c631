/* eventfd.c: eventfd counters (Go's netpoller wake-up). */
#include "libos.h"
#include "fd/file.h"
#include "mm/kalloc.h"
#include "sys/table.h"

struct efd {
    struct file f;
    struct pollq pq;
    uint64_t count;
    int sem;
};

static long efd_read(struct file *f, void *buf, size_t n, uint64_t *off)
{
    (void)off;
    struct efd *e = (struct efd *)f;
    if (n < 8)
        return -EINVAL;
    if (e->count == 0)
        return -EAGAIN;
    uint64_t v = e->sem ? 1 : e->count;
    e->count -= v;
    memcpy(buf, &v, 8);
    pollq_notify(&e->pq, EPOLLOUT);
    return 8;
}

static long efd_write(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    (void)off;
    struct efd *e = (struct efd *)f;
    uint64_t v;
    if (n < 8)
        return -EINVAL;
    memcpy(&v, buf, 8);
    if (v == UINT64_MAX)
        return -EINVAL;
    if (e->count + v < e->count || e->count + v == UINT64_MAX)
        return -EAGAIN;
    e->count += v;
    if (v)
        pollq_notify(&e->pq, EPOLLIN);
    return 8;
}

static uint32_t efd_poll(struct file *f)
{
    struct efd *e = (struct efd *)f;
    return (e->count ? EPOLLIN : 0) | (e->count < UINT64_MAX - 1 ? EPOLLOUT : 0);
}

static long efd_path(struct file *f, char *buf, size_t n)
{
    (void)f;
    return lib_snprintf(buf, n, "anon_inode:[eventfd]");
}

static void efd_release(struct file *f)
{
    kfree(f);
}

static const struct file_ops eventfd_ops = {
    .kind = "eventfd", .read = efd_read, .write = efd_write, .poll = efd_poll,
    .path = efd_path, .release = efd_release,
};

static long create(unsigned initval, int flags)
{
    if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
        return -EINVAL;
    struct efd *e = kalloc(sizeof *e);
    if (!e)
        return -ENOMEM;
    file_init(&e->f, &eventfd_ops, O_RDWR | (flags & EFD_NONBLOCK), &e->pq);
    e->count = initval;
    e->sem = flags & EFD_SEMAPHORE;
    return fd_install(&e->f, 0, flags & EFD_CLOEXEC);
}

static long sys_eventfd(struct sc *c) { return create((unsigned)c->a[0], 0); }
static long sys_eventfd2(struct sc *c) { return create((unsigned)c->a[0], (int)c->a[1]); }

const struct syscall sys_eventfd_calls[] = {
    { NR_eventfd, "eventfd", sys_eventfd, 0, "" },
    { NR_eventfd2, "eventfd2", sys_eventfd2, 0, "EFD_SEMAPHORE, EFD_CLOEXEC, EFD_NONBLOCK" },
    { -1, NULL, NULL, 0, NULL },
};
