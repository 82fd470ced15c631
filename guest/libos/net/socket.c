/* socket.c: TCP sockets (AF_INET and AF_INET6, SOCK_STREAM) on the shared open file, over lwIP's raw API:
 * lwIP's callbacks fill the socket and announce readiness on its pollq; the ops never block. */
#include "libos.h"
#include "fd/file.h"
#include "net/net.h"
#include "net/sock.h"
#include "lwip/tcp.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"

static const struct file_ops tcp_ops;

/* IPPROTO_IPV6 options (the rest of the levels are in linux/socket.h). */
#define IPV6_UNICAST_HOPS 16
#define IPV6_MULTICAST_HOPS 18
#define IPV6_MULTICAST_LOOP 19
#define IPV6_RECVERR 25
#define IPV6_RECVTCLASS 66
#define IPV6_TCLASS 67
/* What Linux reports as the MSS of a socket with no connection yet (TCP_MSS_DEFAULT). */
#define LINUX_TCP_MSS_DEFAULT 536

static int err_to_errno(err_t e)
{
    switch (e) {
    case ERR_OK: return 0;
    case ERR_MEM: return -ENOMEM;
    case ERR_BUF: return -ENOBUFS;
    case ERR_TIMEOUT: return -ETIMEDOUT;
    case ERR_RTE: return -ENETUNREACH;
    case ERR_INPROGRESS: return -EINPROGRESS;
    case ERR_VAL: return -EINVAL;
    case ERR_WOULDBLOCK: return -EAGAIN;
    case ERR_USE: return -EADDRINUSE;
    case ERR_ALREADY: return -EALREADY;
    case ERR_ISCONN: return -EISCONN;
    case ERR_CONN: return -ENOTCONN;
    case ERR_IF: return -ENETDOWN;
    case ERR_ABRT: return -ECONNABORTED;
    case ERR_RST: return -ECONNRESET;
    case ERR_CLSD: return -ENOTCONN;
    case ERR_ARG: return -EINVAL;
    default: return -EIO;
    }
}

static void notify(struct sock *s, uint32_t ev)
{
    pollq_notify(&s->pq, ev);
}

/* ---- lwIP callbacks (run from net_poll or from inside an op's tcp_output) ---- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct sock *s = arg;
    (void)err;
    if (!s) { /* closed socket: lwIP's default would do the same */
        if (p) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (!p) {
        s->rx_eof = 1;
        notify(s, EPOLLIN | EPOLLRDHUP);
        return ERR_OK;
    }
    if (s->shut_rd) { /* Linux drops data after SHUT_RD too */
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    struct rxseg *g = kalloc(sizeof *g);
    if (!g)
        return ERR_MEM; /* lwIP holds the data and offers it again later */
    g->p = p;
    if (s->rx_tail)
        s->rx_tail->next = g;
    else
        s->rx = g;
    s->rx_tail = g;
    s->rx_bytes += p->tot_len;
    notify(s, EPOLLIN);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct sock *s = arg;
    (void)pcb; (void)len;
    if (s)
        notify(s, EPOLLOUT);
    return ERR_OK;
}

/* The pcb is gone (lwIP freed it): reset, refused, timed out or aborted. */
static void on_err(void *arg, err_t err)
{
    struct sock *s = arg;
    if (!s)
        return;
    s->pcb = NULL;
    if (s->state == SS_CONNECTING)
        s->err = err == ERR_RST ? -ECONNREFUSED : err == ERR_ABRT ? -ETIMEDOUT : err_to_errno(err);
    else if (err == ERR_RST)
        s->err = -ECONNRESET;
    else if (err == ERR_ABRT)
        s->err = -ETIMEDOUT;
    else if (err != ERR_CLSD)
        s->err = err_to_errno(err);
    s->state = SS_CLOSED;
    s->rx_eof = 1;
    notify(s, EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDHUP);
}

static void set_callbacks(struct tcp_pcb *pcb, struct sock *s)
{
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
}

static void remember_names(struct sock *s)
{
    if (!s->pcb)
        return;
    s->lport = s->pcb->local_port;
    ip_addr_copy(s->laddr, s->pcb->local_ip);
    if (s->state == SS_CONNECTED || s->state == SS_CONNECTING) {
        s->rport = s->pcb->remote_port;
        ip_addr_copy(s->raddr, s->pcb->remote_ip);
    }
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sock *s = arg;
    (void)pcb;
    if (!s)
        return ERR_OK;
    if (err != ERR_OK) {
        s->err = err_to_errno(err);
        s->state = SS_CLOSED;
    } else {
        s->state = SS_CONNECTED;
        remember_names(s);
    }
    notify(s, EPOLLOUT);
    return ERR_OK;
}

