/* memfs.c: in-memory nodes, directory entries (hashed by name) and file data in pages charged to --mem. */
#include "vfs.h"

#define MAX_FILE_SIZE (1ULL << 40) /* EFBIG past this: keeps page indexes small */

/* ---- file systems ---- */

static uint32_t next_dev = 0x30;
static uint32_t next_mount_id = 20;

struct fsys *fs_new(const char *type, const char *source, uint32_t flags)
{
    struct fsys *fs = fs_alloc(sizeof *fs);
    if (!fs)
        return NULL;
    fs->type = type;
    fs->source = source;
    fs->flags = flags;
    fs->dev = next_dev++;
    fs->id = next_mount_id++;
    fs->next_ino = 1;
    fs->root = node_new(fs, FS_IFDIR | 0755);
    if (!fs->root) {
        fs_free(fs, sizeof *fs);
        return NULL;
    }
    fs->root->parent = fs->root;
    fs->root->nlink = 2;
    fs->root->refs = 1; /* the file system's own */
    return fs;
}

/* ---- nodes ---- */

void node_touch(struct node *n, int what)
{
    struct vfs_ts t;
    fs_now(&t.sec, &t.nsec);
    if (what & VFS_T_A)
        n->atime = t;
    if (what & VFS_T_M)
        n->mtime = t;
    if (what & VFS_T_C)
        n->ctime = t;
}

struct node *node_new(struct fsys *fs, uint32_t mode)
{
    struct node *n = fs_alloc(sizeof *n);
    if (!n)
        return NULL;
    n->fs = fs;
    n->mode = mode;
    n->uid = fs_uid();
    n->gid = fs_gid();
    n->ino = fs->next_ino++;
    n->lower = USTAR_NONE;
    n->next_cookie = 3; /* 1 and 2 are "." and ".." */
    n->populated = 1;
    node_touch(n, VFS_T_A | VFS_T_M | VFS_T_C);
    return n;
}

static void node_free(struct node *n)
{
    if (n->ops && n->ops->release)
        n->ops->release(n);
    if (n->pages) {
        for (uint64_t i = 0; i < n->npages; i++)
            if (n->pages[i]) {
                fs_free(n->pages[i], VFS_PAGE);
                n->fs->bytes_used -= VFS_PAGE;
            }
        fs_free(n->pages, n->npages * sizeof(uint8_t *));
    }
    if (n->target_owned)
        fs_free((void *)n->target, n->target_len + 1);
    fs_free(n, sizeof *n);
}

void node_get(struct node *n)
{
    n->refs++;
}

void node_put(struct node *n)
{
    if (!n || n->refs == 0)
        return;
    if (--n->refs == 0 && n->nlink == 0)
        node_free(n);
}

/* ---- the (dir, name) hash ---- */

static struct dent **buckets;
static uint32_t nbuckets, ndents;

static uint32_t dhash(const struct node *dir, const char *name, size_t len)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)dir;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)name[i];
        h *= 1099511628211ULL;
    }
    return (uint32_t)(h ^ (h >> 32));
}

static void hash_link(struct dent *d)
{
    uint32_t b = dhash(d->dir, d->name, d->len) & (nbuckets - 1);
    d->hnext = buckets[b];
    buckets[b] = d;
}

static int hash_grow(void)
{
    uint32_t nb = nbuckets ? nbuckets * 2 : 1024;
    struct dent **nbk = fs_alloc((size_t)nb * sizeof *nbk);
    if (!nbk)
        return -FS_ENOMEM;
    struct dent **old = buckets;
    uint32_t oldn = nbuckets;
    buckets = nbk;
    nbuckets = nb;
    for (uint32_t i = 0; i < oldn; i++) {
        struct dent *d = old[i];
        while (d) {
            struct dent *nx = d->hnext;
            hash_link(d);
            d = nx;
        }
    }
    if (old)
        fs_free(old, (size_t)oldn * sizeof *old);
    return 0;
}

