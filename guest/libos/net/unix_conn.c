/* unix_conn.c: AF_UNIX names and connections: bind (a socket inode in the VFS, or Linux's
 * abstract namespace), listen, connect, accept, getsockname/getpeername. */
#include "libos.h"
#include "fd/file.h"
#include "fs/vfs.h"
#include "net/net.h"
#include "net/unix.h"

#define SUN_PATH 2 /* offsetof(struct sockaddr_un, sun_path) */

static uint32_t autobind_next = 0x11d4a; /* Linux picks "\0" and 5 hex digits */

/* Checks an app's sockaddr_un: 0, or -EINVAL. */
static int sun_check(const void *sa, uint32_t len)
{
    uint16_t fam;
    if (len < SUN_PATH || len > UNIX_ADDR_MAX)
        return -EINVAL;
    memcpy(&fam, sa, 2);
    return fam == AF_UNIX ? 0 : -EINVAL;
}

/* The path of a filesystem name, NUL-terminated in out (as Linux's unix_mkname_bsd). */
static uint32_t sun_path(const void *sa, uint32_t len, char *out)
{
    uint32_t n = 0;
    const char *p = (const char *)sa + SUN_PATH;
    while (n < len - SUN_PATH && p[n])
        n++;
    memcpy(out, p, n);
    out[n] = 0;
    return n;
}

static struct usock *abstract_find(const void *sa, uint32_t len)
{
    for (struct usock *o = unix_all; o; o = o->all_next)
        if (!o->node && o->addr.len == len && memcmp(o->addr.sa, sa, len) == 0)
            return o;
    return NULL;
}

static int abstract_bind(struct usock *s, const void *sa, uint32_t len)
{
    if (abstract_find(sa, len))
        return -EADDRINUSE;
    memcpy(s->addr.sa, sa, len);
    s->addr.len = len;
    return 0;
}

int unix_autobind(struct usock *s)
{
    static const char hex[] = "0123456789abcdef";
    char sa[8];
    uint16_t fam = AF_UNIX;
    memcpy(sa, &fam, 2);
    sa[2] = 0;
    for (int tries = 0; tries < 0x100000; tries++) {
        uint32_t v = autobind_next++ & 0xfffff;
        for (int i = 0; i < 5; i++)
            sa[3 + i] = hex[(v >> (16 - 4 * i)) & 0xf];
        if (!abstract_find(sa, sizeof sa))
            return abstract_bind(s, sa, sizeof sa);
    }
    return -EADDRINUSE;
}

int unix_bind(struct file *f, const void *sa, uint32_t len)
{
    struct usock *s = (struct usock *)f;
    int r = sun_check(sa, len);
    if (r)
        return r;
    if (s->addr.len)
        return -EINVAL;
    if (len == SUN_PATH)
        return unix_autobind(s);
    if (((const char *)sa)[SUN_PATH] == 0)
        return abstract_bind(s, sa, len);
    char path[UNIX_ADDR_MAX];
    uint32_t n = sun_path(sa, len, path);
    struct node *nd;
    r = vfs_mknod(NULL, path, S_IFSOCK | (0777 & ~fs_umask()), &nd);
    if (r)
        return r == -EEXIST ? -EADDRINUSE : r;
    node_get(nd); /* held while bound: connect finds the socket by its node */
    s->node = nd;
    memcpy(s->addr.sa, sa, SUN_PATH);
    memcpy(s->addr.sa + SUN_PATH, path, n + 1);
    s->addr.len = SUN_PATH + n + 1;
    return 0;
}

void unix_unbind(struct usock *s)
{
    if (s->node)
        node_put(s->node);
    s->node = NULL;
    s->addr.len = 0;
}

int unix_lookup(const void *sa, uint32_t len, struct usock **out)
{
    int r = sun_check(sa, len);
    if (r)
        return r;
    if (len == SUN_PATH)
        return -EINVAL;
    if (((const char *)sa)[SUN_PATH] == 0) {
        *out = abstract_find(sa, len);
        return *out ? 0 : -ECONNREFUSED;
    }
    char path[UNIX_ADDR_MAX];
    sun_path(sa, len, path);
    struct walk w;
    r = vfs_walk(NULL, path, WALK_FOLLOW, &w);
    if (w.magic) {
        file_put(w.magic);
        return -ECONNREFUSED;
    }
    if (r)
        return r;
    if ((w.node->mode & S_IFMT) != S_IFSOCK)
        return -ECONNREFUSED;
    if ((r = vfs_permission(w.node, 2)))
        return r;
    for (struct usock *o = unix_all; o; o = o->all_next) {
        if (o->node == w.node) {
            *out = o;
            return 0;
        }
    }
    return -ECONNREFUSED;
}

