/* ustar.c: indexes a POSIX ustar disk (ustar, PAX and GNU long names) and reads file data through an LRU block cache. */
#include "ustar.h"

/* Given by the bindings in the guest and by libc (plus the harness) on the host. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Linux errno values (the module has no headers of its own). */
#define U_EIO 5
#define U_ENOMEM 12
#define U_EISDIR 21
#define U_EINVAL 22
#define U_ENAMETOOLONG 36

#define F_UNHASHED 0x8000u /* internal: removed from the hash (a replaced dir's child) */

/* What the meta headers (PAX 'x', GNU 'L'/'K') say about the next entry. */
#define PAX_DATA_MAX (64u * 1024) /* a PAX header bigger than this is refused */

struct scan {
    struct ustar_index *ix;
    const struct ustar_io *io;
    uint64_t disk;
    uint64_t off;             /* disk offset of the header being read */
    char *err;
    size_t errlen;
    uint8_t hdr[USTAR_SECTOR];
    char *name;               /* pending long name (USTAR_PATH_MAX + 1 bytes) */
    char *link;               /* pending long link target, then the one in use */
    uint8_t *pax;             /* PAX data buffer (PAX_DATA_MAX), allocated when needed */
    size_t name_len, link_len;
    int have_name, have_link;
    int have_size, have_uid, have_gid, have_mtime;
    uint64_t size, uid, gid;
    int64_t mtime;
};

/* ---- messages ---- */

/* Copies at most 60 bytes of a name into out, with anything unprintable as '?'. */
static void safe_name(char *out, size_t outlen, const char *s, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 4 < outlen; i++) {
        if (j >= 60) {
            out[j++] = '.';
            out[j++] = '.';
            out[j++] = '.';
            break;
        }
        unsigned char c = (unsigned char)s[i];
        out[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    out[j] = 0;
}

static int fail(struct scan *s, int rc, const char *what)
{
    if (s->err && s->errlen)
        lib_snprintf(s->err, s->errlen, "entry at byte %llu: %s",
                (unsigned long long)s->off, what);
    return rc;
}

static int fail_name(struct scan *s, int rc, const char *name, size_t n, const char *what)
{
    char safe[72];
    safe_name(safe, sizeof safe, name, n);
    if (s->err && s->errlen)
        lib_snprintf(s->err, s->errlen, "entry '%s' at byte %llu: %s", safe,
                (unsigned long long)s->off, what);
    return rc;
}

/* ---- memory ---- */

static void *ualloc(const struct ustar_io *io, size_t n)
{
    void *p = io->alloc(io->ctx, n);
    if (p)
        memset(p, 0, n);
    return p;
}

/* Grows an array of pointers (cap doubles); 0 or -ENOMEM. */
static int grow_ptrs(const struct ustar_io *io, void ***arr, uint32_t *cap, uint32_t need)
{
    if (need <= *cap)
        return 0;
    uint32_t ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    void **n = ualloc(io, (size_t)ncap * sizeof(void *));
    if (!n)
        return -U_ENOMEM;
    if (*arr) {
        memcpy(n, *arr, (size_t)*cap * sizeof(void *));
        io->free(io->ctx, *arr, (size_t)*cap * sizeof(void *));
    }
    *arr = n;
    *cap = ncap;
    return 0;
}

#define ARENA_CHUNK (64u * 1024)

/* Copies n bytes (+ a NUL) into the name arena. */
static char *arena_dup(struct ustar_index *ix, const char *src, size_t n)
{
    if (n + 1 > ARENA_CHUNK)
        return NULL;
    if (!ix->arena || ix->arena_used + n + 1 > ix->arena_size) {
        if (grow_ptrs(ix->io, &ix->arenas, &ix->arenas_cap, ix->narenas + 1))
            return NULL;
        char *a = ix->io->alloc(ix->io->ctx, ARENA_CHUNK);
        if (!a)
            return NULL;
        ix->arenas[ix->narenas++] = a;
        ix->arena = a;
        ix->arena_used = 0;
        ix->arena_size = ARENA_CHUNK;
    }
    char *d = ix->arena + ix->arena_used;
    memcpy(d, src, n);
    d[n] = 0;
    ix->arena_used += n + 1;
    return d;
}

/* ---- the hash of (parent, name) ---- */

static uint32_t hash_of(uint32_t parent, const char *name, size_t len)
{
    uint32_t h = 2166136261u ^ parent;
    h *= 16777619u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)name[i];
        h *= 16777619u;
    }
    return h;
}

static void hash_insert(struct ustar_index *ix, uint32_t i)
{
    struct ustar_ent *e = ustar_ent(ix, i);
    uint32_t b = hash_of(e->parent, e->name, e->name_len) & (ix->nbuckets - 1);
    e->hash_next = ix->buckets[b];
    ix->buckets[b] = i;
}

