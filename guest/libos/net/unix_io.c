/* unix_io.c: AF_UNIX data: a write is queued on the reader's socket (stream pieces or whole
 * datagrams, kalloc'd: charged to --mem), descriptors ride along (SCM_RIGHTS); shutdown and
 * the socket options. */
#include "libos.h"
#include "fd/file.h"
#include "mm/kalloc.h"
#include "net/net.h"
#include "net/unix.h"

/* One stream piece: an allocation under 16 pages, which kalloc keeps for reuse rather than
 * handing back to the host on free. Small writes share a piece of SMALL_CAP bytes. */
#define CHUNK_MAX ((32u << 10) - 256)
#define SMALL_CAP (2048u - 16 - (uint32_t)sizeof(struct umsg))

static void sigpipe(int flags)
{
    if (!(flags & MSG_NOSIGNAL))
        sig_post(cur->tid, 13 /* SIGPIPE */);
}

static void drop_fds(struct file **fds, int nfds)
{
    for (int i = 0; i < nfds; i++)
        file_put(fds[i]);
}

/* A queued message of len bytes (room for cap) with the nfds references of fds (taken over
 * on success). */
static struct umsg *msg_new(const void *buf, size_t len, size_t cap, struct file **fds, int nfds)
{
    struct umsg *m = kalloc(sizeof *m + cap);
    if (!m)
        return NULL;
    if (nfds) {
        m->fds = kalloc(sizeof(struct file *) * (size_t)nfds);
        if (!m->fds) {
            kfree(m);
            return NULL;
        }
        memcpy(m->fds, fds, sizeof(struct file *) * (size_t)nfds);
        m->nfds = nfds;
    }
    memcpy(m->data, buf, len);
    m->len = (uint32_t)len;
    m->cap = (uint32_t)cap;
    return m;
}

static void enqueue(struct usock *t, struct umsg *m)
{
    if (t->rq_tail)
        t->rq_tail->next = m;
    else
        t->rq = m;
    t->rq_tail = m;
    t->rq_bytes += m->len;
    t->rq_mem += MSG_COST(m->len);
    t->rq_n++;
}

static void dequeue(struct usock *s)
{
    struct umsg *m = s->rq;
    s->rq = m->next;
    if (!s->rq)
        s->rq_tail = NULL;
    s->rq_bytes -= m->len - m->off;
    s->rq_mem -= MSG_COST(m->len);
    s->rq_n--;
    unix_msg_free(m);
}

/* Hands a message's descriptors to the receiver (fds, up to *nfds), or drops them. */
static void take_fds(struct umsg *m, int peek, struct file **fds, int *nfds, int *mflags)
{
    int cap = nfds ? *nfds : 0, got = 0;
    for (int i = 0; i < m->nfds; i++) {
        if (got < cap)
            fds[got++] = peek ? file_get(m->fds[i]) : m->fds[i];
        else {
            *mflags |= MSG_CTRUNC;
            if (!peek)
                file_put(m->fds[i]);
        }
    }
    if (nfds)
        *nfds = got;
    if (!peek) {
        kfree(m->fds);
        m->fds = NULL;
        m->nfds = 0;
    }
}

