/* poll.c: poll, ppoll, select, pselect6: readiness of many files at once, waiting on each
 * file's pollq through watchers owned by the waiting thread. */
#include "libos.h"
#include "fd/file.h"
#include "sys/table.h"

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define FD_SETSIZE_MAX MAX_FDS

struct k_pollfd {
    int32_t fd;
    int16_t events, revents;
};

struct pwatch {
    struct pollwatch w;
    uint32_t events;
    uintptr_t key;
};

struct pollw { /* cur->pollw */
    int n;
    struct pwatch w[];
};

void poll_release(struct thread *t)
{
    struct pollw *pw = t->pollw;
    if (!pw)
        return;
    for (int i = 0; i < pw->n; i++)
        pollq_unwatch(&pw->w[i].w);
    kfree(pw);
    t->pollw = NULL;
}

/* The deadline of a wait of rel_ns (NO_DEADLINE: none): a wait re-run after a wake-up keeps
 * the deadline of its first run, so notifications never extend a timeout. */
uint64_t wait_deadline(int restarted, uint64_t rel_ns)
{
    if (restarted && cur->wait_deadline)
        return cur->wait_deadline;
    uint64_t now = now_ns();
    uint64_t dl = rel_ns == NO_DEADLINE || now + rel_ns < now ? NO_DEADLINE : now + rel_ns;
    cur->wait_deadline = dl;
    return dl;
}

static void pw_notify(struct pollwatch *w, uint32_t events)
{
    struct pwatch *p = (struct pwatch *)w;
    if (events && !(events & (p->events | EPOLLERR | EPOLLHUP)))
        return;
    sched_wake(p->key, MAX_THREADS);
}

static void pw_detach(struct pollwatch *w)
{
    struct pwatch *p = (struct pwatch *)w;
    pollq_unwatch(w);
    w->file = NULL;
    sched_wake(p->key, MAX_THREADS); /* the file is gone: look again (POLLNVAL) */
}

/* Readiness of one fd for events (poll's bits, which are epoll's). */
static uint32_t ready(int fd, uint32_t events)
{
    struct file *f = fd_get(fd);
    if (!f)
        return POLLNVAL;
    uint32_t r = f->ops->poll ? f->ops->poll(f) : (EPOLLIN | EPOLLOUT);
    return r & (events | POLLERR | POLLHUP);
}

/* Parks cur until one of the n files changes or the deadline passes (the call returns 0). */
static long park(const int32_t *fds, const uint32_t *events, int n, uint64_t deadline)
{
    struct pollw *pw = kalloc(sizeof *pw + (size_t)n * sizeof pw->w[0]);
    if (!pw)
        return -ENOMEM;
    uintptr_t key = (uintptr_t)pw;
    for (int i = 0; i < n; i++) {
        struct file *f = fds[i] >= 0 ? fd_get(fds[i]) : NULL;
        if (!f || !f->pq)
            continue;
        struct pwatch *w = &pw->w[pw->n++];
        w->events = events[i];
        w->key = key;
        w->w.file = f;
        w->w.fn = pw_notify;
        w->w.detach = pw_detach;
        pollq_watch(f->pq, &w->w);
    }
    cur->pollw = pw;
    sched_block(key, deadline, cur->nr, WAIT_RERUN_NOSIG, 0);
    return 0;
}

static long do_poll(uint64_t ufds, uint64_t nfds, uint64_t deadline, int nowait)
{
    if (nfds > (uint64_t)fd_limit())
        return -EINVAL;
    int n = (int)nfds;
    struct k_pollfd *p = n ? kcalloc((size_t)n, sizeof *p) : NULL;
    int32_t *fds = n ? kcalloc((size_t)n, sizeof *fds) : NULL;
    uint32_t *ev = n ? kcalloc((size_t)n, sizeof *ev) : NULL;
    long r = 0;
    if (n && (!p || !fds || !ev)) {
        r = -ENOMEM;
        goto out;
    }
    if (copy_from_user(p, ufds, (size_t)n * sizeof *p)) {
        r = -EFAULT;
        goto out;
    }
    int count = 0;
    for (int i = 0; i < n; i++) {
        fds[i] = p[i].fd;
        ev[i] = (uint16_t)p[i].events; /* poll's bits are epoll's */
        p[i].revents = p[i].fd < 0 ? 0 : (int16_t)ready(p[i].fd, ev[i]);
        count += p[i].revents != 0;
    }
    if (copy_to_user(ufds, p, (size_t)n * sizeof *p)) {
        r = -EFAULT;
        goto out;
    }
    if (count || nowait || deadline <= now_ns()) {
        r = count;
        goto out;
    }
    r = park(fds, ev, n, deadline);
out:
    kfree(p), kfree(fds), kfree(ev);
    return r;
}