static void hash_remove(struct ustar_index *ix, uint32_t i)
{
    struct ustar_ent *e = ustar_ent(ix, i);
    uint32_t b = hash_of(e->parent, e->name, e->name_len) & (ix->nbuckets - 1);
    uint32_t *p = &ix->buckets[b];
    while (*p != USTAR_NONE) {
        if (*p == i) {
            *p = e->hash_next;
            break;
        }
        p = &ustar_ent(ix, *p)->hash_next;
    }
    e->hash_next = USTAR_NONE;
    e->flags |= F_UNHASHED;
}

static int hash_resize(struct ustar_index *ix, uint32_t nb)
{
    uint32_t *n = ix->io->alloc(ix->io->ctx, (size_t)nb * sizeof(uint32_t));
    if (!n)
        return -U_ENOMEM;
    for (uint32_t k = 0; k < nb; k++)
        n[k] = USTAR_NONE;
    if (ix->buckets)
        ix->io->free(ix->io->ctx, ix->buckets, (size_t)ix->nbuckets * sizeof(uint32_t));
    ix->buckets = n;
    ix->nbuckets = nb;
    for (uint32_t i = 1; i < ix->count; i++)
        if (!(ustar_ent(ix, i)->flags & F_UNHASHED))
            hash_insert(ix, i);
    return 0;
}

uint32_t ustar_lookup(const struct ustar_index *ix, uint32_t dir, const char *name,
        size_t len)
{
    const struct ustar_ent *d = ustar_ent(ix, dir);
    if (!d || (d->mode & USTAR_IFMT) != USTAR_IFDIR || !ix->nbuckets)
        return USTAR_NONE;
    uint32_t b = hash_of(dir, name, len) & (ix->nbuckets - 1);
    /* A chain is at most count long; the bound only guards against a corrupted index. */
    uint32_t steps = 0;
    for (uint32_t i = ix->buckets[b]; i != USTAR_NONE && steps <= ix->count; steps++) {
        const struct ustar_ent *e = ustar_ent(ix, i);
        if (!e)
            break;
        if (e->parent == dir && e->name_len == len && memcmp(e->name, name, len) == 0)
            return i;
        i = e->hash_next;
    }
    return USTAR_NONE;
}

uint32_t ustar_lookup_path(const struct ustar_index *ix, const char *path, size_t len)
{
    uint32_t cur = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && path[i] == '/')
            i++;
        size_t st = i;
        while (i < len && path[i] != '/')
            i++;
        size_t n = i - st;
        if (n == 0 || (n == 1 && path[st] == '.'))
            continue;
        if (n == 2 && path[st] == '.' && path[st + 1] == '.')
            return USTAR_NONE;
        cur = ustar_lookup(ix, cur, path + st, n);
        if (cur == USTAR_NONE)
            return USTAR_NONE;
    }
    return cur;
}

/* ---- entries ---- */

static uint32_t new_entry(struct ustar_index *ix)
{
    if (ix->count == USTAR_NONE - 1)
        return USTAR_NONE;
    uint32_t i = ix->count;
    if (i / USTAR_CHUNK_ENTS >= ix->nchunks) {
        if (grow_ptrs(ix->io, (void ***)&ix->chunks, &ix->chunks_cap, ix->nchunks + 1))
            return USTAR_NONE;
        struct ustar_ent *c = ualloc(ix->io, USTAR_CHUNK_ENTS * sizeof(struct ustar_ent));
        if (!c)
            return USTAR_NONE;
        ix->chunks[ix->nchunks++] = c;
    }
    ix->count++;
    struct ustar_ent *e = ustar_ent(ix, i);
    memset(e, 0, sizeof *e);
    e->parent = 0;
    e->first_child = e->last_child = e->next_sibling = e->hash_next = USTAR_NONE;
    e->primary = i;
    e->nlink = 1;
    e->ino = ++ix->next_ino;
    return i;
}

/* Adds a fresh entry called name under dir (hashed, appended to dir's children). */
static uint32_t add_child(struct ustar_index *ix, uint32_t dir, const char *name, size_t n)
{
    if (ix->count + 1 > ix->nbuckets * 2 && hash_resize(ix, ix->nbuckets * 2))
        return USTAR_NONE;
    const char *nm = arena_dup(ix, name, n);
    if (!nm)
        return USTAR_NONE;
    uint32_t i = new_entry(ix);
    if (i == USTAR_NONE)
        return USTAR_NONE;
    struct ustar_ent *e = ustar_ent(ix, i), *d = ustar_ent(ix, dir);
    e->name = nm;
    e->name_len = (uint16_t)n;
    e->parent = dir;
    if (d->last_child == USTAR_NONE)
        d->first_child = i;
    else
        ustar_ent(ix, d->last_child)->next_sibling = i;
    d->last_child = i;
    hash_insert(ix, i);
    return i;
}