static struct sock *sock_alloc(int family, int type, int flags)
{
    struct sock *s = kalloc(sizeof *s);
    if (!s)
        return NULL;
    file_init(&s->f, &tcp_ops, O_RDWR | (flags & O_NONBLOCK), &s->pq);
    s->f.ino = file_next_ino();
    s->family = family;
    s->type = type;
    s->sndbuf = TCP_SND_BUF;
    s->rcvbuf = TCP_WND;
    return s;
}

static err_t on_accept(void *arg, struct tcp_pcb *npcb, err_t err)
{
    struct sock *ls = arg;
    if (!ls || err != ERR_OK || !npcb)
        return ERR_VAL;
    struct sock *s = sock_alloc(ls->family, SOCK_STREAM, 0);
    if (!s)
        return ERR_MEM; /* lwIP aborts the connection */
    s->v6only = ls->v6only;
    s->pcb = npcb;
    s->state = SS_CONNECTED;
    s->opt_nodelay = ls->opt_nodelay;
    set_callbacks(npcb, s);
    remember_names(s);
    if (ls->opt_nodelay)
        tcp_nagle_disable(npcb);
    /* Counted against the backlog until accept() takes it. */
    tcp_backlog_delayed(npcb);
    if (ls->q_tail)
        ls->q_tail->q_next = s;
    else
        ls->q_head = s;
    ls->q_tail = s;
    ls->q_len++;
    notify(ls, EPOLLIN);
    return ERR_OK;
}

/* ---- the file ops ---- */

/* Window credit back to lwIP for bytes the app took (tcp_recved counts in u16). */
static void rx_credit(struct sock *s, size_t n)
{
    while (n && s->pcb) {
        u16_t k = n > 0xffff ? 0xffff : (u16_t)n;
        tcp_recved(s->pcb, k);
        n -= k;
    }
}

static void rx_drop_head(struct sock *s)
{
    struct rxseg *g = s->rx;
    s->rx = g->next;
    if (!s->rx)
        s->rx_tail = NULL;
    s->rx_bytes -= g->p->tot_len - s->rx_off;
    s->rx_off = 0;
    pbuf_free(g->p);
    kfree(g);
}

static void rx_drop_all(struct sock *s)
{
    while (s->rx)
        rx_drop_head(s);
}

static long rx_copy(struct sock *s, void *buf, size_t n, int peek)
{
    size_t got = 0, off = s->rx_off;
    for (struct rxseg *g = s->rx; g && got < n;) {
        size_t avail = g->p->tot_len - off;
        size_t k = avail < n - got ? avail : n - got;
        pbuf_copy_partial(g->p, (char *)buf + got, (u16_t)k, (u16_t)off);
        got += k;
        if (peek) {
            g = g->next;
            off = 0;
        } else if (k == avail) {
            rx_drop_head(s);
            g = s->rx;
            off = 0;
        } else {
            s->rx_off += k;
            s->rx_bytes -= k;
            off = s->rx_off;
        }
    }
    if (!peek)
        rx_credit(s, got);
    return (long)got;
}

static long do_recv(struct sock *s, void *buf, size_t n, int flags)
{
    if (s->state == SS_LISTEN)
        return -ENOTCONN;
    if (s->rx && n)
        return rx_copy(s, buf, n, flags & MSG_PEEK);
    if (n == 0 && s->state == SS_CONNECTED)
        return 0;
    if (s->err) {
        long e = s->err;
        if (!(flags & MSG_PEEK))
            s->err = 0;
        return e;
    }
    if (s->rx_eof || s->shut_rd)
        return 0;
    if (s->state == SS_NEW)
        return -ENOTCONN;
    if (s->state == SS_CLOSED)
        return 0;
    return -EAGAIN;
}

/* The bytes queued and not yet sent: a corked socket sends once a full segment is there. */
static size_t unsent_bytes(struct tcp_pcb *p)
{
    size_t n = 0;
    for (struct tcp_seg *g = p->unsent; g; g = g->next)
        n += g->len;
    return n;
}

