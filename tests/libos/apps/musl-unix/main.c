/* musl-unix: AF_UNIX sockets from C in one thread: socketpair (stream, datagram, seqpacket)
 * with poll and epoll readiness, half-close, EPIPE/SIGPIPE and MSG_NOSIGNAL; a named stream
 * server and client (the socket file in stat, EADDRINUSE, ECONNREFUSED, unlink), abstract
 * and autobound names, datagram source addresses, SO_PEERCRED, SCM_RIGHTS. Prints only what
 * is the same natively and in the guest (no paths, pids or byte counts the kernel picks). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static volatile int sigpipes;
static void on_pipe(int sig) { (void)sig; sigpipes++; }

static const char *ev(short r)
{
    static char b[64];
    b[0] = 0;
    if (r & POLLIN) strcat(b, "IN ");
    if (r & POLLOUT) strcat(b, "OUT ");
    if (r & POLLRDHUP) strcat(b, "RDHUP ");
    if (r & POLLHUP) strcat(b, "HUP ");
    if (r & POLLERR) strcat(b, "ERR ");
    if (!b[0]) strcat(b, "- ");
    return b;
}

static short pollone(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP };
    poll(&p, 1, 0);
    return p.revents;
}

static const char *err(long r)
{
    static char b[32];
    if (r >= 0) {
        snprintf(b, sizeof b, "%ld", r);
        return b;
    }
    switch (errno) {
    case EAGAIN: return "EAGAIN";
    case EPIPE: return "EPIPE";
    case EINVAL: return "EINVAL";
    case ENOTCONN: return "ENOTCONN";
    case EISCONN: return "EISCONN";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case EADDRINUSE: return "EADDRINUSE";
    case ENOENT: return "ENOENT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EPROTOTYPE: return "EPROTOTYPE";
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    case ENOTSOCK: return "ENOTSOCK";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EMSGSIZE: return "EMSGSIZE";
    case ENXIO: return "ENXIO";
    }
    snprintf(b, sizeof b, "errno %d", errno);
    return b;
}

static socklen_t sun_of(struct sockaddr_un *a, const char *path, int abstract)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    size_t n = strlen(path);
    if (abstract) {
        memcpy(a->sun_path + 1, path, n);
        return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
    }
    memcpy(a->sun_path, path, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

static void pair_stream(void)
{
    int sv[2];
    printf("socketpair stream: %d\n", socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
    printf("cloexec %d nonblock %d\n", (fcntl(sv[0], F_GETFD) & FD_CLOEXEC) != 0,
           (fcntl(sv[1], F_GETFL) & O_NONBLOCK) != 0);
    struct stat st;
    fstat(sv[0], &st);
    printf("S_ISSOCK %d\n", S_ISSOCK(st.st_mode));
    char buf[256];
    printf("empty read: %s\n", err(read(sv[1], buf, sizeof buf)));
    printf("poll idle: %s\n", ev(pollone(sv[1])));
    printf("write: %s\n", err(write(sv[0], "hello", 5)));
    printf("write: %s\n", err(write(sv[0], " world", 6)));
    int n = -1;
    ioctl(sv[1], FIONREAD, &n);
    printf("FIONREAD %d, poll: %s\n", n, ev(pollone(sv[1])));
    printf("peek: %s\n", err(recv(sv[1], buf, 3, MSG_PEEK)));
    long r = read(sv[1], buf, sizeof buf);
    printf("read %s: %.*s\n", err(r), (int)(r > 0 ? r : 0), buf);
    struct iovec iov[2] = { { "ab", 2 }, { "cde", 3 } };
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
    printf("sendmsg: %s\n", err(sendmsg(sv[1], &mh, 0)));
    char x[2], y[8];
    struct iovec rv[2] = { { x, 2 }, { y, 8 } };
    struct msghdr rh = { .msg_iov = rv, .msg_iovlen = 2 };
    r = recvmsg(sv[0], &rh, 0);
    printf("recvmsg %s: %.2s|%.3s flags %d\n", err(r), x, y, rh.msg_flags);
    printf("writev: %s\n", err(writev(sv[0], iov, 2)));
    r = readv(sv[1], rv, 2);
    printf("readv %s: %.2s|%.3s\n", err(r), x, y);

    /* Fill the peer's queue: EAGAIN, no POLLOUT; drained: POLLOUT again. */
    static char big[65536];
    long total = 0;
    while ((r = write(sv[0], big, sizeof big)) > 0)
        total += r;
    printf("filled: %s, some: %d, poll writer: %s\n", err(r), total > 65536, ev(pollone(sv[0])));
    while (read(sv[1], big, sizeof big) > 0)
        ;
    printf("drained, poll writer: %s\n", ev(pollone(sv[0])));

    /* Half-close: the reader sees EOF and RDHUP, the writer can still read. */
    printf("shutdown wr: %d\n", shutdown(sv[0], SHUT_WR));
    printf("poll reader: %s\n", ev(pollone(sv[1])));
    printf("poll writer: %s\n", ev(pollone(sv[0])));
    printf("read at eof: %s\n", err(read(sv[1], buf, sizeof buf)));
    printf("write after shut: %s, sigpipes %d\n", err(send(sv[0], "x", 1, MSG_NOSIGNAL)), sigpipes);
    printf("reverse write: %s\n", err(write(sv[1], "back", 4)));
    r = read(sv[0], buf, sizeof buf);
    printf("reverse read: %s\n", err(r));
    close(sv[0]);
    printf("peer closed, poll: %s\n", ev(pollone(sv[1])));
    printf("write to closed: %s, sigpipes %d\n", err(write(sv[1], "x", 1)), sigpipes);
    printf("send nosignal: %s, sigpipes %d\n", err(send(sv[1], "x", 1, MSG_NOSIGNAL)), sigpipes);
    close(sv[1]);

    /* Unread data at close: the peer reads ECONNRESET, then EOF. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[0], "lost", 4);
    write(sv[1], "unread", 6);
    close(sv[1]);
    r = read(sv[0], buf, sizeof buf);
    printf("after reset: %s", err(r));
    printf(", then %s\n", err(read(sv[0], buf, sizeof buf)));
    close(sv[0]);
}

static void pair_dgram(int type, const char *name)
{
    int sv[2];
    char buf[64];
    printf("socketpair %s: %d\n", name, socketpair(AF_UNIX, type, 0, sv));
    send(sv[0], "one", 3, 0);
    send(sv[0], "three", 5, 0);
    send(sv[0], "", 0, 0);
    int n = -1;
    ioctl(sv[1], FIONREAD, &n);
    printf("FIONREAD %d\n", n);
    printf("poll: %s\n", ev(pollone(sv[1])));
    printf("recv: %s\n", err(recv(sv[1], buf, sizeof buf, 0)));
    char small[2];
    struct iovec iov = { small, 2 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    long r = recvmsg(sv[1], &mh, 0);
    printf("truncated: %s trunc %d\n", err(r), (mh.msg_flags & MSG_TRUNC) != 0);
    printf("empty datagram: %s\n", err(recv(sv[1], buf, sizeof buf, 0)));
    printf("nothing: %s\n", err(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT)));
    int t = 0;
    socklen_t len = sizeof t;
    getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &t, &len);
    printf("SO_TYPE %d\n", t);
    close(sv[0]);
    printf("peer closed, poll: %s\n", ev(pollone(sv[1])));
    printf("send: %s\n", err(send(sv[1], "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT)));
    printf("recv: %s\n", err(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT)));
    close(sv[1]);
}

static void named_stream(const char *dir)
{
    char path[512], buf[128];
    long r;
    snprintf(path, sizeof path, "%s/srv.sock", dir);
    struct sockaddr_un a, got;
    socklen_t alen = sun_of(&a, path, 0), len;
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("listen unbound: %s\n", err(listen(l, 4)));
    printf("bind: %s\n", err(bind(l, (struct sockaddr *)&a, alen)));
    struct stat st;
    int sr = stat(path, &st);
    printf("stat: %d S_ISSOCK %d mode %o\n", sr, S_ISSOCK(st.st_mode), st.st_mode & 07777);
    printf("open: %s\n", err(open(path, O_RDONLY)));
    int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("bind again: %s\n", err(bind(l2, (struct sockaddr *)&a, alen)));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("connect before listen: %s\n", err(connect(c, (struct sockaddr *)&a, alen)));
    printf("write unconnected: %s\n", err(send(c, "x", 1, MSG_NOSIGNAL)));
    printf("read unconnected: %s\n", err(read(c, buf, 1)));
    printf("poll unconnected: %s\n", ev(pollone(c)));
    printf("listen: %s\n", err(listen(l, 0)));
    /* Backlog 0: one connection waits for accept, the next finds it full. */
    int nb = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), nb2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    printf("nonblocking connect: %s", err(connect(nb, (struct sockaddr *)&a, alen)));
    printf(", full backlog: %s\n", err(connect(nb2, (struct sockaddr *)&a, alen)));
    int t = accept4(l, NULL, NULL, SOCK_NONBLOCK);
    printf("accepted: %d nonblock %d\n", t >= 0, (fcntl(t, F_GETFL) & O_NONBLOCK) != 0);
    write(nb, "whole", 5);
    shutdown(nb, SHUT_WR);
    printf("MSG_WAITALL, all there: %s\n", err(recv(t, buf, 3, MSG_WAITALL)));
    printf("MSG_WAITALL at EOF: %s\n", err(recv(t, buf, 10, MSG_WAITALL)));
    close(t);
    close(nb);
    close(nb2);
    int lnb = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    fcntl(l, F_SETFL, O_NONBLOCK);
    printf("accept nothing pending: %s\n", err(accept(l, NULL, NULL)));
    fcntl(l, F_SETFL, 0);
    close(lnb);
    listen(l, 4);
    int v = 0;
    len = sizeof v;
    getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len);
    printf("SO_ACCEPTCONN %d\n", v);
    len = sizeof got;
    getsockname(l, (struct sockaddr *)&got, &len);
    printf("listener name: len ok %d path ok %d\n", len == alen, strcmp(got.sun_path, path) == 0);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(l, &rs);
    struct timeval tv = { 0, 0 };
    printf("select before connect: %d\n", select(l + 1, &rs, NULL, NULL, &tv));
    printf("connect: %s\n", err(connect(c, (struct sockaddr *)&a, alen)));
    printf("connect again: %s\n", err(connect(c, (struct sockaddr *)&a, alen)));
    FD_ZERO(&rs);
    FD_SET(l, &rs);
    printf("select after connect: %d\n", select(l + 1, &rs, NULL, NULL, &tv));
    printf("client writes before accept: %s\n", err(write(c, "early", 5)));
    len = sizeof got;
    memset(&got, 0x55, sizeof got);
    int s = accept4(l, (struct sockaddr *)&got, &len, SOCK_CLOEXEC);
    printf("accept4: %d, peer addr len %d family %d, cloexec %d\n", s >= 0, (int)len, got.sun_family,
           (fcntl(s, F_GETFD) & FD_CLOEXEC) != 0);
    len = sizeof got;
    getpeername(c, (struct sockaddr *)&got, &len);
    printf("client's peer: len ok %d path ok %d\n", len == alen, strcmp(got.sun_path, path) == 0);
    len = sizeof got;
    getsockname(c, (struct sockaddr *)&got, &len);
    printf("client's name: len %d\n", (int)len);
    len = sizeof got;
    getsockname(s, (struct sockaddr *)&got, &len);
    printf("accepted's name: path ok %d\n", strcmp(got.sun_path, path) == 0);
    len = sizeof got;
    r = getpeername(s, (struct sockaddr *)&got, &len);
    printf("accepted's peer: %s len %d\n", err(r), (int)len);
    struct ucred cr;
    len = sizeof cr;
    getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len);
    printf("SO_PEERCRED: len %d pid %d uid %d gid %d\n", (int)len, cr.pid == getpid(),
           cr.uid == getuid(), cr.gid == getgid());
    len = sizeof cr;
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    getsockopt(u, SOL_SOCKET, SO_PEERCRED, &cr, &len);
    printf("SO_PEERCRED unconnected: pid %d uid %d gid %d\n", cr.pid, (int)cr.uid, (int)cr.gid);
    close(u);
    r = read(s, buf, sizeof buf);
    printf("server read %s: %.*s\n", err(r), (int)(r > 0 ? r : 0), buf);
    printf("sendto with address: %s\n", err(sendto(s, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&a, alen)));

    int ep = epoll_create1(0);
    struct epoll_event e = { .events = EPOLLIN | EPOLLET | EPOLLRDHUP, .data.fd = c };
    epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
    struct epoll_event out[4];
    printf("epoll idle: %d\n", epoll_wait(ep, out, 4, 0));
    write(s, "reply", 5);
    int k = epoll_wait(ep, out, 4, 0);
    printf("epoll after write: %d events %#x\n", k, k > 0 ? out[0].events : 0);
    printf("epoll again (edge): %d\n", epoll_wait(ep, out, 4, 0));
    r = recv(c, buf, sizeof buf, 0);
    printf("client read %s: %.*s\n", err(r), (int)(r > 0 ? r : 0), buf);
    close(s);
    k = epoll_wait(ep, out, 4, 0);
    printf("epoll after close: %d events %#x\n", k, k > 0 ? out[0].events : 0);
    printf("client read: %s\n", err(read(c, buf, sizeof buf)));
    close(ep);
    close(c);

    /* A closed listener leaves its name: ECONNREFUSED; unlink removes it: ENOENT. */
    close(l);
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("connect to closed: %s\n", err(connect(c, (struct sockaddr *)&a, alen)));
    printf("stat after close: %d\n", stat(path, &st));
    printf("unlink: %d\n", unlink(path));
    printf("connect after unlink: %s\n", err(connect(c, (struct sockaddr *)&a, alen)));
    printf("bind after unlink: %s\n", err(bind(l2, (struct sockaddr *)&a, alen)));
    unlink(path);
    char fpath[512];
    snprintf(fpath, sizeof fpath, "%s/plain", dir);
    close(open(fpath, O_CREAT | O_WRONLY, 0644));
    struct sockaddr_un fa;
    socklen_t falen = sun_of(&fa, fpath, 0);
    printf("connect to a file: %s\n", err(connect(c, (struct sockaddr *)&fa, falen)));
    printf("bind on a file: %s\n", err(bind(c, (struct sockaddr *)&fa, falen)));
    unlink(fpath);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(d, (struct sockaddr *)&a, alen);
    printf("stream connect to dgram: %s\n", err(connect(c, (struct sockaddr *)&a, alen)));
    close(d);
    unlink(path);
    close(c);
    close(l2);
}

