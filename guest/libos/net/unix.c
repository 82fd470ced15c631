/* unix.c: the AF_UNIX socket object on the shared open file: creation, socketpair, readiness
 * as Linux's unix_poll/unix_dgram_poll report it, ioctls, and close (peers see EOF). */
#include "libos.h"
#include "fd/file.h"
#include "fs/fsenv.h"
#include "mm/kalloc.h"
#include "mm/uaccess.h"
#include "net/net.h"
#include "net/sock.h"
#include "net/unix.h"

struct usock *unix_all;
static const struct file_ops unix_ops;

void unix_notify(struct usock *s, uint32_t ev)
{
    pollq_notify(&s->pq, ev);
}

void unix_wake_waiters(struct usock *s, int force)
{
    if (!s->has_waiters || (!force && !UNIX_WRITABLE(s)))
        return; /* they would find it still not writable: wait for more reads */
    s->has_waiters = 0;
    for (struct usock *o = unix_all; o; o = o->all_next) {
        if (o->waiting_on == s) {
            o->waiting_on = NULL;
            unix_notify(o, EPOLLOUT);
        }
    }
}

void unix_set_cred(struct usock *s)
{
    s->cred[0] = 1; /* the app is pid 1 of its container */
    s->cred[1] = (int32_t)fs_uid();
    s->cred[2] = (int32_t)fs_gid();
}

struct usock *unix_alloc(int type, int flags)
{
    struct usock *s = kalloc(sizeof *s);
    if (!s)
        return NULL;
    file_init(&s->f, &unix_ops, O_RDWR | (flags & O_NONBLOCK), &s->pq);
    s->type = type;
    s->sndbuf = s->rcvbuf = 212992; /* Linux's net.core.[wr]mem_default */
    s->cred[0] = 0;
    s->cred[1] = s->cred[2] = -1; /* no peer yet: as Linux reports it */
    s->all_next = unix_all;
    if (unix_all)
        unix_all->all_prev = s;
    unix_all = s;
    return s;
}

void unix_msg_free(struct umsg *m)
{
    for (int i = 0; i < m->nfds; i++)
        file_put(m->fds[i]);
    kfree(m->fds);
    kfree(m);
}

static int stream_like(const struct usock *s) { return s->type != SOCK_DGRAM; }

static uint32_t unix_poll_op(struct file *f)
{
    struct usock *s = (struct usock *)f;
    uint32_t ev = 0;
    if (s->err)
        ev |= EPOLLERR;
    if (s->shut == (RCV_SHUT | SEND_SHUT))
        ev |= EPOLLHUP;
    if (s->shut & RCV_SHUT)
        ev |= EPOLLRDHUP | EPOLLIN;
    if (s->rq || (s->state == US_LISTEN && s->aq))
        ev |= EPOLLIN;
    if (stream_like(s) && s->state == US_NEW)
        ev |= EPOLLHUP;
    if (s->state == US_LISTEN)
        return ev;
    /* An unconnected datagram socket is always writable. */
    struct usock *t = s->peer;
    if (!t || (UNIX_WRITABLE(t) &&
               (s->type != SOCK_DGRAM || t->peer == s || t->rq_n <= UNIX_DGRAM_QLEN)))
        ev |= EPOLLOUT;
    return ev;
}

static long unix_read_op(struct file *f, void *buf, size_t n, uint64_t *off)
{
    (void)off;
    return unix_recv(f, buf, n, 0, NULL, NULL);
}

static long unix_write_op(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    (void)off;
    return unix_send(f, buf, n, 0, NULL, 0);
}

static long unix_ioctl_op(struct file *f, unsigned long req, uint64_t arg)
{
    struct usock *s = (struct usock *)f;
    int v = 0;
    switch (req) {
    case FIONREAD: /* SIOCINQ: a stream's queued bytes, a datagram socket's next message */
        if (s->state == US_LISTEN)
            return -EINVAL;
        if (s->type == SOCK_DGRAM)
            v = s->rq ? (int)s->rq->len : 0;
        else
            v = (int)s->rq_bytes;
        break;
    case SIOCOUTQ: /* bytes written, not yet read by the peer */
        if (s->state == US_LISTEN)
            return -EINVAL;
        v = s->peer && stream_like(s) ? (int)s->peer->rq_bytes : 0;
        break;
    default:
        return -ENOTTY;
    }
    return copy_to_user(arg, &v, sizeof v);
}

