/* net.h: the socket layer's interface to the syscall table (sys/sys_net.c). Addresses are
 * libOS copies of the app's sockaddr; every call returns a value or -errno. */
#ifndef NET_NET_H
#define NET_NET_H
#include <stddef.h>
#include <stdint.h>
#include "fd/file.h"

/* Starts lwIP (loopback, and the NIC when the image declares one) on first use: 0 or -errno. */
int net_start(void);
void net_boot(void); /* main.c: starts the stack now if the image has a NIC */
/* Runs lwIP from the idle loop: frames, loopback queues, timers; the next timer deadline. */
uint64_t net_poll(int idle);

int sock_create(int domain, int type, int protocol, struct file **out);
struct file *sock_of(struct file *f); /* f if it is a socket, else NULL */
int sock_is_dgram(struct file *f);  /* a datagram socket: one message per call */
int sock_bind(struct file *f, const void *sa, uint32_t len);
int sock_listen(struct file *f, int backlog);
/* 0 with *out a new socket (and its peer's address in sa/len), -EAGAIN, or -errno. */
int sock_accept(struct file *f, int flags, struct file **out, void *sa, uint32_t *len);
/* restarted: this run re-runs a blocked connect (its outcome is now the answer). */
int sock_connect(struct file *f, const void *sa, uint32_t len, int restarted);
int sock_name(struct file *f, int peer, void *sa, uint32_t *len);
int sock_shutdown(struct file *f, int how);
int sock_setopt(struct file *f, int level, int name, const void *val, uint32_t len);
int sock_getopt(struct file *f, int level, int name, void *val, uint32_t *len);
/* One transfer with MSG_* flags; sa/salen: the destination (sendto) or where the source goes
 * (recvfrom, *salen in/out). -EAGAIN when it would block. */
long sock_send(struct file *f, const void *buf, size_t n, int flags, const void *sa, uint32_t salen);
long sock_recv(struct file *f, void *buf, size_t n, int flags, void *sa, uint32_t *salen);
#endif