static long stream_send(struct usock *s, const void *buf, size_t n, int flags, const void *sa,
                        uint32_t salen, struct file **fds, int nfds)
{
    if (sa && salen)
        return s->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
    if (s->state != US_CONNECTED)
        return -ENOTCONN;
    struct usock *p = s->peer;
    if ((s->shut & SEND_SHUT) || !p || (p->shut & RCV_SHUT)) {
        sigpipe(flags);
        return -EPIPE;
    }
    size_t done = 0;
    while (done < n) {
        if (p->rq_mem + MSG_COST(1) > UNIX_QMAX)
            break;
        size_t k = n - done, room = UNIX_QMAX - p->rq_mem - sizeof(struct umsg);
        if (k > room)
            k = room;
        if (k > CHUNK_MAX)
            k = CHUNK_MAX;
        struct umsg *tail = p->rq_tail;
        if (!nfds && tail && !tail->nfds && tail->cap > tail->len) { /* fill the last piece */
            size_t a = tail->cap - tail->len < k ? tail->cap - tail->len : k;
            memcpy(tail->data + tail->len, (const char *)buf + done, a);
            tail->len += (uint32_t)a;
            p->rq_bytes += a;
            p->rq_mem += a;
            done += a;
            continue;
        }
        struct umsg *m = msg_new((const char *)buf + done, k, k < SMALL_CAP ? SMALL_CAP : k, fds, nfds);
        if (!m) {
            if (!done) {
                drop_fds(fds, nfds);
                return -ENOBUFS;
            }
            break;
        }
        nfds = 0; /* the first piece carries them */
        enqueue(p, m);
        done += k;
    }
    if (done)
        unix_notify(p, EPOLLIN);
    else if (n) {
        drop_fds(fds, nfds);
        return -EAGAIN; /* the reader notifies this socket as it takes data */
    }
    return (long)done;
}

static long stream_recv(struct usock *s, void *buf, size_t n, int flags,
                        struct file **fds, int *nfds, int *mflags)
{
    int peek = flags & MSG_PEEK, gotfds = 0;
    if (s->state != US_CONNECTED)
        return -EINVAL;
    if (!s->rq) {
        if (nfds)
            *nfds = 0;
        if (n == 0)
            return 0;
        if (s->err) {
            long e = s->err;
            if (!peek)
                s->err = 0;
            return e;
        }
        return (s->shut & RCV_SHUT) ? 0 : -EAGAIN;
    }
    /* MSG_WAITALL on a blocking socket: wait (the call re-runs) until the whole request is
     * queued, while it can be (EOF, an error or a request past the queue: what there is). */
    if ((flags & MSG_WAITALL) && !peek && !(flags & MSG_DONTWAIT) && !(s->f.flags & O_NONBLOCK) &&
        s->rq_bytes < n && n <= UNIX_QMAX / 2 && s->peer && !(s->shut & RCV_SHUT) && !s->err)
        return -EAGAIN;
    size_t got = 0, before = s->rq_mem;
    struct umsg *m = s->rq;
    uint32_t off = m->off;
    while (m && got < n) {
        /* Descriptors end a read: they go with the bytes written alongside them. */
        if (m->nfds || m->fds) {
            if (got)
                break;
            take_fds(m, peek, fds, nfds, mflags);
            gotfds = 1;
        }
        size_t k = m->len - off;
        if (k > n - got)
            k = n - got;
        memcpy((char *)buf + got, m->data + off, k);
        got += k;
        if (peek) {
            m = m->next;
            off = 0;
        } else if (off + k == m->len) {
            dequeue(s);
            m = s->rq;
            off = m ? m->off : 0;
        } else {
            m->off += (uint32_t)k;
            s->rq_bytes -= k;
            off = m->off;
        }
        if (gotfds)
            break;
    }
    if (!gotfds && nfds)
        *nfds = 0;
    if (!peek && s->peer && before * 4 > UNIX_QMAX && UNIX_WRITABLE(s))
        unix_notify(s->peer, EPOLLOUT); /* the writer's queue became writable */
    return (long)got;
}

