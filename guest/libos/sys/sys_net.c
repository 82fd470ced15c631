/* sys_net.c: the socket calls: app arguments copied in and out, the work done by net/. */
#include "libos.h"
#include "fd/file.h"
#include "mm/uaccess.h"
#include "net/net.h"
#include "net/unix.h"
#include "sys/table.h"
#include "sys/unixmsg.h"

#define SA_MAX 128   /* sockaddr_storage */
#define IOV_MAX 1024
#define IO_MAX 0x7ffff000ULL

/* AF_UNIX sockets (net/unix*.c) answer the same calls as the lwIP ones (net/socket.c). */
#define SOCK(fn, f, ...) (unix_of(f) ? unix_##fn(f, __VA_ARGS__) : sock_##fn(f, __VA_ARGS__))

/* The socket at fd: 0 with *f, -EBADF or -ENOTSOCK. */
static int sock_fd(int fd, struct file **f)
{
    struct file *x = fd_get(fd);
    if (!x)
        return -EBADF;
    if (!sock_of(x) && !unix_of(x))
        return -ENOTSOCK;
    *f = x;
    return 0;
}

/* -EAGAIN on a blocking socket (and without MSG_DONTWAIT) parks the thread on the socket;
 * the call is re-run when it changes (nothing was transferred). */
static long would_block(struct sc *c, struct file *f, long r, int dontwait, int dir)
{
    if (r == -EAGAIN && !dontwait && !(f->flags & O_NONBLOCK)) {
        file_block(f, dir, c->restarted); /* SO_RCVTIMEO/SO_SNDTIMEO bound the wait */
        return 0;
    }
    return r;
}

static int addr_in(uint64_t usa, uint64_t len, char *sa)
{
    if (len > SA_MAX)
        return -EINVAL;
    if (copy_from_user(sa, usa, (size_t)len))
        return -EFAULT;
    return 0;
}

/* Writes a kernel sockaddr of klen bytes (kept whole in sa) to the app's (addr, *lenp). */
static int addr_out(uint64_t usa, uint64_t ulenp, const char *sa, uint32_t klen)
{
    if (!usa || !ulenp)
        return 0;
    int32_t cap;
    if (copy_from_user(&cap, ulenp, sizeof cap))
        return -EFAULT;
    if (cap < 0)
        return -EINVAL;
    uint32_t n = (uint32_t)cap < klen ? (uint32_t)cap : klen;
    if (n && copy_to_user(usa, sa, n))
        return -EFAULT;
    int32_t out = (int32_t)klen;
    return copy_to_user(ulenp, &out, sizeof out);
}

static long sys_socket(struct sc *c)
{
    struct file *f;
    int type = (int)c->a[1];
    int r = (int)c->a[0] == AF_UNIX ? unix_create(type, (int)c->a[2], &f)
                                    : sock_create((int)c->a[0], type, (int)c->a[2], &f);
    if (r)
        return r;
    return fd_install(f, 0, type & SOCK_CLOEXEC ? 1 : 0);
}

static long sys_socketpair(struct sc *c)
{
    struct file *a, *b;
    int type = (int)c->a[1], cloexec = type & SOCK_CLOEXEC ? 1 : 0;
    if ((int)c->a[0] != AF_UNIX)
        return (int)c->a[0] == AF_INET ? -EOPNOTSUPP : -EAFNOSUPPORT;
    if (!user_writable(c->a[3], 8))
        return -EFAULT;
    int r = unix_pair(type, (int)c->a[2], &a, &b);
    if (r)
        return r;
    int fa = fd_install(a, 0, cloexec);
    if (fa < 0) {
        file_put(b);
        return fa;
    }
    int fb = fd_install(b, 0, cloexec);
    if (fb < 0) {
        fd_close(fa);
        return fb;
    }
    int32_t out[2] = { fa, fb };
    return copy_to_user(c->a[3], out, sizeof out);
}

static long sys_bind(struct sc *c)
{
    struct file *f;
    char sa[SA_MAX];
    int r = sock_fd((int)c->a[0], &f);
    if (r || (r = addr_in(c->a[1], c->a[2], sa)))
        return r;
    return SOCK(bind, f, sa, (uint32_t)c->a[2]);
}

static long sys_listen(struct sc *c)
{
    struct file *f;
    int r = sock_fd((int)c->a[0], &f);
    return r ? r : SOCK(listen, f, (int)c->a[1]);
}