static long do_send(struct sock *s, const void *buf, size_t n, int flags)
{
    if (s->err) {
        long e = s->err;
        s->err = 0;
        return e;
    }
    if (s->state == SS_CONNECTING)
        return -EAGAIN;
    if (s->state != SS_CONNECTED || s->shut_wr || !s->pcb) {
        if (!(flags & MSG_NOSIGNAL))
            sig_post(cur->tid, 13 /* SIGPIPE */);
        return -EPIPE;
    }
    size_t done = 0;
    while (done < n) {
        size_t room = tcp_sndbuf(s->pcb);
        if (room == 0 || tcp_sndqueuelen(s->pcb) >= TCP_SND_QUEUELEN - 4)
            break;
        size_t k = n - done;
        if (k > room)
            k = room;
        if (k > 0xffff)
            k = 0xffff;
        u8_t wf = TCP_WRITE_FLAG_COPY | ((flags & MSG_MORE) || done + k < n ? TCP_WRITE_FLAG_MORE : 0);
        err_t e = tcp_write(s->pcb, (const char *)buf + done, (u16_t)k, wf);
        if (e == ERR_MEM)
            break;
        if (e != ERR_OK) {
            if (!done)
                return err_to_errno(e);
            break;
        }
        done += k;
    }
    if (s->pcb && (!s->opt_cork || unsent_bytes(s->pcb) >= tcp_mss(s->pcb)))
        tcp_output(s->pcb);
    if (!done && n)
        return -EAGAIN;
    return (long)done;
}

static long tcp_read_op(struct file *f, void *buf, size_t n, uint64_t *off)
{
    (void)off;
    return do_recv((struct sock *)f, buf, n, 0);
}

static long tcp_write_op(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    (void)off;
    return do_send((struct sock *)f, buf, n, 0);
}

static uint32_t tcp_poll_op(struct file *f)
{
    struct sock *s = (struct sock *)f;
    uint32_t ev = 0;
    switch (s->state) {
    case SS_NEW:
        return EPOLLOUT | EPOLLHUP; /* as Linux reports an unconnected stream socket */
    case SS_LISTEN:
        return s->q_head ? EPOLLIN : 0;
    case SS_CONNECTING:
        return 0;
    case SS_CONNECTED:
        if (s->rx || s->rx_eof || s->shut_rd)
            ev |= EPOLLIN;
        if (s->rx_eof)
            ev |= EPOLLRDHUP;
        if (s->pcb && !s->shut_wr && tcp_sndbuf(s->pcb) > 0 &&
            tcp_sndqueuelen(s->pcb) < TCP_SND_QUEUELEN - 4)
            ev |= EPOLLOUT;
        if (s->rx_eof && s->shut_wr)
            ev |= EPOLLHUP;
        break;
    case SS_CLOSED:
        ev = EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLRDHUP;
        break;
    }
    if (s->err)
        ev |= EPOLLERR;
    return ev;
}

static long rx_pending(struct sock *s)
{
    return (long)s->rx_bytes;
}

static long tcp_ioctl_op(struct file *f, unsigned long req, uint64_t arg)
{
    struct sock *s = (struct sock *)f;
    int v;
    switch (req) {
    case FIONREAD:
        v = (int)rx_pending(s);
        break;
    case SIOCOUTQ:
        v = s->pcb ? (int)(TCP_SND_BUF - tcp_sndbuf(s->pcb)) : 0;
        break;
    default:
        return -ENOTTY;
    }
    return copy_to_user(arg, &v, sizeof v);
}

long sock_stat_op(struct file *f, struct kstat *st)
{
    memset(st, 0, sizeof *st);
    st->ino = f->ino;
    st->mode = S_IFSOCK | 0777;
    st->nlink = 1;
    st->blksize = 4096;
    return 0;
}

long sock_path_op(struct file *f, char *buf, size_t n)
{
    return lib_snprintf(buf, n, "socket:[%lu]", (unsigned long)f->ino);
}

/* Closes the pcb the socket holds: pending data is still sent (lwIP keeps the pcb until the
 * FIN is acknowledged); if lwIP has no memory for the FIN, the connection is reset. */