/* Forgets every pointer other sockets hold to s, as Linux's unix_release_sock tells them. */
static void unix_detach(struct usock *s)
{
    for (struct usock *o = unix_all; o; o = o->all_next) {
        if (o->waiting_on == s) {
            o->waiting_on = NULL;
            unix_notify(o, EPOLLOUT);
        }
        if (o->peer != s)
            continue;
        o->peer = NULL;
        o->peer_gone = 1;
        if (stream_like(o)) {
            o->shut = RCV_SHUT | SEND_SHUT;
            /* Unread data lost, or a connection never accepted: the peer sees a reset. */
            if (s->rq || s->in_aq)
                o->err = -ECONNRESET;
        }
        unix_notify(o, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLRDHUP | EPOLLERR);
    }
}

static void unix_release_op(struct file *f)
{
    struct usock *s = (struct usock *)f;
    /* Connections nobody accepted are closed with the listener: their clients see a reset. */
    while (s->aq) {
        struct usock *c = s->aq;
        s->aq = c->aq_next;
        file_put(&c->f);
    }
    unix_detach(s);
    if (s->all_prev)
        s->all_prev->all_next = s->all_next;
    else
        unix_all = s->all_next;
    if (s->all_next)
        s->all_next->all_prev = s->all_prev;
    unix_unbind(s);
    while (s->rq) {
        struct umsg *m = s->rq;
        s->rq = m->next;
        unix_msg_free(m);
    }
    kfree(s);
}

static const struct file_ops unix_ops = {
    .kind = "socket", .read = unix_read_op, .write = unix_write_op, .poll = unix_poll_op,
    .ioctl = unix_ioctl_op, .stat = sock_stat_op, .path = sock_path_op,
    .release = unix_release_op,
};

struct file *unix_of(struct file *f)
{
    return f && f->ops == &unix_ops ? f : NULL;
}

int unix_is_msg(struct file *f)
{
    return ((struct usock *)f)->type != SOCK_STREAM;
}

static int unix_type(int type, int protocol, int *kind)
{
    if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    *kind = type & SOCK_TYPE_MASK;
    if (*kind == SOCK_RAW)
        *kind = SOCK_DGRAM; /* Linux makes a raw AF_UNIX socket a datagram one */
    if (*kind != SOCK_STREAM && *kind != SOCK_DGRAM && *kind != SOCK_SEQPACKET)
        return -ESOCKTNOSUPPORT;
    if (protocol != 0 && protocol != AF_UNIX)
        return -EPROTONOSUPPORT;
    return 0;
}

int unix_create(int type, int protocol, struct file **out)
{
    int kind, r = unix_type(type, protocol, &kind);
    if (r)
        return r;
    struct usock *s = unix_alloc(kind, type & SOCK_NONBLOCK ? O_NONBLOCK : 0);
    if (!s)
        return -ENOMEM;
    *out = &s->f;
    return 0;
}

int unix_pair(int type, int protocol, struct file **a, struct file **b)
{
    int kind, r = unix_type(type, protocol, &kind);
    if (r)
        return r;
    int fl = type & SOCK_NONBLOCK ? O_NONBLOCK : 0;
    struct usock *x = unix_alloc(kind, fl);
    struct usock *y = x ? unix_alloc(kind, fl) : NULL;
    if (!y) {
        if (x)
            file_put(&x->f);
        return -ENOMEM;
    }
    x->peer = y;
    y->peer = x;
    x->state = y->state = US_CONNECTED;
    unix_set_cred(x);
    unix_set_cred(y);
    *a = &x->f;
    *b = &y->f;
    return 0;
}