static long do_accept(struct sc *c, int flags)
{
    struct file *f, *nf;
    char sa[SA_MAX];
    uint32_t len = SA_MAX;
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    int r = sock_fd((int)c->a[0], &f);
    if (r)
        return r;
    if (c->a[1] && c->a[2]) {
        int32_t cap;
        if (copy_from_user(&cap, c->a[2], sizeof cap))
            return -EFAULT;
        if (cap < 0)
            return -EINVAL;
    }
    r = SOCK(accept, f, flags, &nf, sa, &len);
    if (r)
        return would_block(c, f, r, 0, 0);
    int fd = fd_install(nf, 0, flags & SOCK_CLOEXEC ? 1 : 0);
    if (fd < 0)
        return fd;
    r = addr_out(c->a[1], c->a[2], sa, len);
    if (r) {
        fd_close(fd);
        return r;
    }
    return fd;
}

static long sys_accept(struct sc *c) { return do_accept(c, 0); }
static long sys_accept4(struct sc *c) { return do_accept(c, (int)c->a[3]); }

static long sys_connect(struct sc *c)
{
    struct file *f;
    char sa[SA_MAX];
    int r = sock_fd((int)c->a[0], &f);
    if (r || (r = addr_in(c->a[1], c->a[2], sa)))
        return r;
    r = SOCK(connect, f, sa, (uint32_t)c->a[2], c->restarted);
    if ((r == -EINPROGRESS || r == -EAGAIN) && !(f->flags & O_NONBLOCK)) {
        pollq_block(f->pq, NO_DEADLINE, 0);
        return 0;
    }
    return r == -EAGAIN && !unix_of(f) ? -EALREADY : r; /* AF_UNIX: a full backlog */
}

static long names(struct sc *c, int peer)
{
    struct file *f;
    char sa[SA_MAX];
    uint32_t len = SA_MAX;
    int r = sock_fd((int)c->a[0], &f);
    if (r || (r = SOCK(name, f, peer, sa, &len)))
        return r;
    if (!c->a[1] || !c->a[2])
        return -EFAULT;
    return addr_out(c->a[1], c->a[2], sa, len);
}

static long sys_getsockname(struct sc *c) { return names(c, 0); }
static long sys_getpeername(struct sc *c) { return names(c, 1); }

/* SO_RCVTIMEO and SO_SNDTIMEO, of every socket kind, are the file's (fd/file.h): 0 for
 * receive, 1 for send, -1 for another option. The _NEW numbers take the same 64-bit
 * struct timeval here (x86_64 and aarch64 have no 32-bit time_t). */
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
static int timeo_dir(int level, int name)
{
    if (level != SOL_SOCKET)
        return -1;
    if (name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW)
        return 0;
    if (name == SO_SNDTIMEO_OLD || name == SO_SNDTIMEO_NEW)
        return 1;
    return -1;
}

/* As Linux's sock_set_timeout: a short value is EINVAL, microseconds outside [0, 1e6)
 * EDOM, 0 waits forever, a negative time never waits. */
static int set_timeo(struct file *f, int dir, const char *val, uint32_t len)
{
    int64_t tv[2];
    if (len < sizeof tv)
        return -EINVAL;
    memcpy(tv, val, sizeof tv);
    if (tv[1] < 0 || tv[1] >= 1000000)
        return -EDOM;
    if (tv[0] < 0)
        f->timeo_ns[dir] = 1; /* already over: EAGAIN at once, as Linux's 0 jiffies */
    else if ((uint64_t)tv[0] > (NO_DEADLINE - 999999999ULL) / 1000000000ULL)
        f->timeo_ns[dir] = 0; /* beyond any deadline: forever */
    else
        f->timeo_ns[dir] = (uint64_t)tv[0] * 1000000000ULL + (uint64_t)tv[1] * 1000ULL;
    return 0;
}

static int get_timeo(struct file *f, int dir, char *val, uint32_t *len)
{
    uint64_t ns = f->timeo_ns[dir] == 1 ? 0 : f->timeo_ns[dir];
    int64_t tv[2] = { (int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL / 1000ULL) };
    if (*len > sizeof tv)
        *len = sizeof tv;
    memcpy(val, tv, *len);
    return 0;
}