/* Detaches the children of a directory replaced by a non-directory: they become
 * unreachable (by lookup and by readdir). */
static void drop_children(struct ustar_index *ix, struct ustar_ent *d)
{
    uint32_t steps = 0;
    for (uint32_t c = d->first_child; c != USTAR_NONE && steps <= ix->count; steps++) {
        struct ustar_ent *ce = ustar_ent(ix, c);
        uint32_t next = ce->next_sibling;
        hash_remove(ix, c);
        ce->next_sibling = USTAR_NONE;
        c = next;
    }
    d->first_child = d->last_child = USTAR_NONE;
}

/* The attributes an archive entry gives. */
struct attrs {
    uint32_t mode; /* type | perms */
    uint32_t uid, gid, major, minor;
    uint64_t size, data_off;
    int64_t mtime;
    const char *link;
    size_t link_len;
    char type;
};

/* Splits name into components under the root, creating missing parent directories;
 * returns the parent's index and the last component in *last and *last_len (length 0: the
 * root itself), or a negative errno via *rc. */
static uint32_t walk_parents(struct scan *s, const char *name, size_t len, const char **last,
        size_t *last_len, int *rc)
{
    struct ustar_index *ix = s->ix;
    uint32_t dir = 0;
    size_t i = 0, total = 0;
    *last = NULL;
    *last_len = 0;
    for (size_t k = 0; k < len; k++)
        if (name[k] == 0) {
            *rc = fail_name(s, -U_EINVAL, name, len, "name contains a NUL byte");
            return USTAR_NONE;
        }
    while (i < len) {
        while (i < len && name[i] == '/')
            i++;
        size_t st = i;
        while (i < len && name[i] != '/')
            i++;
        size_t n = i - st;
        if (n == 0 || (n == 1 && name[st] == '.'))
            continue;
        if (n == 2 && name[st] == '.' && name[st + 1] == '.') {
            *rc = fail_name(s, -U_EINVAL, name, len, "name contains '..'");
            return USTAR_NONE;
        }
        if (n > USTAR_NAME_MAX) {
            *rc = fail_name(s, -U_ENAMETOOLONG, name, len,
                    "name component longer than 255 bytes");
            return USTAR_NONE;
        }
        total += n + 1;
        if (total >= USTAR_PATH_MAX) {
            *rc = fail_name(s, -U_ENAMETOOLONG, name, len, "name longer than 4095 bytes");
            return USTAR_NONE;
        }
        /* Is there another component after this one? */
        size_t j = i;
        while (j < len && name[j] == '/')
            j++;
        int more = 0;
        while (j < len) {
            size_t st2 = j;
            while (j < len && name[j] != '/')
                j++;
            if (!(j - st2 == 1 && name[st2] == '.')) {
                more = 1;
                break;
            }
            while (j < len && name[j] == '/')
                j++;
        }
        if (!more) {
            *last = name + st;
            *last_len = n;
            return dir;
        }
        uint32_t c = ustar_lookup(ix, dir, name + st, n);
        if (c == USTAR_NONE) {
            c = add_child(ix, dir, name + st, n);
            if (c == USTAR_NONE) {
                *rc = fail_name(s, -U_ENOMEM, name, len, "out of memory for the index");
                return USTAR_NONE;
            }
            struct ustar_ent *e = ustar_ent(ix, c);
            e->mode = USTAR_IFDIR | 0755;
            e->nlink = 2;
            e->flags = USTAR_F_IMPLICIT;
        } else if ((ustar_ent(ix, c)->mode & USTAR_IFMT) != USTAR_IFDIR) {
            *rc = fail_name(s, -U_EINVAL, name, len, "a parent is not a directory");
            return USTAR_NONE;
        }
        dir = c;
    }
    return dir; /* the root itself: *last_len == 0 */
}

