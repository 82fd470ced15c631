/* musl-fds: descriptor semantics compared with Linux: dup shares the open file, pipes,
 * eventfd, epoll (level, edge, oneshot, hang-up), poll, select, and EFAULT for bad pointers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <unistd.h>

static const char rodata[64] = "read-only";

static void show(const char *what, long r)
{
    printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static int waitn(int ep, int ms, uint32_t *ev)
{
    struct epoll_event e[4];
    int n = epoll_wait(ep, e, 4, ms);
    if (n > 0 && ev)
        *ev = e[0].events;
    return n;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);

    /* dup shares the status flags (and the offset) of one open file */
    int p[2];
    show("pipe", pipe(p));
    int d = dup(p[0]);
    fcntl(d, F_SETFL, O_NONBLOCK);
    show("flags seen through the original", fcntl(p[0], F_GETFL) & O_NONBLOCK ? 1 : 0);
    char buf[64];
    show("read empty nonblocking pipe", read(p[0], buf, sizeof buf));
    show("cloexec of dup", fcntl(d, F_GETFD));
    int d2 = fcntl(p[0], F_DUPFD_CLOEXEC, 10);
    show("F_DUPFD_CLOEXEC >= 10", d2 >= 10);
    show("cloexec of it", fcntl(d2, F_GETFD));

    /* level-triggered: reported while readable */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = { .events = EPOLLIN, .data.u64 = 7 };
    show("epoll_ctl add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
    show("add again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
    show("wait on empty", waitn(ep, 0, NULL));
    show("write 3", write(p[1], "abc", 3));
    uint32_t ev = 0;
    show("level wait 1", waitn(ep, 100, &ev));
    show("level wait 2", waitn(ep, 0, NULL));
    printf("events %#x\n", ev);
    show("read 3", read(p[0], buf, sizeof buf));
    show("level wait after read", waitn(ep, 0, NULL));

    /* edge-triggered: once per arrival */
    e.events = EPOLLIN | EPOLLET;
    show("mod to edge", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
    show("write 1", write(p[1], "x", 1));
    show("edge wait 1", waitn(ep, 100, NULL));
    show("edge wait 2", waitn(ep, 0, NULL));
    show("write 1 more", write(p[1], "y", 1));
    show("edge wait 3", waitn(ep, 100, NULL));
    show("read 2", read(p[0], buf, sizeof buf));

    /* oneshot: disabled after one report until re-armed */
    e.events = EPOLLIN | EPOLLONESHOT;
    show("mod to oneshot", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
    write(p[1], "z", 1);
    show("oneshot wait 1", waitn(ep, 100, NULL));
    write(p[1], "z", 1);
    show("oneshot wait 2", waitn(ep, 0, NULL));
    show("rearm", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
    show("oneshot wait 3", waitn(ep, 0, NULL));
    read(p[0], buf, sizeof buf);

    /* poll and select */
    struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
    show("poll", poll(pf, 2, 0));
    printf("revents %#x %#x\n", pf[0].revents, pf[1].revents);
    show("poll timeout 20ms", poll(pf, 1, 20));
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    struct timeval tv = { 0, 10000 };
    show("select empty", select(p[0] + 1, &rs, NULL, NULL, &tv));
    write(p[1], "q", 1);
    FD_SET(p[0], &rs);
    tv.tv_usec = 10000;
    show("select ready", select(p[0] + 1, &rs, NULL, NULL, &tv));
    show("isset", FD_ISSET(p[0], &rs));
    read(p[0], buf, 1);

    /* bad pointers: EFAULT, never a crash */
    show("write from a bad pointer", write(p[1], (void *)16, 4));
    write(p[1], "r", 1);
    show("read into read-only data", read(p[0], (void *)rodata, 1));
    read(p[0], buf, 1);
    show("pipe2 into read-only data", pipe2((int *)rodata, 0));

    /* hang-up: the last writer closes */
    e.events = EPOLLIN | EPOLLRDHUP;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e);
    close(p[1]);
    show("wait after close of writer", waitn(ep, 100, &ev));
    printf("events %#x\n", ev);
    show("read at eof", read(p[0], buf, sizeof buf));

    /* a pipe with no reader: EPIPE (SIGPIPE ignored) */
    int q[2];
    pipe(q);
    close(q[0]);
    show("write without reader", write(q[1], "x", 1));

    /* close drops the item when the last reference goes */
    close(p[0]);
    close(d2);
    show("wait after closing the dup too", waitn(ep, 0, NULL));
    close(d);
    show("wait after the last close", waitn(ep, 0, NULL));

    /* eventfd */
    int efd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    uint64_t v;
    show("sem read", read(efd, &v, 8));
    printf("value %llu\n", (unsigned long long)v);
    read(efd, &v, 8);
    show("sem read empty", read(efd, &v, 8));
    show("short eventfd read", read(efd, &v, 4));
    show("close bad fd", close(999));
    show("dup2 to self", dup2(efd, efd));
    show("dup3 to self", dup3(efd, efd, 0));
    return 0;
}