static long msg_send(struct usock *s, const void *buf, size_t n, const void *sa, uint32_t salen,
                     struct file **fds, int nfds)
{
    struct usock *t;
    long r = 0;
    if (s->type == SOCK_SEQPACKET) {
        if (s->state != US_CONNECTED)
            r = -ENOTCONN;
        else if (!(t = s->peer))
            r = -EPIPE;
    } else if (sa && salen) {
        r = unix_lookup(sa, salen, &t);
        if (!r && t->type != s->type)
            r = -EPROTOTYPE;
        else if (!r && t->peer && t->peer != s)
            r = -EPERM; /* t is connected to another socket */
    } else if (!(t = s->peer)) {
        r = s->peer_gone ? -ECONNREFUSED : -ENOTCONN;
        s->peer_gone = 0;
    }
    if (!r && (n > (size_t)s->sndbuf - 32 || MSG_COST(n) > UNIX_QMAX))
        r = -EMSGSIZE; /* it could never be queued */
    if (!r && ((t->shut & RCV_SHUT) || (s->shut & SEND_SHUT)))
        r = -EPIPE;
    if (!r && (t->rq_mem + MSG_COST(n) > UNIX_QMAX ||
               (t->peer != s && t->rq_n > UNIX_DGRAM_QLEN))) {
        s->waiting_on = t;
        t->has_waiters = 1;
        r = -EAGAIN;
    }
    /* A sender passing credentials gets a name, as on Linux. */
    if (!r && !s->addr.len && s->passcred)
        r = unix_autobind(s);
    struct umsg *m = NULL;
    if (!r && !(m = msg_new(buf, n, n, fds, nfds)))
        r = -ENOBUFS;
    if (r) {
        drop_fds(fds, nfds);
        return r;
    }
    m->from = s->addr;
    enqueue(t, m);
    unix_notify(t, EPOLLIN);
    return (long)n;
}

static long msg_recv(struct usock *s, void *buf, size_t n, int flags, void *sa, uint32_t *salen,
                     struct file **fds, int *nfds, int *mflags)
{
    int peek = flags & MSG_PEEK;
    if (s->type == SOCK_SEQPACKET && s->state != US_CONNECTED)
        return -ENOTCONN;
    struct umsg *m = s->rq;
    if (!m) {
        if (nfds)
            *nfds = 0;
        if (s->err) {
            long e = s->err;
            if (!peek)
                s->err = 0;
            return e;
        }
        return (s->shut & RCV_SHUT) ? 0 : -EAGAIN;
    }
    size_t k = m->len < n ? m->len : n;
    memcpy(buf, m->data, k);
    if (k < m->len)
        *mflags |= MSG_TRUNC;
    if (sa && salen) {
        uint32_t cap = *salen;
        memcpy(sa, m->from.sa, cap < m->from.len ? cap : m->from.len);
        *salen = m->from.len; /* 0: an unnamed sender */
    }
    take_fds(m, peek, fds, nfds, mflags);
    long r = (flags & MSG_TRUNC) ? (long)m->len : (long)k;
    if (!peek) {
        size_t before = s->rq_mem;
        dequeue(s);
        unix_wake_waiters(s, 0);
        if (s->peer && before * 4 > UNIX_QMAX && UNIX_WRITABLE(s))
            unix_notify(s->peer, EPOLLOUT);
    }
    return r;
}

long unix_send_fds(struct file *f, const void *buf, size_t n, int flags, const void *sa,
                   uint32_t salen, struct file **fds, int nfds)
{
    struct usock *s = (struct usock *)f;
    if (flags & MSG_OOB) {
        drop_fds(fds, nfds);
        return -EOPNOTSUPP;
    }
    if (s->type == SOCK_STREAM)
        return stream_send(s, buf, n, flags, sa, salen, fds, nfds);
    return msg_send(s, buf, n, sa, salen, fds, nfds);
}

long unix_recv_fds(struct file *f, void *buf, size_t n, int flags, void *sa, uint32_t *salen,
                   struct file **fds, int *nfds, int *mflags)
{
    struct usock *s = (struct usock *)f;
    int mf = 0;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    long r;
    if (s->type == SOCK_STREAM) {
        r = stream_recv(s, buf, n, flags, fds, nfds, &mf);
        if (r >= 0 && sa && salen) { /* the writer's name, as Linux gives it */
            struct usock *p = s->peer;
            uint32_t cap = *salen;
            *salen = p ? p->addr.len : 0;
            memcpy(sa, p ? p->addr.sa : "", cap < *salen ? cap : *salen);
        }
    } else {
        r = msg_recv(s, buf, n, flags, sa, salen, fds, nfds, &mf);
    }
    if (mflags)
        *mflags = mf;
    return r;
}