static void abstract(void)
{
    char name[64];
    snprintf(name, sizeof name, "musl-unix-%d", (int)getpid());
    struct sockaddr_un a, got;
    socklen_t alen = sun_of(&a, name, 1), len;
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("abstract bind: %s\n", err(bind(l, (struct sockaddr *)&a, alen)));
    int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("abstract bind again: %s\n", err(bind(l2, (struct sockaddr *)&a, alen)));
    len = sizeof got;
    getsockname(l, (struct sockaddr *)&got, &len);
    printf("abstract name: len ok %d first byte %d rest ok %d\n", len == alen, got.sun_path[0],
           memcmp(got.sun_path + 1, name, strlen(name)) == 0);
    listen(l, 1);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("abstract connect: %s\n", err(connect(c, (struct sockaddr *)&a, alen)));
    int s = accept(l, NULL, NULL);
    write(c, "abs", 3);
    char buf[8];
    long r = read(s, buf, sizeof buf);
    printf("abstract read %s: %.*s\n", err(r), (int)(r > 0 ? r : 0), buf);
    close(s);
    close(c);
    close(l);
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("abstract connect after close: %s\n", err(connect(c, (struct sockaddr *)&a, alen)));
    printf("abstract bind reuse: %s\n", err(bind(l2, (struct sockaddr *)&a, alen)));
    close(l2);
    struct sockaddr_un au = { .sun_family = AF_UNIX };
    printf("autobind: %s\n", err(bind(c, (struct sockaddr *)&au, sizeof(sa_family_t))));
    len = sizeof got;
    getsockname(c, (struct sockaddr *)&got, &len);
    printf("autobound: len %d first byte %d\n", (int)len, got.sun_path[0]);
    close(c);
}