static void pcb_close(struct tcp_pcb *pcb, int listening)
{
    if (!listening) {
        tcp_arg(pcb, NULL);
        tcp_sent(pcb, NULL);
        tcp_err(pcb, NULL);
        tcp_recv(pcb, on_recv); /* with arg NULL: discards what still arrives */
    } else {
        tcp_arg(pcb, NULL);
        tcp_accept(pcb, NULL);
    }
    if (tcp_close(pcb) != ERR_OK && !listening)
        tcp_abort(pcb);
}

static void sock_free(struct sock *s)
{
    rx_drop_all(s);
    kfree(s);
}

static void tcp_release_op(struct file *f)
{
    struct sock *s = (struct sock *)f;
    /* Connections nobody accepted are reset, as Linux does. */
    while (s->q_head) {
        struct sock *c = s->q_head;
        s->q_head = c->q_next;
        if (c->pcb) {
            tcp_arg(c->pcb, NULL);
            tcp_abort(c->pcb);
        }
        sock_free(c);
    }
    if (s->pcb) {
        struct tcp_pcb *pcb = s->pcb;
        s->pcb = NULL;
        if (s->rx && s->state != SS_LISTEN) {
            /* Unread data at close: reset (Linux sends RST too). */
            tcp_arg(pcb, NULL);
            tcp_abort(pcb);
        } else {
            pcb_close(pcb, s->state == SS_LISTEN);
        }
    }
    sock_free(s);
}

static const struct file_ops tcp_ops = {
    .kind = "socket", .read = tcp_read_op, .write = tcp_write_op, .poll = tcp_poll_op,
    .ioctl = tcp_ioctl_op, .stat = sock_stat_op, .path = sock_path_op, .release = tcp_release_op,
};

/* ---- the calls ---- */

struct file *sock_of(struct file *f)
{
    return f && (f->ops == &tcp_ops || udp_is(f)) ? f : NULL;
}

int sock_is_dgram(struct file *f)
{
    return udp_is(f);
}

int sock_create(int domain, int type, int protocol, struct file **out)
{
    int kind = type & SOCK_TYPE_MASK;
    if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    if (domain != AF_INET && domain != AF_INET6)
        return -EAFNOSUPPORT;
    if (kind != SOCK_STREAM && kind != SOCK_DGRAM)
        return kind == SOCK_RAW ? -EPERM : -ESOCKTNOSUPPORT;
    if (protocol != 0 && protocol != (kind == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP))
        return -EPROTONOSUPPORT;
    int r = net_start();
    if (r)
        return r;
    if (kind == SOCK_DGRAM)
        return udp_sock_create(domain, type & SOCK_NONBLOCK ? O_NONBLOCK : 0, out);
    struct sock *s = sock_alloc(domain, kind, type & SOCK_NONBLOCK ? O_NONBLOCK : 0);
    if (!s)
        return -ENOMEM;
    /* An AF_INET6 pcb takes either version until bind or connect fixes it. */
    s->pcb = tcp_new_ip_type(domain == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
    if (!s->pcb) {
        kfree(s);
        return -ENOBUFS;
    }
    set_callbacks(s->pcb, s);
    *out = &s->f;
    return 0;
}

/* Whether two local addresses cover a common one (the dual-stack any covers both versions). */
static int addr_overlap(const ip_addr_t *x, const ip_addr_t *y)
{
    if (!IP_IS_ANY_TYPE_VAL(*x) && !IP_IS_ANY_TYPE_VAL(*y) && IP_GET_TYPE(x) != IP_GET_TYPE(y))
        return 0;
    return ip_addr_isany(x) || ip_addr_isany(y) || ip_addr_cmp(x, y);
}

/* Linux refuses a port a listener holds, SO_REUSEADDR or not; lwIP lets two SO_REUSEADDR
 * pcbs share it, and its own check misses a dual-stack any against IPv6's any. */
static int listener_holds(const ip_addr_t *a, uint16_t port)
{
    for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l && port; l = l->next) {
        if (l->local_port == port && addr_overlap(&l->local_ip, a))
            return 1;
    }
    return 0;
}