int unix_listen(struct file *f, int backlog)
{
    struct usock *s = (struct usock *)f;
    if (s->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (s->state == US_CONNECTED || !s->addr.len)
        return -EINVAL;
    if (backlog < 0)
        backlog = 0;
    if (backlog > 4096)
        backlog = 4096; /* net.core.somaxconn */
    s->backlog = backlog;
    if (s->state != US_LISTEN) {
        s->state = US_LISTEN;
        unix_set_cred(s);
    }
    unix_wake_waiters(s, 1);
    return 0;
}

int unix_accept(struct file *f, int flags, struct file **out, void *sa, uint32_t *len)
{
    struct usock *s = (struct usock *)f;
    if (s->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (s->state != US_LISTEN)
        return -EINVAL;
    struct usock *c = s->aq;
    if (!c)
        return -EAGAIN;
    s->aq = c->aq_next;
    if (!s->aq)
        s->aq_tail = NULL;
    s->aq_n--;
    c->aq_next = NULL;
    c->in_aq = 0;
    if (flags & SOCK_NONBLOCK)
        c->f.flags |= O_NONBLOCK;
    if (sa && len)
        unix_name(&c->f, 1, sa, len);
    unix_wake_waiters(s, 1); /* room in the backlog for a blocked connect */
    *out = &c->f;
    return 0;
}

static int dgram_connect(struct usock *s, const void *sa, uint32_t len)
{
    uint16_t fam = 0;
    if (len >= 2)
        memcpy(&fam, sa, 2);
    if (fam == AF_UNSPEC) { /* dissolves the association */
        s->peer = NULL;
        s->peer_gone = 0;
        s->paddr.len = 0;
        s->state = US_NEW;
        return 0;
    }
    struct usock *t;
    int r = unix_lookup(sa, len, &t);
    if (r)
        return r;
    if (t->type != s->type)
        return -EPROTOTYPE;
    if (s->passcred && !s->addr.len && (r = unix_autobind(s)))
        return r;
    s->peer = t;
    s->peer_gone = 0;
    s->paddr = t->addr;
    s->state = US_CONNECTED;
    return 0;
}

int unix_connect(struct file *f, const void *sa, uint32_t len, int restarted)
{
    struct usock *s = (struct usock *)f;
    if (s->type == SOCK_DGRAM)
        return dgram_connect(s, sa, len);
    if (s->state == US_CONNECTED)
        return -EISCONN;
    if (s->state == US_LISTEN)
        return -EINVAL;
    (void)restarted;
    struct usock *l;
    int r = unix_lookup(sa, len, &l);
    if (r)
        return r;
    if (l->type != s->type)
        return -EPROTOTYPE;
    if (l->state != US_LISTEN)
        return -ECONNREFUSED;
    if (l->aq_n > l->backlog) { /* Linux: full past the backlog */
        s->waiting_on = l;
        l->has_waiters = 1;
        return -EAGAIN;
    }
    if (s->passcred && !s->addr.len && (r = unix_autobind(s)))
        return r; /* as Linux: a socket passing credentials gets a name */
    struct usock *c = unix_alloc(s->type, 0);
    if (!c)
        return -ENOMEM;
    c->state = s->state = US_CONNECTED;
    c->peer = s;
    s->peer = c;
    c->addr = l->addr;          /* the accepted socket answers to the listener's name */
    c->paddr = s->addr;
    s->paddr = l->addr;
    c->sndbuf = l->sndbuf;
    c->rcvbuf = l->rcvbuf;
    c->passcred = l->passcred;
    unix_set_cred(s);
    unix_set_cred(c);
    c->in_aq = 1;
    if (l->aq_tail)
        l->aq_tail->aq_next = c;
    else
        l->aq = c;
    l->aq_tail = c;
    l->aq_n++;
    unix_notify(l, EPOLLIN);
    unix_notify(s, EPOLLOUT);
    return 0;
}

/* The unnamed address: the family alone. */
static uint32_t name_out(const struct uaddr *a, void *sa, uint32_t cap)
{
    uint16_t fam = AF_UNIX;
    if (!a->len) {
        memcpy(sa, &fam, cap < 2 ? cap : 2);
        return 2;
    }
    memcpy(sa, a->sa, cap < a->len ? cap : a->len);
    return a->len;
}

int unix_name(struct file *f, int peer, void *sa, uint32_t *len)
{
    struct usock *s = (struct usock *)f;
    if (!peer) {
        *len = name_out(&s->addr, sa, *len);
        return 0;
    }
    if (s->state != US_CONNECTED)
        return -ENOTCONN;
    if (s->type == SOCK_DGRAM && !s->peer)
        return -ENOTCONN;
    *len = name_out(&s->paddr, sa, *len);
    return 0;
}
