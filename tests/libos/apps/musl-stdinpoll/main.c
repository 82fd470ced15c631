/* musl-stdinpoll: readiness of stdin as poll, epoll and select see it, driven by a feeder
 * that writes only after each "waitN" line: nothing ready before data, ready after it, and
 * ready at end of file; what a REPL or an event loop reading stdin relies on. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

static void say(const char *s)
{
    fputs(s, stdout);
    fflush(stdout);
}

static void readone(const char *what)
{
    char b[64];
    ssize_t n = read(0, b, sizeof b - 1);
    if (n < 0)
        n = 0;
    b[n] = 0;
    printf("%s read %zd: %s", what, n, n ? b : "(end of file)\n");
    fflush(stdout);
}

int main(void)
{
    struct pollfd p = { .fd = 0, .events = POLLIN };
    say("ready\n");
    int r = poll(&p, 1, 100);
    printf("poll before data: %d\n", r);
    say("wait1\n");
    r = poll(&p, 1, -1);
    printf("poll after data: %d%s\n", r, (p.revents & POLLIN) ? " POLLIN" : "");
    readone("poll");

    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN }, out;
    printf("epoll_ctl add stdin: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev));
    printf("epoll_wait before data: %d\n", epoll_wait(ep, &out, 1, 100));
    say("wait2\n");
    r = epoll_wait(ep, &out, 1, -1);
    printf("epoll_wait after data: %d%s\n", r, (r == 1 && (out.events & EPOLLIN)) ? " EPOLLIN" : "");
    readone("epoll");

    say("wait3\n");
    fd_set s;
    FD_ZERO(&s);
    FD_SET(0, &s);
    r = select(1, &s, NULL, NULL, NULL);
    printf("select at end of file: %d%s\n", r, FD_ISSET(0, &s) ? " readable" : "");
    readone("select");
    return 0;
}