int sock_bind(struct file *f, const void *sa, uint32_t len)
{
    struct sock *s = (struct sock *)f;
    ip_addr_t a;
    uint16_t port;
    int r = sa_parse(s, sa, len, &a, &port);
    if (r)
        return r == -ENETUNREACH ? -EINVAL : r;
    if (!sa_local_ok(&a))
        return -EADDRNOTAVAIL;
    if (udp_is(f))
        return udp_sock_bind(s, &a, port);
    if (s->bound || s->state != SS_NEW || !s->pcb)
        return -EINVAL;
    if (listener_holds(&a, port))
        return -EADDRINUSE;
    if (s->opt_reuseaddr)
        ip_set_option(s->pcb, SOF_REUSEADDR);
    err_t e = tcp_bind(s->pcb, &a, port);
    if (e != ERR_OK)
        return err_to_errno(e);
    s->bound = 1;
    remember_names(s);
    return 0;
}

int sock_listen(struct file *f, int backlog)
{
    struct sock *s = (struct sock *)f;
    if (udp_is(f))
        return -EOPNOTSUPP;
    if (s->state == SS_LISTEN) {
        return 0; /* Linux adjusts the backlog; lwIP keeps its own */
    }
    if (s->state != SS_NEW || !s->pcb)
        return -EINVAL;
    if (!s->bound) {
        err_t e = tcp_bind(s->pcb, sock_any(s), 0);
        if (e != ERR_OK)
            return err_to_errno(e);
        s->bound = 1;
    }
    if (backlog < 1)
        backlog = 1;
    if (backlog > 255)
        backlog = 255;
    err_t e = ERR_OK;
    struct tcp_pcb *l = tcp_listen_with_backlog_and_err(s->pcb, (u8_t)backlog, &e);
    if (!l)
        return e == ERR_OK ? -ENOBUFS : err_to_errno(e);
    s->pcb = l; /* the old pcb was freed by lwIP */
    s->state = SS_LISTEN;
    tcp_arg(l, s);
    tcp_accept(l, on_accept);
    remember_names(s);
    return 0;
}

int sock_accept(struct file *f, int flags, struct file **out, void *sa, uint32_t *len)
{
    struct sock *s = (struct sock *)f;
    if (udp_is(f))
        return -EOPNOTSUPP;
    if (s->state != SS_LISTEN)
        return -EINVAL;
    struct sock *c = s->q_head;
    if (!c)
        return -EAGAIN;
    s->q_head = c->q_next;
    if (!s->q_head)
        s->q_tail = NULL;
    s->q_len--;
    c->q_next = NULL;
    if (c->pcb)
        tcp_backlog_accepted(c->pcb);
    if (flags & SOCK_NONBLOCK)
        c->f.flags |= O_NONBLOCK;
    if (sa && len)
        *len = sa_format(c, sa, *len, &c->raddr, c->rport);
    *out = &c->f;
    return 0;
}

int sock_connect(struct file *f, const void *sa, uint32_t len, int restarted)
{
    struct sock *s = (struct sock *)f;
    if (udp_is(f)) {
        uint16_t fam = 0;
        if (len >= 2)
            memcpy(&fam, sa, 2);
        if (fam == AF_UNSPEC)
            return udp_sock_connect(s, 1, NULL, 0);
        ip_addr_t a;
        uint16_t port;
        int r = sa_parse(s, sa, len, &a, &port);
        if (r == -ENETUNREACH && fam == AF_INET)
            r = -EAFNOSUPPORT; /* Linux: AF_INET on an IPV6_V6ONLY datagram socket */
        return r ? r : udp_sock_connect(s, 0, &a, port);
    }
    switch (s->state) {
    case SS_CONNECTED:
        return restarted ? 0 : -EISCONN;
    case SS_CONNECTING:
        return restarted ? -EAGAIN : -EALREADY;
    case SS_LISTEN:
        return -EISCONN;
    case SS_CLOSED:
        if (restarted && s->err) {
            int e = s->err;
            s->err = 0;
            return e;
        }
        return -EINVAL;
    case SS_NEW:
        break;
    }
    ip_addr_t a;
    uint16_t port;
    int r = sa_parse(s, sa, len, &a, &port);
    if (r)
        return r;
    if (!s->pcb)
        return -EINVAL;
    sa_any_to_loopback(&a); /* Linux: the any address means this host */
    s->state = SS_CONNECTING;
    err_t e = tcp_connect(s->pcb, &a, port, on_connected);
    if (e != ERR_OK) {
        s->state = SS_NEW;
        return e == ERR_RTE ? -ENETUNREACH : err_to_errno(e);
    }
    s->bound = 1;
    remember_names(s);
    return -EINPROGRESS;
}