static int add_entry(struct scan *s, const char *name, size_t len, const struct attrs *a)
{
    struct ustar_index *ix = s->ix;
    const char *last;
    size_t last_len;
    int rc = 0;
    uint32_t dir = walk_parents(s, name, len, &last, &last_len, &rc);
    if (dir == USTAR_NONE)
        return rc;

    /* Hard links take the target's inode, looked up before this name is (re)placed. */
    struct ustar_ent tgt;
    memset(&tgt, 0, sizeof tgt);
    int link_err = 0;
    uint32_t tgt_i = USTAR_NONE;
    if (a->type == '1') {
        tgt_i = ustar_lookup_path(ix, a->link, a->link_len);
        struct ustar_ent *t = ustar_ent(ix, tgt_i);
        if (!t || (t->mode & USTAR_IFMT) != USTAR_IFREG)
            link_err = U_EIO; /* missing target, outside the tree or not a file */
        else
            tgt = *t;
    }

    uint32_t i;
    if (last_len == 0) {
        if ((a->mode & USTAR_IFMT) != USTAR_IFDIR)
            return fail_name(s, -U_EINVAL, name, len, "the root entry is not a directory");
        i = 0;
    } else {
        i = ustar_lookup(ix, dir, last, last_len);
        if (i == USTAR_NONE) {
            i = add_child(ix, dir, last, last_len);
            if (i == USTAR_NONE)
                return fail_name(s, -U_ENOMEM, name, len, "out of memory for the index");
        }
    }
    struct ustar_ent *e = ustar_ent(ix, i);
    int was_dir = (e->mode & USTAR_IFMT) == USTAR_IFDIR;
    int is_dir = (a->mode & USTAR_IFMT) == USTAR_IFDIR;
    if (was_dir && !is_dir)
        drop_children(ix, e);
    if (!(was_dir && is_dir) && i != 0)
        e->ino = ++ix->next_ino; /* a new file under an old name is a new inode */
    if ((e->mode & USTAR_IFMT) == USTAR_IFREG && !(e->flags & USTAR_F_HARDLINK))
        ix->data_bytes -= e->size;
    e->mode = a->mode;
    e->uid = a->uid;
    e->gid = a->gid;
    e->mtime = a->mtime;
    e->rdev_major = a->major;
    e->rdev_minor = a->minor;
    e->size = 0;
    e->data_off = 0;
    e->link = NULL;
    e->link_len = 0;
    e->err = 0;
    e->primary = i;
    e->nlink = is_dir ? 2 : 1;
    e->flags &= F_UNHASHED; /* not implicit, not a hard link */
    switch (a->type) {
    case '1':
        e->flags |= USTAR_F_HARDLINK;
        if (link_err || tgt_i == i) {
            e->mode = USTAR_IFREG | (a->mode & 07777);
            e->err = (int16_t)(link_err ? link_err : U_EIO);
            break;
        }
        /* stat of a hard link is its target's: one inode */
        e->mode = tgt.mode;
        e->uid = tgt.uid;
        e->gid = tgt.gid;
        e->mtime = tgt.mtime;
        e->size = tgt.size;
        e->data_off = tgt.data_off;
        e->err = tgt.err;
        e->ino = tgt.ino;
        e->primary = tgt.primary;
        break;
    case '2':
        e->link = arena_dup(ix, a->link, a->link_len);
        if (!e->link)
            return fail_name(s, -U_ENOMEM, name, len, "out of memory for the index");
        e->link_len = (uint16_t)a->link_len;
        e->size = a->link_len;
        break;
    case '5':
        break;
    case '3':
    case '4':
    case '6':
        break;
    default: /* regular */
        e->size = a->size;
        e->data_off = a->data_off;
        ix->data_bytes += a->size;
        break;
    }
    return 0;
}

/* After the scan: link counts of hard-linked inodes and of directories. */
static void finish_counts(struct ustar_index *ix)
{
    for (uint32_t i = 1; i < ix->count; i++) {
        struct ustar_ent *e = ustar_ent(ix, i);
        if (e->flags & F_UNHASHED)
            continue;
        if ((e->flags & USTAR_F_HARDLINK) && e->primary != i) {
            struct ustar_ent *p = ustar_ent(ix, e->primary);
            if (p && p->ino == e->ino)
                p->nlink++;
        }
        if ((e->mode & USTAR_IFMT) == USTAR_IFDIR) {
            struct ustar_ent *d = ustar_ent(ix, e->parent);
            if (d)
                d->nlink++;
        }
    }
    for (uint32_t i = 1; i < ix->count; i++) {
        struct ustar_ent *e = ustar_ent(ix, i);
        if ((e->flags & USTAR_F_HARDLINK) && e->primary != i) {
            struct ustar_ent *p = ustar_ent(ix, e->primary);
            if (p && p->ino == e->ino)
                e->nlink = p->nlink;
        }
    }
}

/* ---- header fields ---- */

/* A numeric field: octal (spaces, digits, then spaces/NULs) or GNU base-256 (non-negative
 * only). 0 or -1 when malformed or over 2^63. */
static int parse_num(const uint8_t *f, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (f[0] & 0x80) {
        if (f[0] != 0x80)
            return -1;
        for (size_t i = 1; i < n; i++) {
            if (v >> 55)
                return -1;
            v = (v << 8) | f[i];
        }
        *out = v;
        return 0;
    }
    size_t i = 0;
    while (i < n && f[i] == ' ')
        i++;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v >> 60)
            return -1;
        v = v * 8 + (uint64_t)(f[i] - '0');
    }
    for (; i < n; i++)
        if (f[i] != ' ' && f[i] != 0)
            return -1;
    *out = v;
    return 0;
}

