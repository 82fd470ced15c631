/* musl-sotimeo: SO_RCVTIMEO and SO_SNDTIMEO on UDP, TCP and AF_UNIX sockets: a blocking call
 * that waits past the timeout ends with EAGAIN (read, recv, accept, readv, write), the value
 * reads back, bad values are refused; prints what is the same natively and in the guest. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void set(int fd, int opt, long sec, long usec)
{
    struct timeval tv = { .tv_sec = sec, .tv_usec = usec };
    int r = setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof tv);
    printf("  set %s %ld.%06ld: %s\n", opt == SO_RCVTIMEO ? "SO_RCVTIMEO" : "SO_SNDTIMEO", sec, usec,
           r ? strerror(errno) : "ok");
}

/* Reports a call that should have waited about ms milliseconds and failed with EAGAIN. */
static void timed(const char *what, long r, double t0, int ms)
{
    double waited = (now() - t0) * 1000;
    int e = errno;
    printf("  %s: %s, waited %s\n", what, r < 0 ? strerror(e) : "returned data",
           waited >= ms * 0.9 && waited < ms + 3000 ? "about the timeout" : "a wrong time");
}

static struct sockaddr_in loop(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char buf[4096];

    printf("udp:\n");
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = loop();
    bind(u, (struct sockaddr *)&a, sizeof a);
    struct timeval tv;
    socklen_t len = sizeof tv;
    getsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
    printf("  default: %ld.%06ld (len %u)\n", (long)tv.tv_sec, (long)tv.tv_usec, len);
    set(u, SO_RCVTIMEO, 0, 150000);
    len = sizeof tv;
    getsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
    /* Linux keeps it in jiffies (150 ms reads back as 152 at HZ=250): to 10 ms. */
    printf("  reads back: about %ld ms\n", ((long)tv.tv_sec * 1000 + (long)tv.tv_usec / 1000 + 5) / 10 * 10);
    double t0 = now();
    timed("recv", recv(u, buf, sizeof buf, 0), t0, 150);
    t0 = now();
    timed("read", read(u, buf, sizeof buf), t0, 150);
    set(u, SO_RCVTIMEO, 0, 1000000);
    set(u, SO_RCVTIMEO, 0, -1);
    printf("  short value: %s\n", setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, 4) ? strerror(errno) : "ok");
    set(u, SO_RCVTIMEO, 0, 0);
    len = sizeof tv;
    getsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
    printf("  cleared: %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
    close(u);

    printf("tcp:\n");
    int l = socket(AF_INET, SOCK_STREAM, 0);
    a = loop();
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 4);
    len = sizeof a;
    getsockname(l, (struct sockaddr *)&a, &len);
    set(l, SO_RCVTIMEO, 0, 100000);
    t0 = now();
    timed("accept", accept(l, NULL, NULL), t0, 100);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    int s = accept(l, NULL, NULL);
    set(c, SO_RCVTIMEO, 0, 100000);
    t0 = now();
    struct iovec iov = { buf, sizeof buf };
    timed("readv", readv(c, &iov, 1), t0, 100);
    write(s, "x", 1);
    printf("  with data: %zd\n", read(c, buf, sizeof buf));
    /* The peer does not read: writes fill both ends' buffers, then one waits and ends. */
    int small = 16384;
    setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    set(c, SO_SNDTIMEO, 0, 100000);
    memset(buf, 'y', sizeof buf);
    long w;
    int writes = 0;
    t0 = now();
    while ((w = write(c, buf, sizeof buf)) > 0 && writes < 100000)
        writes++, t0 = now();
    timed("write into a full connection", w, t0, 100);
    close(s);
    close(c);
    close(l);

    printf("unix:\n");
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    set(sv[0], SO_RCVTIMEO, 0, 120000);
    t0 = now();
    timed("recv", recv(sv[0], buf, sizeof buf, 0), t0, 120);
    set(sv[0], SO_RCVTIMEO, -1, 0);
    t0 = now();
    long r = recv(sv[0], buf, sizeof buf, 0);
    printf("  negative timeout: %s%s\n", r < 0 ? strerror(errno) : "data", now() - t0 < 0.05 ? ", at once" : ", late");
    close(sv[0]);
    close(sv[1]);
    printf("done\n");
    return 0;
}