static void named_dgram(const char *dir)
{
    char path[512], cpath[512], buf[64];
    snprintf(path, sizeof path, "%s/dg.sock", dir);
    snprintf(cpath, sizeof cpath, "%s/dgc.sock", dir);
    struct sockaddr_un a, ca, from;
    socklen_t alen = sun_of(&a, path, 0), calen = sun_of(&ca, cpath, 0), flen;
    int srv = socket(AF_UNIX, SOCK_DGRAM, 0);
    printf("dgram bind: %s\n", err(bind(srv, (struct sockaddr *)&a, alen)));
    int cl = socket(AF_UNIX, SOCK_DGRAM, 0);
    printf("send unconnected: %s\n", err(send(cl, "x", 1, 0)));
    printf("sendto unbound: %s\n", err(sendto(cl, "anon", 4, 0, (struct sockaddr *)&a, alen)));
    flen = sizeof from;
    long r = recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    printf("recvfrom %s: %.*s from len %d\n", err(r), (int)(r > 0 ? r : 0), buf, (int)flen);
    bind(cl, (struct sockaddr *)&ca, calen);
    sendto(cl, "named", 5, 0, (struct sockaddr *)&a, alen);
    flen = sizeof from;
    r = recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    printf("recvfrom %s: from ok %d\n", err(r), flen == calen && strcmp(from.sun_path, cpath) == 0);
    printf("reply: %s\n", err(sendto(srv, "back", 4, 0, (struct sockaddr *)&from, flen)));
    r = recv(cl, buf, sizeof buf, 0);
    printf("client got %s\n", err(r));
    printf("connect: %s\n", err(connect(cl, (struct sockaddr *)&a, alen)));
    printf("send connected: %s\n", err(send(cl, "c", 1, 0)));
    flen = sizeof from;
    printf("getpeername: %s ok %d\n", err(getpeername(cl, (struct sockaddr *)&from, &flen)),
           strcmp(from.sun_path, path) == 0);
    recv(srv, buf, sizeof buf, 0);
    int other = socket(AF_UNIX, SOCK_DGRAM, 0);
    printf("sendto a socket connected elsewhere: %s\n", err(sendto(other, "x", 1, 0, (struct sockaddr *)&ca, calen)));
    int st = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("dgram to a stream name: ");
    struct sockaddr_un sa;
    char spath[512];
    snprintf(spath, sizeof spath, "%s/st.sock", dir);
    socklen_t salen = sun_of(&sa, spath, 0);
    bind(st, (struct sockaddr *)&sa, salen);
    printf("%s\n", err(sendto(other, "x", 1, 0, (struct sockaddr *)&sa, salen)));
    close(srv);
    printf("send to closed peer: %s\n", err(send(cl, "x", 1, 0)));
    printf("then: %s\n", err(send(cl, "x", 1, 0)));
    close(cl);
    close(other);
    close(st);
    unlink(path);
    unlink(cpath);
    unlink(spath);
}