int sock_name(struct file *f, int peer, void *sa, uint32_t *len)
{
    struct sock *s = (struct sock *)f;
    if (udp_is(f)) {
        ip_addr_t a;
        uint16_t p;
        int r = udp_sock_names(s, peer, &a, &p);
        if (r == 0)
            *len = sa_format(s, sa, *len, &a, p);
        return r;
    }
    if (peer) {
        if (s->state != SS_CONNECTED && !(s->state == SS_CLOSED && s->rport))
            return -ENOTCONN;
        *len = sa_format(s, sa, *len, &s->raddr, s->rport);
        return 0;
    }
    remember_names(s);
    *len = sa_format(s, sa, *len, &s->laddr, s->lport);
    return 0;
}

int sock_shutdown(struct file *f, int how)
{
    struct sock *s = (struct sock *)f;
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    if (udp_is(f))
        return udp_sock_shutdown(s, how);
    if (s->state != SS_CONNECTED)
        return s->state == SS_LISTEN || s->state == SS_CLOSED ? 0 : -ENOTCONN;
    if (how != SHUT_WR) {
        s->shut_rd = 1;
        rx_credit(s, s->rx_bytes);
        rx_drop_all(s);
    }
    if (how != SHUT_RD && !s->shut_wr && s->pcb) {
        s->shut_wr = 1;
        err_t e = tcp_shutdown(s->pcb, 0, 1);
        if (e != ERR_OK)
            return err_to_errno(e);
    }
    notify(s, EPOLLIN | EPOLLOUT | EPOLLHUP);
    return 0;
}

static int get_int(const void *val, uint32_t len, int *v)
{
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(v, val, sizeof *v);
    return 0;
}

int sock_setopt(struct file *f, int level, int name, const void *val, uint32_t len)
{
    struct sock *s = (struct sock *)f;
    int v = 0;
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_LINGER:
            if (len < 8)
                return -EINVAL;
            memcpy(&s->linger, val, 8);
            return 0;
        }
        int r = get_int(val, len, &v);
        if (r)
            return r;
        switch (name) {
        case SO_REUSEADDR:
            s->opt_reuseaddr = v != 0;
            if (s->pcb && !udp_is(f)) {
                if (v)
                    ip_set_option(s->pcb, SOF_REUSEADDR);
                else
                    ip_reset_option(s->pcb, SOF_REUSEADDR);
            }
            return 0;
        case SO_BROADCAST:
            if (udp_is(f))
                udp_sock_broadcast(s, v != 0);
            s->opt_broadcast = v != 0;
            return 0;
        case SO_REUSEPORT: case SO_DEBUG: case SO_DONTROUTE:
        case SO_OOBINLINE: case SO_RCVLOWAT:
            return 0; /* accepted */
        case SO_KEEPALIVE:
            s->opt_keepalive = v != 0;
            if (s->pcb && !udp_is(f) && s->state != SS_LISTEN) {
                if (v)
                    ip_set_option(s->pcb, SOF_KEEPALIVE);
                else
                    ip_reset_option(s->pcb, SOF_KEEPALIVE);
            }
            return 0;
        case SO_SNDBUF:
            s->sndbuf = v;
            return 0;
        case SO_RCVBUF:
            s->rcvbuf = v;
            return 0;
        }
        return -ENOPROTOOPT;
    }
    if (level == IPPROTO_TCP) {
        int r = get_int(val, len, &v);
        if (r)
            return r;
        if (udp_is(f))
            return -EOPNOTSUPP;
        struct tcp_pcb *p = s->state == SS_LISTEN ? NULL : s->pcb;
        switch (name) {
        case TCP_NODELAY:
            s->opt_nodelay = v != 0;
            if (p) {
                if (v)
                    tcp_nagle_disable(p);
                else
                    tcp_nagle_enable(p);
            }
            return 0;
        case TCP_CORK:
            /* As Linux: while set, what is written waits until a full segment is queued;
             * clearing it sends the rest now. (Linux's 200 ms ceiling is not kept: an
             * arriving ACK may send a partial segment earlier, lwIP's tcp_input outputs.) */
            s->opt_cork = v != 0;
            if (!v && p)
                tcp_output(p);
            return 0;
        case TCP_KEEPIDLE: case TCP_KEEPINTVL:
            if (v < 1 || v > 32767)
                return -EINVAL;
            if (p) {
                if (name == TCP_KEEPIDLE)
                    p->keep_idle = (u32_t)v * 1000;
                else
                    p->keep_intvl = (u32_t)v * 1000;
            }
            return 0;
        case TCP_KEEPCNT:
            if (v < 1 || v > 127)
                return -EINVAL;
            if (p)
                p->keep_cnt = (u32_t)v;
            return 0;
        case TCP_MAXSEG: case TCP_QUICKACK: case TCP_USER_TIMEOUT: case TCP_FASTOPEN:
        case TCP_FASTOPEN_CONNECT:
            return 0; /* accepted */
        }
        return -ENOPROTOOPT;
    }
    if (level == IPPROTO_IP) {
        /* IP_RECVERR: accepted (glibc's resolver sets it and gives up if it fails); no
         * error queue is kept, so an ICMP error shows as a lost answer (its timeout). */
        if (name == IP_TOS || name == IP_TTL || name == IP_RECVERR)
            return 0;
        return -ENOPROTOOPT;
    }
    if (level == IPPROTO_IPV6 && s->family == AF_INET6) {
        int r = get_int(val, len, &v);
        if (r)
            return r;
        switch (name) {
        case IPV6_V6ONLY:
            if (s->bound || s->state != SS_NEW)
                return -EINVAL; /* Linux: fixed once the socket has a port */
            s->v6only = v != 0;
            return 0;
        case IPV6_UNICAST_HOPS: case IPV6_MULTICAST_HOPS: case IPV6_MULTICAST_LOOP:
        case IPV6_TCLASS: case IPV6_RECVTCLASS: case IPV6_RECVERR:
            return 0; /* accepted (IPV6_RECVERR: no error queue, as IP_RECVERR) */
        }
        return -ENOPROTOOPT;
    }
    return -ENOPROTOOPT;
}