static size_t field_len(const uint8_t *f, size_t n)
{
    size_t i = 0;
    while (i < n && f[i])
        i++;
    return i;
}

static int checksum_ok(const uint8_t *h)
{
    uint64_t want;
    if (parse_num(h + 148, 8, &want))
        return 0;
    uint64_t us = 0;
    int64_t ss = 0;
    for (int i = 0; i < (int)USTAR_SECTOR; i++) {
        uint8_t c = (i >= 148 && i < 156) ? ' ' : h[i];
        us += c;
        ss += (int8_t)c;
    }
    return want == us || (int64_t)want == ss;
}

static int all_zero(const uint8_t *h)
{
    for (int i = 0; i < (int)USTAR_SECTOR; i++)
        if (h[i])
            return 0;
    return 1;
}

/* Decimal with an optional '-' and an ignored fraction (PAX mtime); 0 or -1. */
static int parse_dec(const char *p, size_t n, int allow_neg, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (allow_neg && i < n && p[i] == '-') {
        neg = 1;
        i++;
    }
    if (i >= n || p[i] < '0' || p[i] > '9')
        return -1;
    uint64_t v = 0;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        if (v > (UINT64_MAX >> 1) / 10)
            return -1;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    if (i < n && p[i] == '.' && allow_neg) {
        for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
            ;
    }
    if (i != n || v > (uint64_t)INT64_MAX)
        return -1;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

/* Reads len bytes of entry data at the current entry into buf (len <= size checked). */
static int read_data(struct scan *s, uint64_t off, uint8_t *buf, size_t len)
{
    uint8_t sec[USTAR_SECTOR];
    size_t done = 0;
    while (done < len) {
        int rc = s->io->read(s->io->ctx, off + done, sec, USTAR_SECTOR);
        if (rc)
            return fail(s, -U_EIO, "disk read failed");
        size_t n = len - done < USTAR_SECTOR ? len - done : USTAR_SECTOR;
        memcpy(buf + done, sec, n);
        done += n;
    }
    return 0;
}

static int parse_pax(struct scan *s, uint64_t data_off, uint64_t size)
{
    if (size > PAX_DATA_MAX)
        return fail(s, -U_EINVAL, "PAX header larger than 64 KiB");
    if (!s->pax && !(s->pax = s->io->alloc(s->io->ctx, PAX_DATA_MAX)))
        return fail(s, -U_ENOMEM, "out of memory for a PAX header");
    int rc = read_data(s, data_off, s->pax, (size_t)size);
    if (rc)
        return rc;
    const char *p = (const char *)s->pax;
    size_t pos = 0, n = (size_t)size;
    while (pos < n) {
        /* "<len> <key>=<value>\n", len counting the whole record */
        size_t i = pos, reclen = 0;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            reclen = reclen * 10 + (size_t)(p[i] - '0');
            if (reclen > n)
                return fail(s, -U_EINVAL, "bad PAX record length");
            i++;
        }
        if (i == pos) {
            if (p[pos] == 0) /* NUL padding after the last record */
                break;
            return fail(s, -U_EINVAL, "bad PAX record");
        }
        if (i >= n || p[i] != ' ' || reclen > n - pos || reclen < (i - pos) + 3 ||
                p[pos + reclen - 1] != '\n')
            return fail(s, -U_EINVAL, "bad PAX record");
        const char *kv = p + i + 1;
        size_t kvlen = pos + reclen - 1 - (i + 1);
        size_t eq = 0;
        while (eq < kvlen && kv[eq] != '=')
            eq++;
        if (eq == kvlen || eq == 0)
            return fail(s, -U_EINVAL, "bad PAX record");
        const char *v = kv + eq + 1;
        size_t vlen = kvlen - eq - 1;
#define KEY(k) (eq == sizeof(k) - 1 && memcmp(kv, k, eq) == 0)
        int64_t num;
        if (KEY("path")) {
            if (vlen > USTAR_PATH_MAX - 1)
                return fail(s, -U_ENAMETOOLONG, "PAX path longer than 4095 bytes");
            memcpy(s->name, v, vlen);
            s->name_len = vlen;
            s->have_name = 1;
        } else if (KEY("linkpath")) {
            if (vlen > USTAR_PATH_MAX - 1)
                return fail(s, -U_ENAMETOOLONG, "PAX linkpath longer than 4095 bytes");
            memcpy(s->link, v, vlen);
            s->link_len = vlen;
            s->have_link = 1;
        } else if (KEY("size")) {
            if (parse_dec(v, vlen, 0, &num))
                return fail(s, -U_EINVAL, "bad PAX size");
            s->size = (uint64_t)num;
            s->have_size = 1;
        } else if (KEY("uid") || KEY("gid")) {
            if (parse_dec(v, vlen, 0, &num) || num > 0xffffffffLL)
                return fail(s, -U_EINVAL, "bad PAX uid/gid");
            if (kv[0] == 'u') {
                s->uid = (uint64_t)num;
                s->have_uid = 1;
            } else {
                s->gid = (uint64_t)num;
                s->have_gid = 1;
            }
        } else if (KEY("mtime")) {
            if (parse_dec(v, vlen, 1, &num))
                return fail(s, -U_EINVAL, "bad PAX mtime");
            s->mtime = num;
            s->have_mtime = 1;
        }
        /* other keys (atime, ctime, xattrs, uname, ...) are not kept */
#undef KEY
        pos += reclen;
    }
    return 0;
}