static struct dent *hash_find(const struct node *dir, const char *name, size_t len)
{
    if (!nbuckets)
        return NULL;
    for (struct dent *d = buckets[dhash(dir, name, len) & (nbuckets - 1)]; d; d = d->hnext)
        if (d->dir == dir && d->len == len && memcmp(d->name, name, len) == 0)
            return d;
    return NULL;
}

static void hash_unlink(struct dent *d)
{
    struct dent **p = &buckets[dhash(d->dir, d->name, d->len) & (nbuckets - 1)];
    while (*p && *p != d)
        p = &(*p)->hnext;
    if (*p)
        *p = d->hnext;
}

/* ---- directories ---- */

struct dent *dir_find(struct node *dir, const char *name, size_t len)
{
    if (ovl_populate(dir))
        return NULL; /* out of memory: callers see ENOENT, as the lower names are unknown */
    return hash_find(dir, name, len);
}

/* A new entry called name (not yet in any directory), or NULL when memory is used up. */
static struct dent *dent_alloc(const char *name, size_t len)
{
    if (ndents + 1 > nbuckets * 2 && hash_grow())
        return NULL;
    struct dent *d = fs_alloc(sizeof *d + len + 1);
    if (!d)
        return NULL;
    memcpy(d->name, name, len);
    d->name[len] = 0;
    d->len = (uint16_t)len;
    return d;
}

/* Puts d, naming n, at the end of dir (readdir order) and in the hash. */
static void dent_link(struct node *dir, struct dent *d, struct node *n)
{
    d->dir = dir;
    d->node = n;
    d->cookie = dir->next_cookie++;
    d->next = NULL;
    d->prev = dir->last;
    if (dir->last)
        dir->last->next = d;
    else
        dir->first = d;
    dir->last = d;
    dir->nents++;
    hash_link(d);
    ndents++;
}

int dir_add(struct node *dir, const char *name, size_t len, struct node *n)
{
    if (len == 0 || len > VFS_NAME_MAX)
        return -FS_ENAMETOOLONG;
    struct dent *d = dent_alloc(name, len);
    if (!d)
        return -FS_ENOSPC;
    dent_link(dir, d, n);
    if (FS_ISDIR(n->mode)) {
        n->parent = dir;
        n->self = d;
        n->nlink = 2;
        dir->nlink++;
    } else {
        n->nlink++;
    }
    return 0;
}

static void unlink_dent(struct dent *d);

void dir_remove(struct dent *d)
{
    struct node *dir = d->dir, *n = d->node;
    unlink_dent(d);
    if (FS_ISDIR(n->mode)) {
        dir->nlink--;
        n->nlink = 0;
        n->self = NULL;
    } else if (n->nlink) {
        n->nlink--;
    }
    fs_free(d, sizeof *d + d->len + 1);
    if (n->nlink == 0 && n->refs == 0)
        node_free(n);
}

static void unlink_dent(struct dent *d)
{
    struct node *dir = d->dir;
    hash_unlink(d);
    if (d->prev)
        d->prev->next = d->next;
    else
        dir->first = d->next;
    if (d->next)
        d->next->prev = d->prev;
    else
        dir->last = d->prev;
    dir->nents--;
    ndents--;
}

int dir_move(struct dent *od, struct node *ndir, const char *name, size_t len,
        struct dent *replaced)
{
    if (len == 0 || len > VFS_NAME_MAX)
        return -FS_ENAMETOOLONG;
    struct dent *d = dent_alloc(name, len);
    if (!d)
        return -FS_ENOSPC;
    if (replaced)
        dir_remove(replaced);
    struct node *n = od->node, *odir = od->dir;
    unlink_dent(od);
    fs_free(od, sizeof *od + od->len + 1);
    dent_link(ndir, d, n);
    if (FS_ISDIR(n->mode)) {
        odir->nlink--;
        ndir->nlink++;
        n->parent = ndir;
        n->self = d;
    }
    return 0;
}

/* ---- file data ---- */