static long sys_setsockopt(struct sc *c)
{
    struct file *f;
    char val[64];
    uint64_t len = c->a[4];
    int r = sock_fd((int)c->a[0], &f);
    if (r)
        return r;
    if ((int64_t)(int32_t)len < 0)
        return -EINVAL;
    if (len > sizeof val)
        len = sizeof val;
    if (len && copy_from_user(val, c->a[3], (size_t)len))
        return -EFAULT;
    int dir = timeo_dir((int)c->a[1], (int)c->a[2]);
    if (dir >= 0)
        return set_timeo(f, dir, val, (uint32_t)len);
    return SOCK(setopt, f, (int)c->a[1], (int)c->a[2], val, (uint32_t)len);
}

static long sys_getsockopt(struct sc *c)
{
    struct file *f;
    char val[128]; /* TCP_INFO's 104 bytes are the longest answer */
    int32_t ulen;
    int r = sock_fd((int)c->a[0], &f);
    if (r)
        return r;
    if (copy_from_user(&ulen, c->a[4], sizeof ulen))
        return -EFAULT;
    if (ulen < 0)
        return -EINVAL;
    uint32_t len = (uint32_t)ulen < sizeof val ? (uint32_t)ulen : sizeof val;
    int dir = timeo_dir((int)c->a[1], (int)c->a[2]);
    r = dir >= 0 ? get_timeo(f, dir, val, &len) : SOCK(getopt, f, (int)c->a[1], (int)c->a[2], val, &len);
    if (r)
        return r;
    if (len && copy_to_user(c->a[3], val, len))
        return -EFAULT;
    ulen = (int32_t)len;
    return copy_to_user(c->a[4], &ulen, sizeof ulen);
}

static long sys_shutdown(struct sc *c)
{
    struct file *f;
    int r = sock_fd((int)c->a[0], &f);
    return r ? r : SOCK(shutdown, f, (int)c->a[1]);
}

static long sys_sendto(struct sc *c)
{
    struct file *f;
    char sa[SA_MAX];
    uint64_t buf = c->a[1], n = c->a[2];
    int flags = (int)c->a[3];
    int r = sock_fd((int)c->a[0], &f);
    if (r)
        return r;
    if (c->a[4] && (r = addr_in(c->a[4], c->a[5], sa)))
        return r;
    if (n > IO_MAX)
        n = IO_MAX;
    if (n && !user_ok(buf, n))
        return -EFAULT;
    long w = SOCK(send, f, (const void *)(uintptr_t)buf, (size_t)n, flags,
                  c->a[4] ? sa : NULL, c->a[4] ? (uint32_t)c->a[5] : 0);
    return would_block(c, f, w, flags & MSG_DONTWAIT, 1);
}

static long sys_recvfrom(struct sc *c)
{
    struct file *f;
    char sa[SA_MAX];
    uint32_t salen = SA_MAX;
    uint64_t buf = c->a[1], n = c->a[2];
    int flags = (int)c->a[3];
    int r = sock_fd((int)c->a[0], &f);
    if (r)
        return r;
    if (n > IO_MAX)
        n = IO_MAX;
    if (n && !user_writable(buf, n))
        return -EFAULT;
    long got = SOCK(recv, f, (void *)(uintptr_t)buf, (size_t)n, flags, sa, &salen);
    if (got < 0)
        return would_block(c, f, got, flags & MSG_DONTWAIT, 0);
    if (c->a[4] && salen && (r = addr_out(c->a[4], c->a[5], sa, salen)))
        return r;
    if (c->a[4] && c->a[5] && !salen) {
        int32_t z = 0;
        if (copy_to_user(c->a[5], &z, sizeof z))
            return -EFAULT;
    }
    return got;
}

/* A datagram socket sends and receives one message per call: gathered from, and scattered
 * to, the iovec through a bounce buffer (one trap at a time: static). */
static char dgbuf[65536];

