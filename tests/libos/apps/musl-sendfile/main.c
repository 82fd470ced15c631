/* musl-sendfile: sendfile from a regular file to a TCP socket over loopback and to an
 * AF_UNIX socket, with an offset pointer (the file position untouched) and without (the
 * position advances); a reader thread checks every byte; prints what is the same natively
 * and in the guest. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#define SIZE (300 * 1024 + 123)

static unsigned char pat(long i) { return (unsigned char)(i * 7 + i / 253); }

struct reader { int fd; long from, want, got, bad; };

static void *reader(void *arg)
{
    struct reader *r = arg;
    unsigned char buf[8192];
    long n;
    while (r->got < r->want && (n = read(r->fd, buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++)
            r->bad += buf[i] != pat(r->from + r->got + i);
        r->got += n;
    }
    return NULL;
}

/* Sends [from, SIZE) of file f to socket s in sendfile calls; the reader on peer checks it. */
static void run(const char *name, int s, int peer, int f, int with_offset, off_t from)
{
    struct reader r = { .fd = peer, .from = from, .want = SIZE - from };
    pthread_t th;
    pthread_create(&th, NULL, reader, &r);
    off_t off = from;
    long sent = 0, calls = 0;
    if (!with_offset)
        lseek(f, from, SEEK_SET);
    while (sent < SIZE - from) {
        ssize_t k = with_offset ? sendfile(s, f, &off, SIZE - from - sent) : sendfile(s, f, NULL, SIZE - from - sent);
        if (k <= 0) {
            perror("sendfile");
            break;
        }
        sent += k;
        calls++;
    }
    pthread_join(th, NULL);
    printf("%s: sent %ld, received %ld, wrong bytes %ld, offset now %ld, file position %ld\n", name, sent,
           r.got, r.bad, with_offset ? (long)off : -1L, (long)lseek(f, 0, SEEK_CUR));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int f = open("/tmp/sendfile-src", O_RDWR | O_CREAT | O_TRUNC, 0600);
    unsigned char buf[4096];
    for (long i = 0; i < SIZE; i += sizeof buf) {
        long n = SIZE - i < (long)sizeof buf ? SIZE - i : (long)sizeof buf;
        for (long j = 0; j < n; j++)
            buf[j] = pat(i + j);
        write(f, buf, n);
    }
    lseek(f, 0, SEEK_SET);

    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 1);
    socklen_t len = sizeof a;
    getsockname(l, (struct sockaddr *)&a, &len);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    int s = accept(l, NULL, NULL);
    run("tcp, offset pointer", s, c, f, 1, 0);
    run("tcp, file position, from 1000", s, c, f, 0, 1000);

    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    lseek(f, 0, SEEK_SET);
    run("unix, offset pointer, from 5", sv[0], sv[1], f, 1, 5);

    /* Past the end: nothing to send. */
    off_t end = SIZE;
    printf("at the end: %zd\n", sendfile(s, f, &end, 100));
    unlink("/tmp/sendfile-src");
    printf("done\n");
    return 0;
}
