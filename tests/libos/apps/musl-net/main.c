/* musl-net: BSD sockets from C in one thread: non-blocking connect with poll and SO_ERROR,
 * accept, blocking send/recv, select, MSG_PEEK, FIONREAD, half-close, refused connects,
 * UDP sendto/recvfrom, socket options; prints what is the same natively and in the guest. */
#define _GNU_SOURCE /* struct tcp_info */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static struct sockaddr_in loop(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    printf("reuseaddr: %d\n", setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    struct sockaddr_in a = loop(0);
    printf("bind: %d\n", bind(l, (struct sockaddr *)&a, sizeof a));
    printf("listen: %d\n", listen(l, 16));
    socklen_t len = sizeof a;
    getsockname(l, (struct sockaddr *)&a, &len);
    printf("bound to %s, port picked: %d, len %d\n", inet_ntoa(a.sin_addr), a.sin_port != 0, (int)len);
    struct stat st;
    fstat(l, &st);
    printf("S_ISSOCK: %d\n", S_ISSOCK(st.st_mode));
    int type = 0;
    len = sizeof type;
    getsockopt(l, SOL_SOCKET, SO_TYPE, &type, &len);
    printf("SO_TYPE: %d, SO_ACCEPTCONN: ", type);
    len = sizeof type;
    getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &type, &len);
    printf("%d\n", type);

    /* Non-blocking connect: EINPROGRESS, then writable with SO_ERROR 0. */
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    printf("connect: %d %s\n", r, r ? strerror(errno) : "");
    struct pollfd pf = { .fd = c, .events = POLLOUT };
    r = poll(&pf, 1, 5000);
    printf("poll: %d revents %#x\n", r, pf.revents);
    int err = -1;
    len = sizeof err;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("SO_ERROR: %d\n", err);
    printf("nodelay: %d\n", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    int s = accept(l, NULL, NULL);
    printf("accepted: %d\n", s >= 0);
    struct sockaddr_in p1, p2;
    len = sizeof p1;
    getpeername(s, (struct sockaddr *)&p1, &len);
    len = sizeof p2;
    getsockname(c, (struct sockaddr *)&p2, &len);
    printf("peer of accepted is the client: %d\n", p1.sin_port == p2.sin_port && p1.sin_addr.s_addr == p2.sin_addr.s_addr);

    /* Nothing to read yet on the non-blocking client. */
    char buf[256];
    r = recv(c, buf, sizeof buf, 0);
    printf("recv empty: %d %s\n", r, strerror(errno));
    printf("send: %zd\n", send(s, "hello, client", 13, 0));
    fd_set rf;
    FD_ZERO(&rf);
    FD_SET(c, &rf);
    struct timeval tv = { 5, 0 };
    r = select(c + 1, &rf, NULL, NULL, &tv);
    printf("select: %d isset %d\n", r, FD_ISSET(c, &rf));
    int avail = 0;
    ioctl(c, FIONREAD, &avail);
    printf("FIONREAD: %d\n", avail);
    r = recv(c, buf, 5, MSG_PEEK);
    printf("peek: %.*s\n", r, buf);
    r = read(c, buf, sizeof buf);
    printf("read: %.*s\n", r, buf);

    /* Half-close: the server reads EOF after the data, and can still answer. */
    write(c, "ping", 4);
    printf("shutdown: %d\n", shutdown(c, SHUT_WR));
    int n = 0;
    for (;;) {
        r = read(s, buf + n, sizeof buf - n);
        if (r <= 0)
            break;
        n += r;
    }
    printf("server got %.*s then %d\n", n, buf, r);
    write(s, "pong", 4);
    close(s);
    pf.events = POLLIN;
    poll(&pf, 1, 5000);
    n = 0;
    for (;;) {
        r = read(c, buf + n, sizeof buf - n);
        if (r > 0) {
            n += r;
            continue;
        }
        if (r < 0 && errno == EAGAIN) {
            poll(&pf, 1, 5000);
            continue;
        }
        break;
    }
    printf("client got %.*s then %d\n", n, buf, r);
    close(c);

    /* A port nobody listens on: refused (blocking connect). */
    int port = ntohs(a.sin_port);
    close(l);
    c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in gone = loop(port);
    r = connect(c, (struct sockaddr *)&gone, sizeof gone);
    printf("connect to closed port: %d %s\n", r, strerror(errno));
    close(c);

    /* UDP. */
    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = loop(0);
    bind(u1, (struct sockaddr *)&ua, sizeof ua);
    len = sizeof ua;
    getsockname(u1, (struct sockaddr *)&ua, &len);
    printf("udp sendto: %zd\n", sendto(u2, "datagram", 8, 0, (struct sockaddr *)&ua, sizeof ua));
    struct sockaddr_in from;
    len = sizeof from;
    r = recvfrom(u1, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    struct sockaddr_in u2a;
    socklen_t l2 = sizeof u2a;
    getsockname(u2, (struct sockaddr *)&u2a, &l2);
    printf("udp recvfrom: %.*s from the sender: %d\n", r, buf, from.sin_port == u2a.sin_port);
    r = recv(u1, buf, sizeof buf, MSG_DONTWAIT);
    printf("udp empty: %d %s\n", r, strerror(errno));
    r = listen(u1, 1);
    printf("udp listen: %d %s\n", r, strerror(errno));
    close(u1);
    close(u2);

    /* TCP_INFO on a listener, a connected pair and an unconnected socket. */
    {
        int tl = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in ta = loop(0);
        bind(tl, (struct sockaddr *)&ta, sizeof ta);
        listen(tl, 1);
        socklen_t tlen = sizeof ta;
        getsockname(tl, (struct sockaddr *)&ta, &tlen);
        int tc = socket(AF_INET, SOCK_STREAM, 0);
        connect(tc, (struct sockaddr *)&ta, sizeof ta);
        int ts = accept(tl, NULL, NULL);
        send(tc, "info", 4, 0);
        recv(ts, buf, sizeof buf, 0);
        struct tcp_info ti;
        socklen_t il = sizeof ti;
        memset(&ti, 0, sizeof ti);
        r = getsockopt(tl, IPPROTO_TCP, TCP_INFO, &ti, &il);
        printf("tcp_info listener: %d state %d (LISTEN is %d)\n", r, ti.tcpi_state, TCP_LISTEN);
        il = sizeof ti;
        memset(&ti, 0, sizeof ti);
        r = getsockopt(tc, IPPROTO_TCP, TCP_INFO, &ti, &il);
        printf("tcp_info connected: %d state %d (ESTABLISHED is %d), length at least 104: %d, snd_mss > 0: %d, rto > 0: %d, cwnd > 0: %d\n",
               r, ti.tcpi_state, TCP_ESTABLISHED, il >= 104, ti.tcpi_snd_mss > 0, ti.tcpi_rto > 0, ti.tcpi_snd_cwnd > 0);
        int tu = socket(AF_INET, SOCK_STREAM, 0);
        il = sizeof ti;
        r = getsockopt(tu, IPPROTO_TCP, TCP_INFO, &ti, &il);
        printf("tcp_info unconnected: %d state %d (CLOSE is %d)\n", r, ti.tcpi_state, TCP_CLOSE);
        close(tu);
        close(ts);
        close(tc);
        close(tl);
    }

    r = socket(12345, SOCK_STREAM, 0);
    printf("bad family: %d %s\n", r, strerror(errno));
    r = listen(1, 1);
    printf("not a socket: %d %s\n", r, strerror(errno));
    return 0;
}