static void seqpacket(const char *dir)
{
    char path[512], buf[64];
    snprintf(path, sizeof path, "%s/sp.sock", dir);
    struct sockaddr_un a;
    socklen_t alen = sun_of(&a, path, 0);
    int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    bind(l, (struct sockaddr *)&a, alen);
    printf("seqpacket listen: %s\n", err(listen(l, 2)));
    int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    printf("seqpacket send unconnected: %s\n", err(send(c, "x", 1, MSG_NOSIGNAL)));
    printf("seqpacket poll unconnected: %s\n", ev(pollone(c)));
    printf("seqpacket connect: %s\n", err(connect(c, (struct sockaddr *)&a, alen)));
    int s = accept(l, NULL, NULL);
    send(c, "first", 5, 0);
    send(c, "second!", 7, 0);
    printf("seqpacket recv: %s", err(recv(s, buf, sizeof buf, 0)));
    printf(" %s\n", err(recv(s, buf, 3, 0)));
    close(c);
    printf("seqpacket after close: poll %s", ev(pollone(s)));
    printf("recv %s", err(recv(s, buf, sizeof buf, 0)));
    printf(" send %s\n", err(send(s, "x", 1, MSG_NOSIGNAL)));
    close(s);
    close(l);
    unlink(path);
}

static void rights(void)
{
    int sv[2], p[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(p);
    char cbuf[CMSG_SPACE(2 * sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = { "F", 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                         .msg_controllen = CMSG_SPACE(2 * sizeof(int)) };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
    memcpy(CMSG_DATA(cm), p, 2 * sizeof(int));
    printf("SCM_RIGHTS sendmsg: %s\n", err(sendmsg(sv[0], &mh, 0)));
    write(sv[0], "after", 5);
    close(p[0]);
    char data[16], rbuf[CMSG_SPACE(2 * sizeof(int))];
    struct iovec riov = { data, sizeof data };
    struct msghdr rh = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf,
                         .msg_controllen = sizeof rbuf };
    long r = recvmsg(sv[1], &rh, MSG_CMSG_CLOEXEC);
    printf("recvmsg: %s (the descriptors end the read), controllen ok %d flags %d\n", err(r),
           rh.msg_controllen == CMSG_SPACE(2 * sizeof(int)), rh.msg_flags);
    cm = CMSG_FIRSTHDR(&rh);
    int fds[2] = { -1, -1 };
    if (cm && cm->cmsg_type == SCM_RIGHTS) {
        memcpy(fds, CMSG_DATA(cm), sizeof fds);
        printf("got %d fds, cloexec %d\n", (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int)),
               (fcntl(fds[0], F_GETFD) & FD_CLOEXEC) != 0);
    }
    write(fds[1], "through", 7);
    r = read(fds[0], data, sizeof data);
    printf("pipe via passed fds: %.*s\n", (int)(r > 0 ? r : 0), data);
    r = read(sv[1], data, sizeof data);
    printf("rest: %.*s\n", (int)(r > 0 ? r : 0), data);
    /* Descriptors with nowhere to go are dropped: MSG_CTRUNC. */
    mh.msg_controllen = CMSG_SPACE(2 * sizeof(int));
    memcpy(CMSG_DATA(cm = CMSG_FIRSTHDR(&mh)), fds, sizeof fds);
    sendmsg(sv[0], &mh, 0);
    struct msghdr nh = { .msg_iov = &riov, .msg_iovlen = 1 };
    r = recvmsg(sv[1], &nh, 0);
    printf("no control buffer: %s ctrunc %d\n", err(r), (nh.msg_flags & MSG_CTRUNC) != 0);
    int bad = 999;
    memcpy(CMSG_DATA(cm), &bad, sizeof bad);
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    mh.msg_controllen = CMSG_SPACE(sizeof(int));
    printf("bad fd: %s\n", err(sendmsg(sv[0], &mh, 0)));
    close(fds[0]);
    close(fds[1]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
}

static void passcred(void)
{
    int sv[2], p[2], one = 1;
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    pipe(p);
    printf("SO_PASSCRED: %d", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
    socklen_t len = sizeof one;
    one = 0;
    getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, &len);
    printf(" get %d\n", one);
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { "cred", 4 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &p[0], sizeof(int));
    sendmsg(sv[0], &mh, 0);
    char data[8], rbuf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
    struct sockaddr_un from;
    struct iovec riov = { data, sizeof data };
    struct msghdr rh = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &riov,
                         .msg_iovlen = 1, .msg_control = rbuf, .msg_controllen = sizeof rbuf };
    long r = recvmsg(sv[1], &rh, 0);
    printf("recvmsg %s, sender autobound: len %d, controllen ok %d\n", err(r), (int)rh.msg_namelen,
           rh.msg_controllen == sizeof rbuf);
    for (cm = CMSG_FIRSTHDR(&rh); cm; cm = CMSG_NXTHDR(&rh, cm)) {
        if (cm->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cr;
            memcpy(&cr, CMSG_DATA(cm), sizeof cr);
            printf("SCM_CREDENTIALS: pid %d uid %d gid %d\n", cr.pid == getpid(), cr.uid == getuid(),
                   cr.gid == getgid());
        } else if (cm->cmsg_type == SCM_RIGHTS) {
            int fd;
            memcpy(&fd, CMSG_DATA(cm), sizeof fd);
            printf("SCM_RIGHTS after it: %d\n", fd >= 0);
            close(fd);
        }
    }
    /* Too small for the credentials: MSG_CTRUNC. */
    send(sv[0], "x", 1, 0);
    rh.msg_controllen = 8;
    r = recvmsg(sv[1], &rh, 0);
    printf("small control: %s ctrunc %d controllen %d\n", err(r), (rh.msg_flags & MSG_CTRUNC) != 0,
           (int)rh.msg_controllen);
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
    /* A sender with SO_PASSCRED is autobound: the receiver sees its name. */
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    one = 1;
    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    send(sv[0], "n", 1, 0);
    socklen_t flen = sizeof from;
    r = recvfrom(sv[1], data, sizeof data, 0, (struct sockaddr *)&from, &flen);
    printf("passcred sender: %s from len %d abstract %d\n", err(r), (int)flen, from.sun_path[0] == 0);
    close(sv[0]);
    close(sv[1]);
}

/* ---- blocking calls: a helper thread does the other side after a pause ---- */

static void pause_ms(int ms) { usleep(ms * 1000); }

static int bfd, bfd2;
static struct sockaddr_un baddr;
static socklen_t baddrlen;

static void *slow_writer(void *arg)
{
    (void)arg;
    static char piece[1000];
    pause_ms(20);
    for (int i = 0; i < 100; i++)
        write(bfd, piece, sizeof piece);
    close(bfd);
    return NULL;
}

static void *big_writer(void *arg)
{
    (void)arg;
    static char chunk[1 << 20];
    long done = 0, r;
    while (done < (long)sizeof chunk && (r = write(bfd, chunk + done, sizeof chunk - done)) > 0)
        done += r;
    close(bfd);
    return (void *)done;
}

static void *slow_accept(void *arg)
{
    (void)arg;
    pause_ms(30);
    int s = accept(bfd, NULL, NULL);
    pause_ms(10);
    int s2 = accept(bfd, NULL, NULL);
    close(s);
    close(s2);
    return NULL;
}

static void *slow_connect(void *arg)
{
    (void)arg;
    pause_ms(20);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&baddr, baddrlen);
    write(c, "late", 4);
    close(c);
    return NULL;
}