static uint64_t ms_ns(long ms) { return ms < 0 ? NO_DEADLINE : (uint64_t)ms * 1000000ULL; }

static long sys_poll(struct sc *c)
{
    long ms = (long)(int)c->a[2];
    return do_poll(c->a[0], c->a[1], wait_deadline(c->restarted, ms_ns(ms)), ms == 0);
}

/* ppoll/pselect6: the signal mask argument is not applied (a signal is delivered at the
 * next return to the app either way). */
static long sys_ppoll(struct sc *c)
{
    uint64_t rel = NO_DEADLINE;
    if (c->a[2]) {
        int e = timespec_in(c->a[2], &rel);
        if (e)
            return e;
    }
    return do_poll(c->a[0], c->a[1], wait_deadline(c->restarted, rel), rel == 0);
}

/* select: fd_set bit arrays in, ready bits out (in place), over the same wait. */
static long do_select(int nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t deadline, int nowait)
{
    if (nfds < 0 || nfds > FD_SETSIZE_MAX)
        return -EINVAL;
    static uint64_t in[3][FD_SETSIZE_MAX / 64], out[3][FD_SETSIZE_MAX / 64];
    static int32_t fds[FD_SETSIZE_MAX];
    static uint32_t ev[FD_SETSIZE_MAX];
    size_t bytes = ((size_t)nfds + 63) / 64 * 8;
    uint64_t u[3] = { ur, uw, ue };
    for (int k = 0; k < 3; k++) {
        memset(in[k], 0, sizeof in[k]);
        memset(out[k], 0, sizeof out[k]);
        if (u[k] && copy_from_user(in[k], u[k], bytes))
            return -EFAULT;
    }
    int n = 0, count = 0;
    for (int fd = 0; fd < nfds; fd++) {
        uint64_t bit = 1ULL << (fd % 64);
        int w = fd / 64;
        uint32_t want = ((in[0][w] & bit) ? EPOLLIN | EPOLLHUP | EPOLLERR : 0) |
                ((in[1][w] & bit) ? EPOLLOUT | EPOLLERR : 0) | ((in[2][w] & bit) ? EPOLLPRI : 0);
        if (!want)
            continue;
        uint32_t r = ready(fd, want);
        if (r & POLLNVAL)
            return -EBADF;
        if ((in[0][w] & bit) && (r & (EPOLLIN | EPOLLHUP | EPOLLERR))) { out[0][w] |= bit; count++; }
        if ((in[1][w] & bit) && (r & (EPOLLOUT | EPOLLERR))) { out[1][w] |= bit; count++; }
        if ((in[2][w] & bit) && (r & EPOLLPRI)) { out[2][w] |= bit; count++; }
        fds[n] = fd;
        ev[n++] = want;
    }
    if (count || nowait || deadline <= now_ns()) {
        for (int k = 0; k < 3; k++)
            if (u[k] && copy_to_user(u[k], out[k], bytes))
                return -EFAULT;
        return count;
    }
    return park(fds, ev, n, deadline);
}

static long sys_select(struct sc *c)
{
    uint64_t rel = NO_DEADLINE;
    if (c->a[4]) {
        int64_t tv[2];
        if (copy_from_user(tv, c->a[4], sizeof tv))
            return -EFAULT;
        if (tv[0] < 0 || tv[1] < 0 || tv[1] >= 1000000)
            return -EINVAL;
        rel = (uint64_t)tv[0] * 1000000000ULL + (uint64_t)tv[1] * 1000ULL;
    }
    return do_select((int)c->a[0], c->a[1], c->a[2], c->a[3], wait_deadline(c->restarted, rel), rel == 0);
}

static long sys_pselect6(struct sc *c)
{
    uint64_t rel = NO_DEADLINE;
    if (c->a[4]) {
        int e = timespec_in(c->a[4], &rel);
        if (e)
            return e;
    }
    return do_select((int)c->a[0], c->a[1], c->a[2], c->a[3], wait_deadline(c->restarted, rel), rel == 0);
}

const struct syscall sys_poll_calls[] = {
    { NR_poll, "poll", sys_poll, 0, "" },
    { NR_ppoll, "ppoll", sys_ppoll, SYSF_PARTIAL, "the signal mask is not applied" },
    { NR_select, "select", sys_select, SYSF_PARTIAL, "the timeout is not updated" },
    { NR_pselect6, "pselect6", sys_pselect6, SYSF_PARTIAL, "the signal mask is not applied" },
    { -1, NULL, NULL, 0, NULL },
};