/* GNU 'L'/'K': the data is the name, NUL-terminated (trailing NULs dropped). */
static int parse_gnu_long(struct scan *s, uint64_t data_off, uint64_t size, int is_link)
{
    if (size > USTAR_PATH_MAX)
        return fail(s, -U_ENAMETOOLONG, "GNU long name longer than 4095 bytes");
    char *dst = is_link ? s->link : s->name;
    int rc = read_data(s, data_off, (uint8_t *)dst, (size_t)size);
    if (rc)
        return rc;
    size_t n = (size_t)size;
    while (n > 0 && dst[n - 1] == 0)
        n--;
    if (n > USTAR_PATH_MAX - 1)
        return fail(s, -U_ENAMETOOLONG, "GNU long name longer than 4095 bytes");
    if (is_link) {
        s->link_len = n;
        s->have_link = 1;
    } else {
        s->name_len = n;
        s->have_name = 1;
    }
    return 0;
}

static void clear_pending(struct scan *s)
{
    s->have_name = s->have_link = 0;
    s->have_size = s->have_uid = s->have_gid = s->have_mtime = 0;
}

/* One file entry (the header is in s->hdr, its data at data_off). */
static int file_entry(struct scan *s, char type, int posix, uint64_t size, uint64_t data_off)
{
    const uint8_t *h = s->hdr;
    struct attrs a;
    memset(&a, 0, sizeof a);
    uint64_t v;
    a.type = type;
    a.size = size;
    a.data_off = data_off;
    if (parse_num(h + 100, 8, &v))
        return fail(s, -U_EINVAL, "bad mode field");
    uint32_t perm = (uint32_t)(v & 07777);
    if (parse_num(h + 108, 8, &v) || v > 0xffffffffu)
        return fail(s, -U_EINVAL, "bad uid field");
    a.uid = (uint32_t)v;
    if (parse_num(h + 116, 8, &v) || v > 0xffffffffu)
        return fail(s, -U_EINVAL, "bad gid field");
    a.gid = (uint32_t)v;
    if (parse_num(h + 136, 12, &v))
        v = 0; /* an unreadable or negative base-256 time: the epoch */
    a.mtime = (int64_t)v;
    if (s->have_uid)
        a.uid = (uint32_t)s->uid;
    if (s->have_gid)
        a.gid = (uint32_t)s->gid;
    if (s->have_mtime)
        a.mtime = s->mtime;
    if (type == '3' || type == '4') {
        if (parse_num(h + 329, 8, &v) || v > 0xffffffffu)
            return fail(s, -U_EINVAL, "bad device major");
        a.major = (uint32_t)v;
        if (parse_num(h + 337, 8, &v) || v > 0xffffffffu)
            return fail(s, -U_EINVAL, "bad device minor");
        a.minor = (uint32_t)v;
    }
    switch (type) {
    case '1': a.mode = USTAR_IFREG; break;
    case '2': a.mode = USTAR_IFLNK; break;
    case '3': a.mode = USTAR_IFCHR; break;
    case '4': a.mode = USTAR_IFBLK; break;
    case '5': a.mode = USTAR_IFDIR; break;
    case '6': a.mode = USTAR_IFIFO; break;
    default: a.mode = USTAR_IFREG; break;
    }
    a.mode |= perm;

    /* the name: PAX path, GNU long name, or prefix "/" name */
    char *name = s->name;
    size_t nlen;
    if (s->have_name) {
        nlen = s->name_len;
    } else {
        size_t pl = posix ? field_len(h + 345, 155) : 0;
        size_t bl = field_len(h, 100);
        nlen = 0;
        if (pl) {
            memcpy(name, h + 345, pl);
            name[pl] = '/';
            nlen = pl + 1;
        }
        memcpy(name + nlen, h, bl);
        nlen += bl;
    }
    if (type == '1' || type == '2') {
        if (!s->have_link) {
            size_t ll = field_len(h + 157, 100);
            memcpy(s->link, h + 157, ll);
            s->link_len = ll;
        }
        for (size_t k = 0; k < s->link_len; k++)
            if (s->link[k] == 0)
                return fail_name(s, -U_EINVAL, name, nlen, "link target contains a NUL byte");
        s->link[s->link_len] = 0;
        a.link = s->link;
        a.link_len = s->link_len;
    }
    return add_entry(s, name, nlen, &a);
}

