/* musl-resolve: musl's getaddrinfo from /etc/resolv.conf and /etc/hosts. For each argument:
 * a host name is resolved (AF_UNSPEC: A and AAAA queries; "NAME: ADDR..." sorted, or
 * "NAME: error notfound=true|false"), an http://HOST:PORT/PATH URL fetched by name over a
 * blocking socket ("GET URL: STATUS BODY"). The output matches go-resolve's. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int lookup(const char *name)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
    int r = getaddrinfo(name, NULL, &hints, &res);
    if (r != 0) {
        printf("%s: error notfound=%s\n", name, r == EAI_NONAME ? "true" : "false");
        if (r != EAI_NONAME)
            fprintf(stderr, "%s: %s\n", name, gai_strerror(r));
        return 0;
    }
    char *addrs[512];
    int n = 0;
    for (ai = res; ai && n < 512; ai = ai->ai_next) {
        char buf[INET6_ADDRSTRLEN];
        const void *a = ai->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                                 : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        if (!inet_ntop(ai->ai_family, a, buf, sizeof buf))
            continue;
        addrs[n++] = strdup(buf);
    }
    freeaddrinfo(res);
    qsort(addrs, n, sizeof addrs[0], cmp);
    printf("%s:", name);
    for (int i = 0; i < n; i++)
        printf(" %s", addrs[i]);
    printf("\n");
    return 0;
}

static int fetch(const char *url)
{
    char host[256], port[16] = "80";
    const char *p = url + 7, *path = strchr(p, '/');
    if (!path)
        path = "/";
    size_t hl = (size_t)(path - p);
    if (hl == 0 || hl >= sizeof host)
        return printf("GET %s: bad url\n", url), 1;
    memcpy(host, p, hl);
    host[hl] = 0;
    char hosthdr[256];
    memcpy(hosthdr, host, hl + 1);
    char *colon = strchr(host, ':');
    if (colon) {
        *colon = 0;
        snprintf(port, sizeof port, "%s", colon + 1);
    }
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
    int r = getaddrinfo(host, port, &hints, &res);
    if (r != 0)
        return printf("GET %s: %s\n", url, gai_strerror(r)), 1;
    int s = socket(res->ai_family, res->ai_socktype, 0);
    if (s < 0 || connect(s, res->ai_addr, res->ai_addrlen) != 0) {
        freeaddrinfo(res);
        return printf("GET %s: connect failed\n", url), 1;
    }
    freeaddrinfo(res);
    char req[512];
    int len = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, hosthdr);
    if (write(s, req, (size_t)len) != len)
        return printf("GET %s: write failed\n", url), 1;
    static char buf[65536];
    size_t got = 0;
    ssize_t k;
    while (got < sizeof buf - 1 && (k = read(s, buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)k;
    close(s);
    buf[got] = 0;
    int status = 0;
    char *body = strstr(buf, "\r\n\r\n");
    if (sscanf(buf, "HTTP/%*d.%*d %d", &status) != 1 || !body)
        return printf("GET %s: bad response\n", url), 1;
    printf("GET %s: %d %s\n", url, status, body + 4);
    return 0;
}

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++)
        status |= strncmp(argv[i], "http://", 7) == 0 ? fetch(argv[i]) : lookup(argv[i]);
    return status;
}
