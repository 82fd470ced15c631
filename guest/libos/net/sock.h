/* sock.h: the socket object (a struct file first, so every descriptor call works on it). */
#ifndef NET_SOCK_H
#define NET_SOCK_H
#include "fd/file.h"
#include "lwip/ip_addr.h"

struct tcp_pcb;
struct udp_pcb;
struct dgram;
struct pbuf;
struct rxseg {
    struct rxseg *next;
    struct pbuf *p;
};

enum sock_state { SS_NEW, SS_LISTEN, SS_CONNECTING, SS_CONNECTED, SS_CLOSED };

struct sock {
    struct file f;
    struct pollq pq;
    int family;            /* AF_INET or AF_INET6 */
    int type;
    int v6only;            /* IPV6_V6ONLY: an AF_INET6 socket without IPv4 */
    enum sock_state state;
    struct tcp_pcb *pcb;   /* TCP; NULL once lwIP freed it (reset, timeout) or after close */
    struct udp_pcb *upcb;  /* UDP */
    struct dgram *dq, *dq_tail; /* UDP: received datagrams, oldest first */
    /* Received, not yet read: one entry per lwIP delivery (a pbuf chain's tot_len is a u16,
     * so chains are queued, not concatenated); rx_off: bytes of the head already read. */
    struct rxseg *rx, *rx_tail;
    size_t rx_off, rx_bytes;
    int rx_eof;            /* the peer's FIN arrived */
    int err;               /* pending error (-errno), SO_ERROR */
    int shut_rd, shut_wr;
    int bound;
    /* Listening: connections lwIP completed that accept() has not taken, oldest first. */
    struct sock *q_head, *q_tail, *q_next;
    int q_len;
    /* Names kept past the pcb's life (getsockname/getpeername after a reset). */
    ip_addr_t laddr, raddr;
    uint16_t lport, rport;
    int opt_reuseaddr, opt_keepalive, opt_nodelay, opt_broadcast;
    int opt_cork;          /* TCP_CORK: partial segments wait for the uncork */
    int sndbuf, rcvbuf;
    int32_t linger[2];
};

/* Socket addresses (sockaddr.c); ports in host order. sa_parse: the app's sockaddr for socket
 * s (0 or -errno; -ENETUNREACH: IPv4 on an IPV6_V6ONLY socket); sa_format writes one for s
 * into (sa, cap) and returns its full length. */
int sa_parse(const struct sock *s, const void *sa, uint32_t len, ip_addr_t *ip, uint16_t *port);
uint32_t sa_format(const struct sock *s, void *sa, uint32_t cap, const ip_addr_t *ip, uint16_t port);
void sa_any_to_loopback(ip_addr_t *ip);
int sa_local_ok(const ip_addr_t *ip);
/* The pcb's any address for a socket: IPv4's, IPv6's (v6only) or both (dual stack). */
const ip_addr_t *sock_any(const struct sock *s);

/* UDP (udp.c). */
/* fstat and /proc/self/fd of any socket (socket.c): S_IFSOCK, "socket:[ino]". */
long sock_stat_op(struct file *f, struct kstat *st);
long sock_path_op(struct file *f, char *buf, size_t n);
int udp_is(struct file *f);
int udp_sock_create(int family, int flags, struct file **out);
int udp_sock_bind(struct sock *s, const ip_addr_t *addr, uint16_t port);
int udp_sock_connect(struct sock *s, int unspec, const ip_addr_t *addr, uint16_t port);
long udp_sock_send(struct sock *s, const void *buf, size_t n, const ip_addr_t *addr, uint16_t port);
long udp_sock_recv(struct sock *s, void *buf, size_t n, int flags, ip_addr_t *addr, uint16_t *port);
int udp_sock_names(struct sock *s, int peer, ip_addr_t *addr, uint16_t *port);
int udp_sock_shutdown(struct sock *s, int how);
void udp_sock_broadcast(struct sock *s, int on);
#endif