uint8_t *mem_page(struct node *n, uint64_t pos, int create)
{
    uint64_t idx = pos / VFS_PAGE;
    if (idx < n->npages && n->pages[idx])
        return n->pages[idx];
    if (!create)
        return NULL;
    if (idx >= n->npages) {
        uint64_t cap = n->npages ? n->npages * 2 : 4;
        while (cap <= idx)
            cap *= 2;
        uint8_t **np = fs_alloc(cap * sizeof *np);
        if (!np)
            return NULL;
        if (n->pages) {
            memcpy(np, n->pages, n->npages * sizeof *np);
            fs_free(n->pages, n->npages * sizeof *np);
        }
        n->pages = np;
        n->npages = cap;
    }
    struct fsys *fs = n->fs;
    if (fs->size_limit && fs->bytes_used + VFS_PAGE > fs->size_limit)
        return NULL;
    uint8_t *p = fs_alloc(VFS_PAGE);
    if (!p)
        return NULL;
    fs->bytes_used += VFS_PAGE;
    n->pages[idx] = p;
    return p;
}

long mem_read(struct node *n, uint64_t pos, void *buf, size_t len)
{
    if (pos >= n->size)
        return 0;
    uint64_t end = n->size - pos < len ? n->size : pos + len;
    if (end - pos > (1u << 30))
        end = pos + (1u << 30);
    uint8_t *out = buf;
    for (uint64_t at = pos; at < end;) {
        uint64_t in = at % VFS_PAGE;
        uint64_t take = VFS_PAGE - in;
        if (take > end - at)
            take = end - at;
        uint8_t *pg = mem_page(n, at, 0);
        if (pg)
            memcpy(out, pg + in, take);
        else
            memset(out, 0, take);
        out += take;
        at += take;
    }
    return (long)(end - pos);
}

long mem_write(struct node *n, uint64_t pos, const void *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (pos >= MAX_FILE_SIZE || len > MAX_FILE_SIZE - pos)
        return -FS_EFBIG;
    if (len > (1u << 30))
        len = 1u << 30;
    const uint8_t *in = buf;
    uint64_t done = 0;
    while (done < len) {
        uint64_t at = pos + done;
        uint64_t off = at % VFS_PAGE;
        uint64_t take = VFS_PAGE - off;
        if (take > len - done)
            take = len - done;
        uint8_t *pg = mem_page(n, at, 1);
        if (!pg)
            break;
        memcpy(pg + off, in + done, take);
        done += take;
    }
    if (pos + done > n->size)
        n->size = pos + done;
    if (done == 0)
        return -FS_ENOSPC;
    return (long)done;
}

int mem_truncate(struct node *n, uint64_t size)
{
    if (size > MAX_FILE_SIZE)
        return -FS_EFBIG;
    if (size < n->size && n->pages) {
        uint64_t first = (size + VFS_PAGE - 1) / VFS_PAGE;
        for (uint64_t i = first; i < n->npages; i++)
            if (n->pages[i]) {
                fs_free(n->pages[i], VFS_PAGE);
                n->fs->bytes_used -= VFS_PAGE;
                n->pages[i] = NULL;
            }
        if (size % VFS_PAGE) {
            uint8_t *pg = mem_page(n, size, 0);
            if (pg)
                memset(pg + size % VFS_PAGE, 0, VFS_PAGE - size % VFS_PAGE);
        }
    }
    n->size = size;
    return 0;
}

void mem_zero(struct node *n, uint64_t pos, uint64_t end)
{
    if (end > n->size)
        end = n->size;
    for (uint64_t at = pos; at < end;) {
        uint64_t idx = at / VFS_PAGE, in = at % VFS_PAGE;
        uint64_t take = VFS_PAGE - in < end - at ? VFS_PAGE - in : end - at;
        if (idx < n->npages && n->pages[idx]) {
            if (take == VFS_PAGE) { /* a whole page: a hole again, its memory given back */
                fs_free(n->pages[idx], VFS_PAGE);
                n->fs->bytes_used -= VFS_PAGE;
                n->pages[idx] = NULL;
            } else {
                memset(n->pages[idx] + in, 0, take);
            }
        }
        at += take;
    }
}
