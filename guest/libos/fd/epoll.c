/* epoll.c: epoll sets. Each item watches its file's pollq; a notification puts the item on
 * the ready list, and epoll_wait reports what the file's poll says then. Level-triggered
 * items stay on the list while ready, edge-triggered ones leave it once reported, so both
 * come from one mechanism (and EPOLLONESHOT disables the item until EPOLL_CTL_MOD). */
#include "libos.h"
#include "fd/file.h"
#include "mm/uaccess.h"
#include "sys/table.h"

struct epitem {
    struct pollwatch w;     /* on the file's pollq; w.file is the file */
    struct epoll *ep;
    int fd;
    uint32_t events;
    uint64_t data;
    int ready;              /* on the ready list */
    struct epitem *next, *prev;     /* all items of the set */
    struct epitem *rnext, *rprev;   /* the ready list */
};

struct epoll {
    struct file f;
    struct pollq pq;        /* readiness of the set itself: waiters and nested sets */
    struct epitem *items;
    struct epitem *rhead, *rtail;
    int n;
};

#define EPOLL_MAX_ITEMS 65536

static void ready_add(struct epitem *it)
{
    struct epoll *ep = it->ep;
    if (it->ready)
        return;
    it->ready = 1;
    it->rnext = NULL;
    it->rprev = ep->rtail;
    if (ep->rtail)
        ep->rtail->rnext = it;
    else
        ep->rhead = it;
    ep->rtail = it;
}

static void ready_del(struct epitem *it)
{
    struct epoll *ep = it->ep;
    if (!it->ready)
        return;
    it->ready = 0;
    if (it->rprev)
        it->rprev->rnext = it->rnext;
    else
        ep->rhead = it->rnext;
    if (it->rnext)
        it->rnext->rprev = it->rprev;
    else
        ep->rtail = it->rprev;
    it->rnext = it->rprev = NULL;
}

static void item_free(struct epitem *it)
{
    struct epoll *ep = it->ep;
    ready_del(it);
    pollq_unwatch(&it->w);
    if (it->prev)
        it->prev->next = it->next;
    else
        ep->items = it->next;
    if (it->next)
        it->next->prev = it->prev;
    ep->n--;
    kfree(it);
}

/* The watched file changed: an event of interest makes the item a candidate. */
static void item_notify(struct pollwatch *w, uint32_t events)
{
    struct epitem *it = (struct epitem *)w;
    uint32_t want = it->events | EPOLLERR | EPOLLHUP;
    if (events && !(events & want))
        return;
    if ((it->events & ~(EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE)) == 0 && !(events & (EPOLLERR | EPOLLHUP)))
        return; /* disabled by EPOLLONESHOT */
    ready_add(it);
    pollq_notify(&it->ep->pq, EPOLLIN);
}

static void item_detach(struct pollwatch *w)
{
    item_free((struct epitem *)w);
}

static uint32_t ep_poll(struct file *f)
{
    struct epoll *ep = (struct epoll *)f;
    for (struct epitem *it = ep->rhead; it; it = it->rnext) {
        struct file *t = it->w.file;
        if (t->ops->poll(t) & (it->events | EPOLLERR | EPOLLHUP))
            return EPOLLIN;
    }
    return 0;
}

static void ep_release(struct file *f)
{
    struct epoll *ep = (struct epoll *)f;
    while (ep->items)
        item_free(ep->items);
    kfree(ep);
}

static const struct file_ops epoll_ops = {
    .kind = "anon_inode:[eventpoll]", .poll = ep_poll, .release = ep_release,
};

static long create(int flags)
{
    if (flags & ~EPOLL_CLOEXEC)
        return -EINVAL;
    struct epoll *ep = kalloc(sizeof *ep);
    if (!ep)
        return -ENOMEM;
    file_init(&ep->f, &epoll_ops, O_RDWR, &ep->pq);
    return fd_install(&ep->f, 0, flags & EPOLL_CLOEXEC);
}

static long sys_epoll_create(struct sc *c) { return (int)c->a[0] <= 0 ? -EINVAL : create(0); }
static long sys_epoll_create1(struct sc *c) { return create((int)c->a[0]); }

static struct epoll *epoll_of(int epfd)
{
    struct file *f = fd_get(epfd);
    return f && f->ops == &epoll_ops ? (struct epoll *)f : NULL;
}

/* Would adding f to ep make a cycle (ep reachable from f)? */
static int reaches(struct file *f, struct epoll *ep, int depth)
{
    if (f->ops != &epoll_ops)
        return 0;
    if ((struct epoll *)f == ep || depth > 5)
        return 1;
    for (struct epitem *it = ((struct epoll *)f)->items; it; it = it->next)
        if (reaches(it->w.file, ep, depth + 1))
            return 1;
    return 0;
}

