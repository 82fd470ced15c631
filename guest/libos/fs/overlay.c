/* overlay.c: a memfs tree over a read-only ustar disk: directories filled from the disk on first use, file data copied up on first change. */
#include "vfs.h"

/*
 * Why not a two-layer overlay with whiteouts: there is one writer (this process) and
 * the lower layer never changes, so a directory can be copied into memory the first
 * time it is used (its entries only, ~100 bytes each) and from then on the memory
 * directory is the whole truth. unlink, rename and rmdir+mkdir then need no whiteouts
 * or opaque markers, readdir needs no merge, and a file's data stays on the disk until
 * the file is first changed (copy-up). The cost is the entries of every directory the
 * program looks into, charged to --mem like all file system memory.
 */

/* Lower entries with several names (hard links) share one node: (ino -> node). */
struct hl {
    uint64_t ino;
    struct node *node;
};
#define HL_MAX 4096
static struct hl *hls;
static uint32_t nhls;

static uint32_t linux_rdev(uint32_t major, uint32_t minor)
{
    return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & 0xfff00) << 12);
}

struct node *ovl_node(struct fsys *fs, uint32_t ent)
{
    const struct ustar_ent *e = ustar_ent(fs->lower, ent);
    if (!e)
        return NULL;
    if (e->nlink > 1 && !FS_ISDIR(e->mode)) {
        for (uint32_t i = 0; i < nhls; i++)
            if (hls[i].ino == e->ino && hls[i].node->fs == fs)
                return hls[i].node;
    }
    struct node *n = node_new(fs, e->mode);
    if (!n)
        return NULL;
    n->uid = e->uid;
    n->gid = e->gid;
    n->mtime.sec = n->atime.sec = n->ctime.sec = e->mtime;
    n->mtime.nsec = n->atime.nsec = n->ctime.nsec = 0;
    n->lower = ent;
    n->rdev = linux_rdev(e->rdev_major, e->rdev_minor);
    switch (e->mode & FS_IFMT) {
    case FS_IFDIR:
        n->populated = 0;
        break;
    case FS_IFREG:
        n->size = e->size;
        n->lower_data = 1;
        break;
    case FS_IFLNK:
        n->target = e->link ? e->link : "";
        n->target_len = e->link_len;
        n->size = e->link_len;
        break;
    }
    if (e->nlink > 1 && !FS_ISDIR(e->mode)) {
        if (!hls)
            hls = fs_alloc(HL_MAX * sizeof *hls);
        if (hls && nhls < HL_MAX) {
            hls[nhls].ino = e->ino;
            hls[nhls].node = n;
            nhls++;
            n->refs++; /* held by the table: the names share it for the fs's life */
            n->unseen_links = e->nlink;
        }
    }
    return n;
}

int ovl_populate(struct node *dir)
{
    if (dir->populated)
        return 0;
    const struct ustar_index *ix = dir->fs->lower;
    const struct ustar_ent *e = ix ? ustar_ent(ix, dir->lower) : NULL;
    if (!e) {
        dir->populated = 1;
        return 0;
    }
    dir->populated = 1; /* dir_add below must not come back here */
    uint32_t steps = 0;
    for (uint32_t c = e->first_child; c != USTAR_NONE && steps <= ix->count; steps++) {
        const struct ustar_ent *ce = ustar_ent(ix, c);
        if (!ce)
            break;
        /* a retry after running out of memory part way skips what is there */
        if (!dir_find(dir, ce->name, ce->name_len)) {
            struct node *n = ovl_node(dir->fs, c);
            int rc = n ? dir_add(dir, ce->name, ce->name_len, n) : -FS_ENOMEM;
            if (rc == 0 && n->unseen_links)
                n->unseen_links--; /* this name of a hard-linked file is now in memory */
            if (rc) {
                if (n && n->nlink == 0 && n->refs == 0) {
                    n->refs = 1;
                    node_put(n);
                }
                dir->populated = 0;
                return -FS_ENOMEM;
            }
        }
        c = ce->next_sibling;
    }
    return 0;
}

long ovl_read(struct node *n, uint64_t pos, void *buf, size_t len)
{
    const struct ustar_ent *e = ustar_ent(n->fs->lower, n->lower);
    if (!e || !n->fs->cache)
        return -FS_EIO;
    return ustar_read(n->fs->cache, e, pos, buf, len);
}

int ovl_copy_up(struct node *n)
{
    if (!n->lower_data)
        return 0;
    const struct ustar_ent *e = ustar_ent(n->fs->lower, n->lower);
    if (!e || e->err)
        return -FS_EIO;
    uint64_t size = n->size;
    int rc = 0;
    for (uint64_t at = 0; at < size; at += VFS_PAGE) {
        uint8_t *pg = mem_page(n, at, 1);
        if (!pg) {
            rc = -FS_ENOSPC;
            break;
        }
        uint64_t want = size - at < VFS_PAGE ? size - at : VFS_PAGE;
        long got = ustar_read(n->fs->cache, e, at, pg, (size_t)want);
        if (got != (long)want) {
            rc = got < 0 ? (int)got : -FS_EIO;
            break;
        }
    }
    if (rc) {
        /* back to the disk's data: drop the partial copy */
        for (uint64_t i = 0; i < n->npages; i++)
            if (n->pages[i]) {
                fs_free(n->pages[i], VFS_PAGE);
                n->fs->bytes_used -= VFS_PAGE;
                n->pages[i] = NULL;
            }
        return rc;
    }
    n->lower_data = 0;
    return 0;
}