static int scan_all(struct scan *s)
{
    uint64_t disk = s->disk;
    s->off = 0;
    while (s->off + USTAR_SECTOR <= disk) {
        uint8_t *h = s->hdr;
        if (s->io->read(s->io->ctx, s->off, h, USTAR_SECTOR))
            return fail(s, -U_EIO, "disk read failed");
        if (all_zero(h))
            return 0; /* end of archive */
        if (!checksum_ok(h))
            return fail(s, -U_EINVAL, "bad header checksum");
        int posix = memcmp(h + 257, "ustar\0" "00", 8) == 0;
        int gnu = memcmp(h + 257, "ustar  \0", 8) == 0;
        if (!posix && !gnu)
            return fail(s, -U_EINVAL, "not a ustar header (bad magic)");
        uint64_t size;
        if (parse_num(h + 124, 12, &size))
            return fail(s, -U_EINVAL, "bad size field");
        char type = (char)h[156];
        int header_only = type == '1' || type == '2' || type == '3' || type == '4' ||
                type == '5' || type == '6';
        int regular = type == '0' || type == 0 || type == '7';
        if (regular && s->have_size)
            size = s->size; /* PAX size wins: the field cannot hold 8 GiB or more */
        if (header_only)
            size = 0; /* as GNU and Go tar: these types carry no data whatever size says */
        uint64_t data_off = s->off + USTAR_SECTOR;
        if (size > disk - data_off) {
            char msg[96];
            lib_snprintf(msg, sizeof msg, "size %llu past the end of the disk (%llu bytes)",
                    (unsigned long long)size, (unsigned long long)disk);
            if (regular && !s->have_name)
                return fail_name(s, -U_EIO, (const char *)h, field_len(h, 100), msg);
            return fail(s, -U_EIO, msg);
        }
        uint64_t next = data_off + ((size + USTAR_SECTOR - 1) / USTAR_SECTOR) * USTAR_SECTOR;
        int rc = 0;
        switch (type) {
        case 'x':
            rc = parse_pax(s, data_off, size);
            break;
        case 'g': /* global PAX records: nothing we keep */
        case 'V': /* GNU volume label */
            break;
        case 'L':
        case 'K':
            rc = parse_gnu_long(s, data_off, size, type == 'K');
            break;
        default:
            if (!regular && !header_only) {
                char msg[64];
                lib_snprintf(msg, sizeof msg, "unsupported entry type 0x%02x", (unsigned)(uint8_t)type);
                return fail(s, -U_EINVAL, msg);
            }
            rc = file_entry(s, type, posix, size, data_off);
            clear_pending(s);
            break;
        }
        if (rc)
            return rc;
        s->off = next;
    }
    return 0;
}

int ustar_index_build(struct ustar_index *ix, const struct ustar_io *io, char *err,
        size_t errlen)
{
    memset(ix, 0, sizeof *ix);
    ix->io = io;
    if (err && errlen)
        err[0] = 0;
    struct scan s;
    memset(&s, 0, sizeof s);
    s.ix = ix;
    s.io = io;
    s.disk = io->disk_size & ~(uint64_t)(USTAR_SECTOR - 1);
    s.err = err;
    s.errlen = errlen;
    int rc = -U_ENOMEM;
    s.name = io->alloc(io->ctx, USTAR_PATH_MAX + 1);
    s.link = io->alloc(io->ctx, USTAR_PATH_MAX + 1);
    if (!s.name || !s.link || hash_resize(ix, 1024) || new_entry(ix) != 0) {
        fail(&s, -U_ENOMEM, "out of memory for the index");
        goto out;
    }
    struct ustar_ent *root = ustar_ent(ix, 0);
    root->name = "";
    root->mode = USTAR_IFDIR | 0755;
    root->nlink = 2;
    root->flags = USTAR_F_IMPLICIT;
    rc = scan_all(&s);
    if (rc == 0)
        finish_counts(ix);
out:
    if (s.name)
        io->free(io->ctx, s.name, USTAR_PATH_MAX + 1);
    if (s.link)
        io->free(io->ctx, s.link, USTAR_PATH_MAX + 1);
    if (s.pax)
        io->free(io->ctx, s.pax, PAX_DATA_MAX);
    if (rc)
        ustar_index_free(ix);
    return rc;
}

