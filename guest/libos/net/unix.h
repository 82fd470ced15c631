/* unix.h: AF_UNIX sockets in memory (stream, datagram, seqpacket): the calls sys_net.c makes
 * (the same shapes as net.h's sock_*), and the socket object the unix*.c files share. */
#ifndef NET_UNIX_H
#define NET_UNIX_H
#include <stddef.h>
#include <stdint.h>
#include "fd/file.h"

#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define MSG_CTRUNC 0x8
#define MSG_CMSG_CLOEXEC 0x40000000

/* ---- for sys_net.c ---- */
struct file *unix_of(struct file *f); /* f if it is an AF_UNIX socket, else NULL */
int unix_is_msg(struct file *f);      /* datagram or seqpacket: one message per call */
int unix_create(int type, int protocol, struct file **out);
int unix_pair(int type, int protocol, struct file **a, struct file **b);
int unix_bind(struct file *f, const void *sa, uint32_t len);
int unix_listen(struct file *f, int backlog);
int unix_accept(struct file *f, int flags, struct file **out, void *sa, uint32_t *len);
int unix_connect(struct file *f, const void *sa, uint32_t len, int restarted);
int unix_name(struct file *f, int peer, void *sa, uint32_t *len);
int unix_shutdown(struct file *f, int how);
int unix_setopt(struct file *f, int level, int name, const void *val, uint32_t len);
int unix_getopt(struct file *f, int level, int name, void *val, uint32_t *len);
long unix_send(struct file *f, const void *buf, size_t n, int flags, const void *sa, uint32_t salen);
long unix_recv(struct file *f, void *buf, size_t n, int flags, void *sa, uint32_t *salen);
/* The same with descriptors passed (SCM_RIGHTS): send takes over nfds file references
 * (dropped on error too); recv hands out up to *nfds references (*nfds set to how many) and
 * sets *mflags (MSG_TRUNC: the datagram was cut; MSG_CTRUNC: descriptors were dropped). */
long unix_send_fds(struct file *f, const void *buf, size_t n, int flags, const void *sa,
                   uint32_t salen, struct file **fds, int nfds);
long unix_recv_fds(struct file *f, void *buf, size_t n, int flags, void *sa, uint32_t *salen,
                   struct file **fds, int *nfds, int *mflags);

/* ---- shared by net/unix*.c ---- */
#define UNIX_ADDR_MAX 110          /* sizeof(struct sockaddr_un) */
#define UNIX_QMAX (256u << 10)     /* bytes a socket's receive queue holds */
#define UNIX_DGRAM_QLEN 10         /* datagrams queued from an unconnected sender (Linux's
                                    * net.unix.max_dgram_qlen default) */
#define UNIX_FDS_MAX 253           /* SCM_MAX_FD */
#define RCV_SHUT 1
#define SEND_SHUT 2

struct uaddr {
    uint32_t len;                  /* 0: no name */
    char sa[UNIX_ADDR_MAX];        /* the sockaddr_un: family, then the path or "\0name" */
};

/* One queued write: a datagram, or a piece of a stream (off: bytes already read). */
struct umsg {
    struct umsg *next;
    uint32_t len, off, cap;        /* cap: data room (a stream's last piece takes more) */
    struct file **fds;             /* SCM_RIGHTS: references held by the message */
    int nfds;
    struct uaddr from;             /* datagrams: the sender's name */
    uint8_t data[];
};

/* What a queued message of len bytes counts against its queue's UNIX_QMAX. */
#define MSG_COST(len) ((len) + sizeof(struct umsg))

/* Writable (poll's EPOLLOUT) while the queue written to is at most a quarter full, as Linux's
 * unix_writable: a writer that filled it wakes once the reader has taken most of it, not
 * for every read (a write still takes whatever room there is). */
#define UNIX_WRITABLE(t) ((t)->rq_mem * 4 <= UNIX_QMAX)

enum ustate { US_NEW, US_LISTEN, US_CONNECTED };

struct node;
struct usock {
    struct file f;
    struct pollq pq;
    struct usock *all_next, *all_prev; /* every AF_UNIX socket (names, peers, waiters) */
    int type;
    /* What a queued message of len bytes counts against its queue's UNIX_QMAX. */
#define MSG_COST(len) ((len) + sizeof(struct umsg))

enum ustate state;
    int shut;                      /* RCV_SHUT | SEND_SHUT, as Linux's sk_shutdown */
    int err;                       /* pending error (-errno): SO_ERROR */
    /* Stream/seqpacket: the connected peer; datagram: the connect()ed destination. NULL
     * once it closed (peer_gone then). */
    struct usock *peer;
    int peer_gone;
    struct uaddr addr, paddr;      /* own name; the peer's at connect time */
    struct node *node;             /* the file system name bound (a reference held) */
    struct umsg *rq, *rq_tail;     /* received, oldest first */
    size_t rq_bytes;               /* data bytes queued (FIONREAD) */
    size_t rq_mem;                 /* with the per-message overhead: what fills the queue */
    int rq_n;
    /* Listening: connected sockets accept() has not taken yet. */
    struct usock *aq, *aq_tail, *aq_next;
    int aq_n, backlog;
    int in_aq;                     /* queued on a listener (not yet accepted) */
    struct usock *waiting_on;      /* EAGAIN from this socket's queue: wake me when it drains */
    int has_waiters;
    int sndbuf, rcvbuf, passcred, opt_reuseaddr, opt_keepalive;
    int32_t linger[2];
    int32_t cred[3];               /* SO_PEERCRED: pid, uid, gid */
};

extern struct usock *unix_all;
void unix_notify(struct usock *s, uint32_t ev);
/* Wakes the sockets that got EAGAIN from s's full queue (or its full backlog): once the
 * queue is writable again, or now (force: s changed state, they must re-run). */
void unix_wake_waiters(struct usock *s, int force);
struct usock *unix_alloc(int type, int flags);
void unix_set_cred(struct usock *s);
void unix_msg_free(struct umsg *m);
/* The socket bound to the name in sa (a path walk or the abstract namespace): 0 with *out,
 * or -ENOENT, -ECONNREFUSED, -EACCES, -EINVAL... */
int unix_lookup(const void *sa, uint32_t len, struct usock **out);
void unix_unbind(struct usock *s);
/* Gives s an abstract name of its own ("\0" and 5 hex digits): 0 or -EADDRINUSE. */
int unix_autobind(struct usock *s);
#endif