/* TCP_INFO: Linux's struct tcp_info up to tcpi_total_retrans (104 bytes; the length says
 * where it ends), from lwIP's pcb: state, retransmissions, window scales, RTO, MSS,
 * segments unacknowledged, RTT and its variance, congestion window and threshold. */
#define TCP_INFO_LEN 104
static void put32(uint8_t *b, int off, uint64_t v)
{
    uint32_t x = v > 0xffffffffu ? 0xffffffffu : (uint32_t)v;
    memcpy(b + off, &x, 4);
}

static int tcp_info(struct sock *s, void *val, uint32_t *len)
{
    /* lwIP's enum tcp_state (CLOSED .. TIME_WAIT) in Linux's numbers */
    static const uint8_t linux_state[] = { 7, 10, 2, 3, 1, 4, 5, 8, 11, 9, 6 };
    uint8_t b[TCP_INFO_LEN] = { 0 };
    struct tcp_pcb *p = s->pcb;
    if (s->state == SS_LISTEN) {
        b[0] = 10;
    } else if (!p) {
        b[0] = 7;
    } else {
        uint32_t mss = tcp_mss(p) ? tcp_mss(p) : LINUX_TCP_MSS_DEFAULT, unacked = 0;
        for (struct tcp_seg *g = p->unacked; g; g = g->next)
            unacked++;
        uint64_t tick_us = TCP_SLOW_INTERVAL * 1000ULL;
        b[0] = p->state < sizeof linux_state ? linux_state[p->state] : 7;
        b[2] = p->nrtx;
#if LWIP_WND_SCALE
        if (p->flags & TF_WND_SCALE) {
            b[5] |= 4; /* TCPI_OPT_WSCALE */
            b[6] = (uint8_t)((p->snd_scale & 15) | (p->rcv_scale & 15) << 4);
        }
#endif
        put32(b, 8, (uint64_t)(p->rto > 0 ? p->rto : 0) * tick_us); /* tcpi_rto, us */
        put32(b, 16, mss);                                            /* tcpi_snd_mss */
        put32(b, 20, p->mss);                                         /* tcpi_rcv_mss */
        put32(b, 24, unacked);                                        /* tcpi_unacked */
        put32(b, 60, mss + 40);                                       /* tcpi_pmtu */
        put32(b, 68, (uint64_t)(p->sa > 0 ? p->sa >> 3 : 0) * tick_us); /* tcpi_rtt */
        put32(b, 72, (uint64_t)(p->sv > 0 ? p->sv >> 2 : 0) * tick_us); /* tcpi_rttvar */
        put32(b, 76, p->ssthresh / mss);                              /* tcpi_snd_ssthresh */
        put32(b, 80, p->cwnd / mss);                                  /* tcpi_snd_cwnd */
        put32(b, 84, p->mss);                                         /* tcpi_advmss */
        put32(b, 88, 3);                                              /* tcpi_reordering */
        put32(b, 96, p->rcv_wnd);                                     /* tcpi_rcv_space */
    }
    uint32_t n = *len < sizeof b ? *len : (uint32_t)sizeof b;
    memcpy(val, b, n);
    *len = n;
    return 0;
}