void ustar_index_free(struct ustar_index *ix)
{
    const struct ustar_io *io = ix->io;
    if (!io)
        return;
    for (uint32_t i = 0; i < ix->nchunks; i++)
        io->free(io->ctx, ix->chunks[i], USTAR_CHUNK_ENTS * sizeof(struct ustar_ent));
    if (ix->chunks)
        io->free(io->ctx, ix->chunks, (size_t)ix->chunks_cap * sizeof(void *));
    for (uint32_t i = 0; i < ix->narenas; i++)
        io->free(io->ctx, ix->arenas[i], ARENA_CHUNK);
    if (ix->arenas)
        io->free(io->ctx, ix->arenas, (size_t)ix->arenas_cap * sizeof(void *));
    if (ix->buckets)
        io->free(io->ctx, ix->buckets, (size_t)ix->nbuckets * sizeof(uint32_t));
    memset(ix, 0, sizeof *ix);
}

/* ---- the block cache ---- */

void ustar_cache_init(struct ustar_cache *c, const struct ustar_io *io)
{
    memset(c, 0, sizeof *c);
    c->io = io;
}

void ustar_cache_free(struct ustar_cache *c)
{
    for (unsigned i = 0; i < USTAR_CACHE_SLOTS; i++)
        if (c->slot[i].buf)
            c->io->free(c->io->ctx, c->slot[i].buf, USTAR_CACHE_CHUNK);
    memset(c, 0, sizeof *c);
}

/* The slot holding the chunk at off (aligned), read on a miss; or a negative errno. */
static int cache_get(struct ustar_cache *c, uint64_t off)
{
    int victim = -1, with_buf = -1;
    for (unsigned i = 0; i < USTAR_CACHE_SLOTS; i++) {
        if (c->slot[i].used && c->slot[i].off == off) {
            c->slot[i].used = ++c->clock;
            c->hits++;
            return (int)i;
        }
    }
    c->misses++;
    /* an empty slot first, else the least recently used one that has memory */
    for (unsigned i = 0; i < USTAR_CACHE_SLOTS; i++) {
        if (!c->slot[i].used) {
            if (victim < 0 || (c->slot[i].buf && !c->slot[victim].buf))
                victim = (int)i;
        } else if (with_buf < 0 || c->slot[i].used < c->slot[with_buf].used) {
            with_buf = (int)i;
        }
    }
    if (victim >= 0 && !c->slot[victim].buf) {
        c->slot[victim].buf = c->io->alloc(c->io->ctx, USTAR_CACHE_CHUNK);
        if (!c->slot[victim].buf)
            victim = -1; /* no memory for another chunk: reuse one */
    }
    if (victim < 0)
        victim = with_buf;
    if (victim < 0)
        return -U_ENOMEM;
    uint64_t disk = c->io->disk_size & ~(uint64_t)(USTAR_SECTOR - 1);
    if (off >= disk)
        return -U_EIO;
    uint64_t len = disk - off < USTAR_CACHE_CHUNK ? disk - off : USTAR_CACHE_CHUNK;
    c->slot[victim].used = 0;
    if (c->io->read(c->io->ctx, off, c->slot[victim].buf, (size_t)len))
        return -U_EIO;
    c->slot[victim].off = off;
    c->slot[victim].len = (uint32_t)len;
    c->slot[victim].used = ++c->clock;
    return victim;
}

long ustar_read(struct ustar_cache *c, const struct ustar_ent *e, uint64_t pos, void *buf,
        size_t len)
{
    if (e->err)
        return -e->err;
    if ((e->mode & USTAR_IFMT) == USTAR_IFDIR)
        return -U_EISDIR;
    if ((e->mode & USTAR_IFMT) != USTAR_IFREG)
        return -U_EINVAL;
    if (pos >= e->size)
        return 0;
    uint64_t n = e->size - pos;
    if (n > len)
        n = len;
    if (n > (uint64_t)1 << 30)
        n = (uint64_t)1 << 30; /* keep the result in a long on any ABI */
    uint64_t done = 0;
    while (done < n) {
        uint64_t at = e->data_off + pos + done;
        uint64_t chunk = at & ~(uint64_t)(USTAR_CACHE_CHUNK - 1);
        int si = cache_get(c, chunk);
        if (si < 0)
            return done ? (long)done : si;
        uint64_t in = at - chunk;
        if (in >= c->slot[si].len)
            return done ? (long)done : -U_EIO;
        uint64_t take = c->slot[si].len - in;
        if (take > n - done)
            take = n - done;
        memcpy((uint8_t *)buf + done, c->slot[si].buf + in, (size_t)take);
        done += take;
    }
    return (long)done;
}
