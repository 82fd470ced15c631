/* flock.c: flock(2) locks: held by an open file description on a node, so two opens of one
 * file conflict (as on Linux, even in one process) while dup'd descriptors share the lock. */
#include "libos.h"
#include "fd/file.h"
#include "fs/vfs.h"
#include "fs/vfile.h"

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_UN 8

struct flk {
    struct node *node;
    struct file *owner; /* the open file holding it (not a reference: released with it) */
    int excl;
    struct flk *next;
};

static struct flk *locks;

/* The wait queue of a node's lock: odd, so it is no futex address or pollq. */
static uintptr_t wait_key(struct node *n) { return (uintptr_t)n | 1; }

/* Drops f's lock on n (if any); wakes the waiters when there was one. */
static void drop(struct file *f, struct node *n)
{
    for (struct flk **pp = &locks; *pp; pp = &(*pp)->next) {
        struct flk *l = *pp;
        if (l->owner == f && l->node == n) {
            *pp = l->next;
            kfree(l);
            sched_wake(wait_key(n), MAX_THREADS);
            return;
        }
    }
}

long flock_set(struct file *f, struct node *n, int op, int nb)
{
    if (op == LOCK_UN) {
        drop(f, n);
        return 0;
    }
    int excl = op == LOCK_EX;
    struct flk *mine = NULL;
    for (struct flk *l = locks; l; l = l->next)
        if (l->owner == f && l->node == n)
            mine = l;
    if (mine && mine->excl == excl)
        return 0;
    /* A conversion gives the old lock up first (Linux does: it is not atomic). */
    if (mine)
        drop(f, n);
    for (struct flk *l = locks; l; l = l->next) {
        if (l->node == n && l->owner != f && (l->excl || excl)) {
            if (nb)
                return -EAGAIN;
            /* Re-run when a holder lets go; a signal ends it (EINTR, or SA_RESTART). */
            sched_block(wait_key(n), NO_DEADLINE, cur->nr, WAIT_RESTART, 0);
            return 0;
        }
    }
    struct flk *l = kalloc(sizeof *l);
    if (!l)
        return -ENOLCK;
    l->node = n;
    l->owner = f;
    l->excl = excl;
    l->next = locks;
    locks = l;
    return 0;
}

void flock_release(struct file *f)
{
    struct flk **pp = &locks;
    while (*pp) {
        struct flk *l = *pp;
        if (l->owner == f) {
            *pp = l->next;
            sched_wake(wait_key(l->node), MAX_THREADS);
            kfree(l);
        } else {
            pp = &l->next;
        }
    }
}