static long dgram_io(struct file *f, const struct k_iovec *iov, uint64_t iovlen, int flags, int wr,
                     const char *dst, uint32_t dstlen, char *src, uint32_t *srclen)
{
    uint64_t total = 0;
    for (uint64_t i = 0; i < iovlen; i++) {
        uint64_t n = iov[i].len;
        if (n > sizeof dgbuf - total)
            n = sizeof dgbuf - total;
        if (!n)
            continue;
        if (wr) {
            if (copy_from_user(dgbuf + total, iov[i].base, n))
                return -EFAULT;
        } else if (!user_writable(iov[i].base, n)) {
            return -EFAULT;
        }
        total += n;
    }
    if (wr)
        return sock_send(f, dgbuf, total, flags, dst, dstlen);
    long r = sock_recv(f, dgbuf, total, flags & ~MSG_TRUNC, src, srclen);
    if (r < 0)
        return r;
    uint64_t left = (uint64_t)r, off = 0;
    for (uint64_t i = 0; i < iovlen && left; i++) {
        uint64_t n = iov[i].len < left ? iov[i].len : left;
        if (n && copy_to_user(iov[i].base, dgbuf + off, n))
            return -EFAULT;
        off += n;
        left -= n;
    }
    return r;
}

/* One sendmsg/recvmsg at the app's msghdr mh: bytes, or -errno (-EAGAIN: would block).
 * recvmsg writes back msg_namelen, msg_controllen (0: no control messages), msg_flags. */
static long msg_one(struct file *f, uint64_t mh, int flags, int wr)
{
    struct k_msghdr m;
    static struct k_iovec iov[IOV_MAX]; /* one trap at a time */
    char sa[SA_MAX];
    uint32_t salen = SA_MAX;
    if (unix_of(f))
        return unix_msg_one(f, mh, flags, wr);
    if (copy_from_user(&m, mh, sizeof m))
        return -EFAULT;
    if (m.msg_iovlen > IOV_MAX)
        return -EMSGSIZE;
    if (m.msg_iovlen && copy_from_user(iov, m.msg_iov, m.msg_iovlen * sizeof iov[0]))
        return -EFAULT;
    int r;
    if (wr && m.msg_name && m.msg_namelen && (r = addr_in(m.msg_name, m.msg_namelen, sa)))
        return r;
    long total = 0;
    if (sock_is_dgram(f)) {
        total = dgram_io(f, iov, m.msg_iovlen, flags, wr, m.msg_name && m.msg_namelen ? sa : NULL,
                         m.msg_name ? m.msg_namelen : 0, sa, &salen);
        if (total < 0)
            return total;
    } else {
        salen = 0;
        for (uint64_t i = 0; i < m.msg_iovlen; i++) {
            uint64_t b = iov[i].base, n = iov[i].len;
            if (n > IO_MAX - (uint64_t)total)
                n = IO_MAX - (uint64_t)total;
            if (!n)
                continue;
            if (wr ? !user_ok(b, n) : !user_writable(b, n))
                return total ? total : -EFAULT;
            long k = wr ? sock_send(f, (const void *)(uintptr_t)b, (size_t)n,
                                    flags | (i + 1 < m.msg_iovlen ? MSG_MORE : 0), NULL, 0)
                        : sock_recv(f, (void *)(uintptr_t)b, (size_t)n, flags, NULL, NULL);
            if (k < 0) {
                if (total)
                    break;
                return k;
            }
            total += k;
            if ((uint64_t)k < n || (!wr && k == 0))
                break;
        }
    }
    if (!wr) {
        uint32_t namelen = 0;
        if (m.msg_name && salen) {
            uint32_t n = salen < m.msg_namelen ? salen : m.msg_namelen;
            if (n && copy_to_user(m.msg_name, sa, n))
                return -EFAULT;
            namelen = salen;
        }
        uint64_t z64 = 0;
        int32_t z = 0;
        if (copy_to_user(mh + offsetof(struct k_msghdr, msg_namelen), &namelen, sizeof namelen) ||
            copy_to_user(mh + offsetof(struct k_msghdr, msg_controllen), &z64, sizeof z64) ||
            copy_to_user(mh + offsetof(struct k_msghdr, msg_flags), &z, sizeof z))
            return -EFAULT;
    }
    return total;
}

static long msg_io(struct sc *c, int wr)
{
    struct file *f;
    int flags = (int)c->a[2];
    int r = sock_fd((int)c->a[0], &f);
    if (r)
        return r;
    return would_block(c, f, msg_one(f, c->a[1], flags, wr), flags & MSG_DONTWAIT, wr);
}

/* sendmmsg/recvmmsg: struct mmsghdr is a msghdr and the u32 byte count (64 bytes). The
 * first message may block; after it, the call returns what it has. recvmmsg's timeout
 * is not applied. */
