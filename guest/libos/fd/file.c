/* file.c: open-file objects (reference counts) and their wait queues (pollq). */
#include "libos.h"
#include "fd/file.h"

static uint64_t next_ino = 1000;

uint64_t file_next_ino(void)
{
    return next_ino++;
}

void file_init(struct file *f, const struct file_ops *ops, int flags, struct pollq *pq)
{
    f->ops = ops;
    f->refs = 1;
    f->flags = flags;
    f->pos = 0;
    f->pq = pq;
    f->timeo_ns[0] = f->timeo_ns[1] = 0;
    if (!f->ino)
        f->ino = file_next_ino();
}

struct file *file_get(struct file *f)
{
    if (f)
        f->refs++;
    return f;
}

void file_put(struct file *f)
{
    if (!f)
        return;
    if (f->refs <= 0)
        bindings_panic("libos: file reference count underflow");
    if (--f->refs > 0)
        return;
    /* The last reference: epoll items watching this file go with it (as on Linux). */
    if (f->pq) {
        struct pollwatch *w = f->pq->watchers, *next;
        for (; w; w = next) {
            next = w->next;
            if (w->file == f && w->detach)
                w->detach(w);
        }
    }
    if (f->ops->release)
        f->ops->release(f);
}

void pollq_watch(struct pollq *pq, struct pollwatch *w)
{
    w->pq = pq;
    w->prev = NULL;
    w->next = pq->watchers;
    if (pq->watchers)
        pq->watchers->prev = w;
    pq->watchers = w;
}

void pollq_unwatch(struct pollwatch *w)
{
    if (!w->pq)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        w->pq->watchers = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->pq = NULL;
    w->next = w->prev = NULL;
}

void pollq_notify(struct pollq *pq, uint32_t events)
{
    if (!pq)
        return;
    sched_wake((uintptr_t)pq, MAX_THREADS);
    struct pollwatch *w = pq->watchers, *next;
    for (; w; w = next) {
        next = w->next;
        w->fn(w, events);
    }
}

void pollq_block(struct pollq *pq, uint64_t deadline, long timeout_ret)
{
    sched_block((uintptr_t)pq, deadline, cur->nr, WAIT_RESTART, timeout_ret);
}

void file_block(struct file *f, int dir, int restarted)
{
    uint64_t t = f->timeo_ns[dir];
    pollq_block(f->pq, t ? wait_deadline(restarted, t) : NO_DEADLINE, -EAGAIN);
}