static void *slow_dgram_reader(void *arg)
{
    (void)arg;
    char b[16];
    long n = 0;
    pause_ms(30);
    for (int i = 0; i < 20; i++)
        if (recv(bfd2, b, sizeof b, 0) == 5)
            n++;
    return (void *)n;
}

static void blocking(const char *dir)
{
    int sv[2];
    pthread_t th;
    void *ret;
    static char buf[1 << 20];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    bfd = sv[1];
    pthread_create(&th, NULL, slow_writer, NULL);
    printf("blocking MSG_WAITALL: %s\n", err(recv(sv[0], buf, 100000, MSG_WAITALL)));
    pthread_join(th, NULL);
    close(sv[0]);

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    bfd = sv[1];
    pthread_create(&th, NULL, big_writer, NULL);
    pause_ms(20);
    long got = 0, r;
    while ((r = read(sv[0], buf, 4096)) > 0)
        got += r;
    pthread_join(th, &ret);
    printf("1 MiB through a blocked writer: wrote %ld read %ld\n", (long)ret, got);
    close(sv[0]);

    char path[512];
    snprintf(path, sizeof path, "%s/blk.sock", dir);
    baddrlen = sun_of(&baddr, path, 0);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, (struct sockaddr *)&baddr, baddrlen);
    listen(l, 0);
    int c1 = socket(AF_UNIX, SOCK_STREAM, 0), c2 = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("connect into an empty backlog: %s\n", err(connect(c1, (struct sockaddr *)&baddr, baddrlen)));
    bfd = l;
    pthread_create(&th, NULL, slow_accept, NULL);
    printf("blocking connect, full backlog until accept: %s\n", err(connect(c2, (struct sockaddr *)&baddr, baddrlen)));
    pthread_join(th, NULL);
    close(c1);
    close(c2);

    pthread_create(&th, NULL, slow_connect, NULL);
    int s = accept(l, NULL, NULL);
    r = read(s, buf, 16);
    printf("blocking accept then read: %d %.*s\n", s >= 0, (int)(r > 0 ? r : 0), buf);
    pthread_join(th, NULL);
    close(s);
    close(l);
    unlink(path);

    /* An unconnected datagram sender blocks while the receiver's queue is full. */
    int d = socket(AF_UNIX, SOCK_DGRAM, 0), dc = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(d, (struct sockaddr *)&baddr, baddrlen);
    bfd2 = d;
    pthread_create(&th, NULL, slow_dgram_reader, NULL);
    int sent = 0;
    for (int i = 0; i < 20; i++)
        if (sendto(dc, "dgram", 5, 0, (struct sockaddr *)&baddr, baddrlen) == 5)
            sent++;
    pthread_join(th, &ret);
    printf("datagrams past a full queue: sent %d received %ld\n", sent, (long)ret);
    close(d);
    close(dc);
    unlink(path);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, on_pipe);
    umask(022);
    char dir[] = "/tmp/musl-unix.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    printf("inet socketpair: %s\n", err(socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){0})));
    printf("bad type: %d %s\n", socket(AF_UNIX, 9, 0), err(-1));
    pair_stream();
    pair_dgram(SOCK_DGRAM, "dgram");
    pair_dgram(SOCK_SEQPACKET, "seqpacket");
    named_stream(dir);
    abstract();
    named_dgram(dir);
    seqpacket(dir);
    rights();
    passcred();
    blocking(dir);
    rmdir(dir);
    printf("done\n");
    return 0;
}
