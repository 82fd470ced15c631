/* musl-unix-oom: fills AF_UNIX socketpairs until the guest's memory runs out (the queues
 * are the libOS's kalloc memory, charged to --mem), twice: each round must end with
 * ENOBUFS or ENOMEM from socketpair or write (or EMFILE), never a crash or a hang, and
 * closing everything must give the memory back (the second round gets about as far). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXP 2048

static int fds[MAXP][2];
static char buf[65536];

static const char *name(int e)
{
    switch (e) {
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    }
    return "other";
}

/* One round: the pairs made and the bytes queued before the first failure. */
static int round_(long *queued, int *err)
{
    int n = 0;
    *queued = 0;
    *err = 0;
    for (; n < MAXP; n++) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds[n]) < 0) {
            *err = errno;
            break;
        }
        long r;
        while ((r = write(fds[n][0], buf, sizeof buf)) > 0)
            *queued += r;
        if (r < 0 && errno != EAGAIN) {
            *err = errno;
            n++;
            break;
        }
    }
    /* The full queues still read back whole. */
    long back = 0, r;
    for (int i = 0; i < n; i++)
        while ((r = read(fds[i][1], buf, sizeof buf)) > 0)
            back += r;
    if (back != *queued)
        printf("read back %ld of %ld bytes\n", back, *queued);
    for (int i = 0; i < n; i++) {
        close(fds[i][0]);
        close(fds[i][1]);
    }
    return n;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    memset(buf, 'x', sizeof buf);
    long q1, q2;
    int e1, e2;
    int n1 = round_(&q1, &e1);
    printf("round 1 stopped by %s\n", e1 ? name(e1) : "nothing");
    int n2 = round_(&q2, &e2);
    printf("round 2 stopped by %s\n", e2 ? name(e2) : "nothing");
    long d = q1 > q2 ? q1 - q2 : q2 - q1;
    printf("memory came back: %d (pairs %d, %d)\n", d <= q1 / 10, n1 > 0, n2 > 0);
    int sv[2];
    printf("a socketpair after: %d\n", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    return 0;
}
