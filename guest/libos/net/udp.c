/* udp.c: UDP sockets (AF_INET and AF_INET6, SOCK_DGRAM) over lwIP's raw UDP API: each received datagram
 * is queued with its source; reads take one datagram whole (the rest of it is dropped). */
#include "libos.h"
#include "fd/file.h"
#include "net/net.h"
#include "net/sock.h"
#include "lwip/udp.h"
#include "lwip/netif.h"

#define UDP_MAX 65507      /* the largest IPv4 UDP payload */
#define UDP_RCVBUF (256 * 1024)

struct dgram {
    struct dgram *next;
    struct pbuf *p;
    ip_addr_t addr; /* source */
    uint16_t port;
};

static const struct file_ops udp_ops;

static void on_udp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    struct sock *s = arg;
    (void)pcb;
    /* A full queue drops the datagram, as Linux does past SO_RCVBUF. */
    if (!s || s->shut_rd || s->rx_bytes + p->tot_len > (size_t)(s->rcvbuf > 0 ? s->rcvbuf : UDP_RCVBUF)) {
        pbuf_free(p);
        return;
    }
    struct dgram *d = kalloc(sizeof *d);
    if (!d) {
        pbuf_free(p);
        return;
    }
    d->p = p;
    ip_addr_copy(d->addr, *addr);
    d->port = port;
    if (s->dq_tail)
        s->dq_tail->next = d;
    else
        s->dq = d;
    s->dq_tail = d;
    s->rx_bytes += p->tot_len;
    pollq_notify(&s->pq, EPOLLIN);
}

static void dq_drop_head(struct sock *s)
{
    struct dgram *d = s->dq;
    s->dq = d->next;
    if (!s->dq)
        s->dq_tail = NULL;
    s->rx_bytes -= d->p->tot_len;
    pbuf_free(d->p);
    kfree(d);
}

int udp_sock_create(int family, int flags, struct file **out)
{
    struct sock *s = kalloc(sizeof *s);
    if (!s)
        return -ENOMEM;
    file_init(&s->f, &udp_ops, O_RDWR | (flags & O_NONBLOCK), &s->pq);
    s->f.ino = file_next_ino();
    s->family = family;
    s->type = SOCK_DGRAM;
    s->sndbuf = UDP_RCVBUF;
    s->rcvbuf = UDP_RCVBUF;
    s->upcb = udp_new_ip_type(family == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
    if (!s->upcb) {
        kfree(s);
        return -ENOBUFS;
    }
    udp_recv(s->upcb, on_udp_recv, s);
    *out = &s->f;
    return 0;
}

int udp_sock_bind(struct sock *s, const ip_addr_t *addr, uint16_t port)
{
    if (s->bound)
        return -EINVAL;
    if (s->opt_reuseaddr)
        ip_set_option(s->upcb, SOF_REUSEADDR);
    err_t e = udp_bind(s->upcb, addr, port);
    if (e != ERR_OK)
        return e == ERR_USE ? -EADDRINUSE : -EINVAL;
    s->bound = 1;
    return 0;
}

int udp_sock_connect(struct sock *s, int unspec, const ip_addr_t *addr, uint16_t port)
{
    if (unspec) {
        udp_disconnect(s->upcb);
        s->state = SS_NEW;
        return 0;
    }
    ip_addr_t a;
    ip_addr_copy(a, *addr);
    sa_any_to_loopback(&a);
    /* Linux routes at connect: no route is ENETUNREACH now (resolvers probe families so). */
    struct netif *n = ip_route(IP_ANY_TYPE, &a);
    if (!n)
        return -ENETUNREACH;
    err_t e = udp_connect(s->upcb, &a, port);
    if (e != ERR_OK)
        return e == ERR_USE ? -EADDRINUSE : -EINVAL;
    /* lwIP picks the source address at each send; Linux fixes it at connect, from the
     * route, which getsockname then shows. */
    if (ip_addr_isany(&s->upcb->local_ip)) {
        const ip_addr_t *l = ip_netif_get_local_ip(n, &a);
        if (l)
            ip_addr_copy(s->laddr, *l);
        else
            ip_addr_set_zero(&s->laddr);
        if (IP_IS_V4(&a) && (lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&a))) >> 24) == 127)
            ip_addr_copy(s->laddr, a);
    }
    s->bound = 1;
    s->state = SS_CONNECTED;
    return 0;
}