#define MMSG_SIZE 64
static long mmsg_io(struct sc *c, int wr)
{
    struct file *f;
    uint64_t vec = c->a[1];
    unsigned vlen = (unsigned)c->a[2];
    int flags = (int)c->a[3];
    int r = sock_fd((int)c->a[0], &f);
    if (r)
        return r;
    if (vlen > 1024)
        vlen = 1024;
    unsigned done = 0;
    for (; done < vlen; done++) {
        long k = msg_one(f, vec + (uint64_t)done * MMSG_SIZE, flags, wr);
        if (k < 0) {
            if (done)
                break;
            return would_block(c, f, k, flags & MSG_DONTWAIT, wr);
        }
        uint32_t len = (uint32_t)k;
        if (copy_to_user(vec + (uint64_t)done * MMSG_SIZE + sizeof(struct k_msghdr), &len, sizeof len))
            return done ? (long)done : -EFAULT;
        if (!wr && (flags & 0x10000 /* MSG_WAITFORONE */))
            flags |= MSG_DONTWAIT;
    }
    return (long)done;
}

static long sys_sendmmsg(struct sc *c) { return mmsg_io(c, 1); }
static long sys_recvmmsg(struct sc *c) { return mmsg_io(c, 0); }

static long sys_sendmsg(struct sc *c) { return msg_io(c, 1); }
static long sys_recvmsg(struct sc *c) { return msg_io(c, 0); }

const struct syscall sys_net_calls[] = {
    { NR_socket, "socket", sys_socket, SYSF_PARTIAL, "AF_INET SOCK_STREAM (TCP) and SOCK_DGRAM (UDP) over lwIP; AF_UNIX STREAM, DGRAM, SEQPACKET in memory; SOCK_NONBLOCK, SOCK_CLOEXEC" },
    { NR_socketpair, "socketpair", sys_socketpair, 0, "AF_UNIX" },
    { NR_bind, "bind", sys_bind, 0, "port 0 picks a port; EADDRNOTAVAIL for an address the guest lacks" },
    { NR_listen, "listen", sys_listen, 0, "backlog up to 255" },
    { NR_accept, "accept", sys_accept, 0, "" },
    { NR_accept4, "accept4", sys_accept4, 0, "SOCK_NONBLOCK, SOCK_CLOEXEC" },
    { NR_connect, "connect", sys_connect, 0, "blocking, or EINPROGRESS then SO_ERROR" },
    { NR_getsockname, "getsockname", sys_getsockname, 0, "" },
    { NR_getpeername, "getpeername", sys_getpeername, 0, "" },
    { NR_setsockopt, "setsockopt", sys_setsockopt, SYSF_PARTIAL, "SO_REUSEADDR, SO_KEEPALIVE, SO_*BUF, SO_LINGER, TCP_NODELAY, TCP_CORK (no 200 ms ceiling), TCP_KEEP*; others accepted or ENOPROTOOPT" },
    { NR_getsockopt, "getsockopt", sys_getsockopt, SYSF_PARTIAL, "SO_ERROR, SO_TYPE, SO_DOMAIN, SO_ACCEPTCONN, the options set" },
    { NR_shutdown, "shutdown", sys_shutdown, 0, "SHUT_RD, SHUT_WR (FIN), SHUT_RDWR" },
    { NR_sendto, "sendto", sys_sendto, SYSF_PARTIAL, "MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE" },
    { NR_recvfrom, "recvfrom", sys_recvfrom, SYSF_PARTIAL, "MSG_DONTWAIT, MSG_PEEK" },
    { NR_sendmsg, "sendmsg", sys_sendmsg, SYSF_PARTIAL, "control messages: AF_UNIX SCM_RIGHTS only" },
    { NR_recvmsg, "recvmsg", sys_recvmsg, SYSF_PARTIAL, "control messages: AF_UNIX SCM_RIGHTS only" },
    { NR_sendmmsg, "sendmmsg", sys_sendmmsg, SYSF_PARTIAL, "as sendmsg, per message" },
    { NR_recvmmsg, "recvmmsg", sys_recvmmsg, SYSF_PARTIAL, "as recvmsg, per message; MSG_WAITFORONE; the timeout is not applied" },
    { -1, NULL, NULL, 0, NULL },
};