int sock_getopt(struct file *f, int level, int name, void *val, uint32_t *len)
{
    struct sock *s = (struct sock *)f;
    int v;
    if (level == IPPROTO_TCP && name == TCP_INFO && !udp_is(f))
        return tcp_info(s, val, len);
    if (level == SOL_SOCKET && name == SO_LINGER) {
        uint32_t n = *len < 8 ? *len : 8;
        memcpy(val, &s->linger, n);
        *len = n;
        return 0;
    }
    struct tcp_pcb *p = s->state == SS_LISTEN ? NULL : s->pcb;
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_TYPE: v = s->type; break;
        case SO_DOMAIN: v = s->family; break;
        case SO_PROTOCOL: v = udp_is(f) ? IPPROTO_UDP : IPPROTO_TCP; break;
        case SO_ERROR: v = -s->err; s->err = 0; break;
        case SO_REUSEADDR: v = s->opt_reuseaddr; break;
        case SO_KEEPALIVE: v = s->opt_keepalive; break;
        case SO_SNDBUF: v = s->sndbuf; break;
        case SO_RCVBUF: v = s->rcvbuf; break;
        case SO_ACCEPTCONN: v = s->state == SS_LISTEN; break;
        case SO_BROADCAST: v = s->opt_broadcast; break;
        case SO_REUSEPORT: v = 0; break;
        default: return -ENOPROTOOPT;
        }
    } else if (level == IPPROTO_IPV6 && s->family == AF_INET6 && name == IPV6_V6ONLY) {
        v = s->v6only;
    } else if (level == IPPROTO_TCP && !udp_is(f)) {
        switch (name) {
        case TCP_NODELAY: v = s->opt_nodelay; break;
        case TCP_CORK: v = s->opt_cork; break;
        case TCP_KEEPIDLE: v = p ? (int)(p->keep_idle / 1000) : 7200; break;
        case TCP_KEEPINTVL: v = p ? (int)(p->keep_intvl / 1000) : 75; break;
        case TCP_KEEPCNT: v = p ? (int)p->keep_cnt : 9; break;
        case TCP_MAXSEG: v = p && tcp_mss(p) ? (int)tcp_mss(p) : LINUX_TCP_MSS_DEFAULT; break;
        default: return -ENOPROTOOPT;
        }
    } else {
        return -ENOPROTOOPT;
    }
    uint32_t n = *len < sizeof v ? *len : sizeof v;
    memcpy(val, &v, n);
    *len = n;
    return 0;
}

long sock_send(struct file *f, const void *buf, size_t n, int flags, const void *sa, uint32_t salen)
{
    struct sock *s = (struct sock *)f;
    if (udp_is(f)) {
        ip_addr_t a;
        uint16_t port;
        if (sa && salen) {
            int r = sa_parse(s, sa, salen, &a, &port);
            if (r)
                return r;
            return udp_sock_send(s, buf, n, &a, port);
        }
        return udp_sock_send(s, buf, n, NULL, 0);
    }
    if (sa && salen && s->state == SS_CONNECTED)
        return -EISCONN;
    if (sa && salen && s->state == SS_NEW)
        return -EPIPE;
    return do_send(s, buf, n, flags);
}

long sock_recv(struct file *f, void *buf, size_t n, int flags, void *sa, uint32_t *salen)
{
    struct sock *s = (struct sock *)f;
    if (udp_is(f)) {
        ip_addr_t a;
        uint16_t p;
        long r = udp_sock_recv(s, buf, n, flags, &a, &p);
        if (r >= 0 && sa && salen)
            *salen = sa_format(s, sa, *salen, &a, p);
        return r;
    }
    long r = do_recv(s, buf, n, flags);
    if (r >= 0 && sa && salen)
        *salen = 0; /* a stream socket reports no source address */
    return r;
}