long udp_sock_send(struct sock *s, const void *buf, size_t n, const ip_addr_t *addr, uint16_t port)
{
    if (s->shut_wr) {
        sig_post(cur->tid, 13 /* SIGPIPE */);
        return -EPIPE;
    }
    if (!addr && s->state != SS_CONNECTED)
        return -EDESTADDRREQ;
    if (n > UDP_MAX)
        return -EMSGSIZE;
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
    if (!p)
        return -ENOBUFS;
    if (n)
        pbuf_take(p, buf, (u16_t)n);
    err_t e;
    if (addr) {
        ip_addr_t a;
        ip_addr_copy(a, *addr);
        sa_any_to_loopback(&a);
        e = udp_sendto(s->upcb, p, &a, port);
    } else {
        e = udp_send(s->upcb, p);
    }
    pbuf_free(p);
    s->bound = 1;
    switch (e) {
    case ERR_OK: return (long)n;
    case ERR_RTE: return -ENETUNREACH;
    case ERR_MEM: case ERR_BUF: return -ENOBUFS;
    case ERR_VAL: return -EINVAL;
    default: return -EIO;
    }
}

long udp_sock_recv(struct sock *s, void *buf, size_t n, int flags, ip_addr_t *addr, uint16_t *port)
{
    struct dgram *d = s->dq;
    if (!d)
        return s->shut_rd ? 0 : -EAGAIN;
    size_t len = d->p->tot_len;
    size_t k = n < len ? n : len;
    if (k)
        pbuf_copy_partial(d->p, buf, (u16_t)k, 0);
    ip_addr_copy(*addr, d->addr);
    *port = d->port;
    if (!(flags & MSG_PEEK))
        dq_drop_head(s);
    return (long)(flags & MSG_TRUNC ? len : k);
}

int udp_sock_names(struct sock *s, int peer, ip_addr_t *addr, uint16_t *port)
{
    if (peer) {
        if (s->state != SS_CONNECTED)
            return -ENOTCONN;
        ip_addr_copy(*addr, s->upcb->remote_ip);
        *port = s->upcb->remote_port;
        return 0;
    }
    ip_addr_copy(*addr, s->upcb->local_ip);
    if (ip_addr_isany(addr) && s->state == SS_CONNECTED)
        ip_addr_copy(*addr, s->laddr);
    *port = s->upcb->local_port;
    return 0;
}

int udp_sock_shutdown(struct sock *s, int how)
{
    if (s->state != SS_CONNECTED)
        return -ENOTCONN;
    if (how != SHUT_WR) {
        s->shut_rd = 1;
        while (s->dq)
            dq_drop_head(s);
    }
    if (how != SHUT_RD)
        s->shut_wr = 1;
    pollq_notify(&s->pq, EPOLLIN | EPOLLOUT);
    return 0;
}

void udp_sock_broadcast(struct sock *s, int on)
{
    if (on)
        ip_set_option(s->upcb, SOF_BROADCAST);
    else
        ip_reset_option(s->upcb, SOF_BROADCAST);
}

static long udp_read_op(struct file *f, void *buf, size_t n, uint64_t *off)
{
    (void)off;
    ip_addr_t a;
    uint16_t p;
    return udp_sock_recv((struct sock *)f, buf, n, 0, &a, &p);
}

static long udp_write_op(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    (void)off;
    return udp_sock_send((struct sock *)f, buf, n, NULL, 0);
}

static uint32_t udp_poll_op(struct file *f)
{
    struct sock *s = (struct sock *)f;
    uint32_t ev = s->shut_wr ? 0 : EPOLLOUT;
    if (s->dq || s->shut_rd)
        ev |= EPOLLIN;
    if (s->shut_rd && s->shut_wr)
        ev |= EPOLLHUP;
    return ev;
}

static long udp_ioctl_op(struct file *f, unsigned long req, uint64_t arg)
{
    struct sock *s = (struct sock *)f;
    int v;
    if (req == FIONREAD)
        v = s->dq ? (int)s->dq->p->tot_len : 0; /* Linux: the next datagram's size */
    else if (req == SIOCOUTQ)
        v = 0;
    else
        return -ENOTTY;
    return copy_to_user(arg, &v, sizeof v);
}

static void udp_release_op(struct file *f)
{
    struct sock *s = (struct sock *)f;
    while (s->dq)
        dq_drop_head(s);
    if (s->upcb)
        udp_remove(s->upcb);
    kfree(s);
}

static const struct file_ops udp_ops = {
    .kind = "socket", .read = udp_read_op, .write = udp_write_op, .poll = udp_poll_op,
    .ioctl = udp_ioctl_op, .stat = sock_stat_op, .path = sock_path_op, .release = udp_release_op,
};

int udp_is(struct file *f)
{
    return f && f->ops == &udp_ops;
}