static long sys_epoll_ctl(struct sc *c)
{
    int epfd = (int)c->a[0], op = (int)c->a[1], fd = (int)c->a[2];
    struct file *ef = fd_get(epfd), *f = fd_get(fd);
    if (!ef || !f)
        return -EBADF;
    struct epoll *ep = epoll_of(epfd);
    if (!ep || fd == epfd)
        return -EINVAL;
    if (!f->ops->poll)
        return -EPERM; /* regular files and the console: always ready, not pollable */
    struct epitem *it = ep->items;
    while (it && !(it->fd == fd && it->w.file == f))
        it = it->next;
    struct k_epoll_event ev = { 0, 0 };
    if (op != EPOLL_CTL_DEL && copy_from_user(&ev, c->a[3], sizeof ev))
        return -EFAULT;
    switch (op) {
    case EPOLL_CTL_ADD:
        if (it)
            return -EEXIST;
        if (reaches(f, ep, 0))
            return -ELOOP;
        if (ep->n >= EPOLL_MAX_ITEMS)
            return -ENOSPC;
        it = kalloc(sizeof *it);
        if (!it)
            return -ENOMEM;
        it->ep = ep;
        it->fd = fd;
        it->events = ev.events;
        it->data = ev.data;
        it->w.file = f;
        it->w.fn = item_notify;
        it->w.detach = item_detach;
        if (f->pq)
            pollq_watch(f->pq, &it->w);
        it->next = ep->items;
        if (ep->items)
            ep->items->prev = it;
        ep->items = it;
        ep->n++;
        ready_add(it); /* reported at once if the file is ready now */
        pollq_notify(&ep->pq, EPOLLIN);
        return 0;
    case EPOLL_CTL_MOD:
        if (!it)
            return -ENOENT;
        it->events = ev.events;
        it->data = ev.data;
        ready_add(it);
        pollq_notify(&ep->pq, EPOLLIN);
        return 0;
    case EPOLL_CTL_DEL:
        if (!it)
            return -ENOENT;
        item_free(it);
        return 0;
    }
    return -EINVAL;
}

static long wait(int epfd, uint64_t uevs, int max, long timeout_ms, int restarted)
{
    struct epoll *ep = epoll_of(epfd);
    if (!fd_get(epfd))
        return -EBADF;
    if (!ep || max <= 0 || max > EPOLL_MAX_ITEMS)
        return -EINVAL;
    if (!user_writable(uevs, (uint64_t)max * sizeof(struct k_epoll_event)))
        return -EFAULT;
    struct k_epoll_event *out = (struct k_epoll_event *)(uintptr_t)uevs;
    int n = 0;
    /* One pass over the list as it is now: items re-queued for level triggering go to the
     * tail, so the pass stops where it started. */
    struct epitem *it = ep->rhead, *last = ep->rtail;
    while (it && n < max) {
        struct epitem *next = it == last ? NULL : it->rnext;
        struct file *f = it->w.file;
        uint32_t r = f->ops->poll(f) & (it->events | EPOLLERR | EPOLLHUP);
        if ((it->events & ~(EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE)) == 0 && !(r & (EPOLLERR | EPOLLHUP)))
            r = 0; /* disabled (EPOLLONESHOT fired) */
        ready_del(it);
        if (r) {
            struct k_epoll_event e = { r, it->data };
            memcpy(&out[n++], &e, sizeof e);
            if (it->events & EPOLLONESHOT)
                it->events &= EPOLLET | EPOLLONESHOT;
            else if (!(it->events & EPOLLET))
                ready_add(it); /* level-triggered: asked again next time */
        }
        it = next;
    }
    if (n || timeout_ms == 0)
        return n;
    uint64_t dl = wait_deadline(restarted, timeout_ms < 0 ? NO_DEADLINE : (uint64_t)timeout_ms * 1000000ULL);
    if (dl <= now_ns())
        return 0;
    sched_block((uintptr_t)&ep->pq, dl, cur->nr, WAIT_RESTART_NOSIG, 0);
    return 0;
}

static long sys_epoll_wait(struct sc *c)
{
    return wait((int)c->a[0], c->a[1], (int)c->a[2], (long)(int)c->a[3], c->restarted);
}

/* epoll_pwait: the signal mask argument is not applied (signals are delivered at the next
 * return to the app either way). */
static long sys_epoll_pwait(struct sc *c)
{
    return wait((int)c->a[0], c->a[1], (int)c->a[2], (long)(int)c->a[3], c->restarted);
}

static long sys_epoll_pwait2(struct sc *c)
{
    long ms = -1;
    if (c->a[3]) {
        uint64_t ns;
        int e = timespec_in(c->a[3], &ns);
        if (e)
            return e;
        ms = ns / 1000000 > 100000000000ULL ? 100000000000L : (long)((ns + 999999) / 1000000);
    }
    return wait((int)c->a[0], c->a[1], (int)c->a[2], ms, c->restarted);
}

const struct syscall sys_epoll_calls[] = {
    { NR_epoll_create, "epoll_create", sys_epoll_create, 0, "" },
    { NR_epoll_create1, "epoll_create1", sys_epoll_create1, 0, "EPOLL_CLOEXEC" },
    { NR_epoll_ctl, "epoll_ctl", sys_epoll_ctl, 0, "level, EPOLLET, EPOLLONESHOT; regular files EPERM" },
    { NR_epoll_wait, "epoll_wait", sys_epoll_wait, 0, "" },
    { NR_epoll_pwait, "epoll_pwait", sys_epoll_pwait, SYSF_PARTIAL, "the signal mask is not applied" },
    { NR_epoll_pwait2, "epoll_pwait2", sys_epoll_pwait2, SYSF_PARTIAL, "as epoll_pwait, timespec timeout" },
    { -1, NULL, NULL, 0, NULL },
};