long unix_send(struct file *f, const void *buf, size_t n, int flags, const void *sa, uint32_t salen)
{
    return unix_send_fds(f, buf, n, flags, sa, salen, NULL, 0);
}

long unix_recv(struct file *f, void *buf, size_t n, int flags, void *sa, uint32_t *salen)
{
    return unix_recv_fds(f, buf, n, flags, sa, salen, NULL, NULL, NULL);
}

int unix_shutdown(struct file *f, int how)
{
    struct usock *s = (struct usock *)f;
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    int mode = how + 1; /* SHUT_RD -> RCV_SHUT, SHUT_WR -> SEND_SHUT */
    s->shut |= mode;
    struct usock *p = s->peer;
    if (p && s->type != SOCK_DGRAM) {
        p->shut |= ((mode & RCV_SHUT) ? SEND_SHUT : 0) | ((mode & SEND_SHUT) ? RCV_SHUT : 0);
        unix_notify(p, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLRDHUP);
    }
    unix_notify(s, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLRDHUP);
    unix_wake_waiters(s, 1);
    return 0;
}

/* SO_SNDBUF/SO_RCVBUF as Linux sets them: doubled (for its bookkeeping), within bounds. */
static int buf_size(int v, int min, int force)
{
    if (v < 0)
        v = 0;
    if (!force && v > 212992)
        v = 212992; /* net.core.[wr]mem_max */
    if (v > 0x3fffffff)
        v = 0x3fffffff;
    v *= 2;
    return v < min ? min : v;
}

int unix_setopt(struct file *f, int level, int name, const void *val, uint32_t len)
{
    struct usock *s = (struct usock *)f;
    int v;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if (name == SO_LINGER) {
        if (len < 8)
            return -EINVAL;
        memcpy(s->linger, val, 8);
        return 0;
    }
    if (len < sizeof v)
        return -EINVAL;
    memcpy(&v, val, sizeof v);
    switch (name) {
    case SO_PASSCRED: s->passcred = v != 0; return 0;
    case SO_REUSEADDR: s->opt_reuseaddr = v != 0; return 0;
    case SO_KEEPALIVE: s->opt_keepalive = v != 0; return 0;
    case SO_SNDBUF: case SO_SNDBUFFORCE:
        s->sndbuf = buf_size(v, 4608, name == SO_SNDBUFFORCE);
        return 0;
    case SO_RCVBUF: case SO_RCVBUFFORCE:
        s->rcvbuf = buf_size(v, 2304, name == SO_RCVBUFFORCE);
        return 0;
    case SO_REUSEPORT: case SO_DEBUG: case SO_DONTROUTE: case SO_OOBINLINE:
    case SO_RCVLOWAT: case SO_BROADCAST:
        return 0; /* accepted: nothing to do in memory */
    }
    return -ENOPROTOOPT;
}

int unix_getopt(struct file *f, int level, int name, void *val, uint32_t *len)
{
    struct usock *s = (struct usock *)f;
    int v;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    const void *src = &v;
    uint32_t size = sizeof v;
    switch (name) {
    case SO_TYPE: v = s->type; break;
    case SO_DOMAIN: v = AF_UNIX; break;
    case SO_PROTOCOL: v = 0; break;
    case SO_ERROR: v = -s->err; s->err = 0; break;
    case SO_ACCEPTCONN: v = s->state == US_LISTEN; break;
    case SO_SNDBUF: v = s->sndbuf; break;
    case SO_RCVBUF: v = s->rcvbuf; break;
    case SO_PASSCRED: v = s->passcred; break;
    case SO_REUSEADDR: v = s->opt_reuseaddr; break;
    case SO_KEEPALIVE: v = s->opt_keepalive; break;
    case SO_REUSEPORT: v = 0; break;
    case SO_LINGER: src = s->linger; size = 8; break;
    case SO_PEERCRED: src = s->cred; size = 12; break;
    default: return -ENOPROTOOPT;
    }
    uint32_t n = *len < size ? *len : size;
    memcpy(val, src, n);
    *len = n;
    return 0;
}
