/* vfs.c: mounts, the path walk (cwd, dirfds, "..", symlinks kept inside the root, limits) and the path operations. */
#include "vfs.h"

struct node *vfs_root;
struct fsys *vfs_mounts;

/* ---- checks ---- */

int vfs_writable(struct node *n)
{
    return (n->fs->flags & (FS_RO | FS_LOWER_RO)) ? -FS_EROFS : 0;
}

int vfs_permission(struct node *n, int mask)
{
    uint32_t uid = fs_uid();
    if (uid == 0) {
        /* root: everything but executing a file nobody may execute */
        if ((mask & 1) && !FS_ISDIR(n->mode) && !(n->mode & 0111))
            return -FS_EACCES;
        return 0;
    }
    uint32_t bits;
    if (n->uid == uid)
        bits = (n->mode >> 6) & 7;
    else if (n->gid == fs_gid() || fs_in_group(n->gid))
        bits = (n->mode >> 3) & 7;
    else
        bits = n->mode & 7;
    return ((uint32_t)mask & ~bits) ? -FS_EACCES : 0;
}

/* ---- mounts ---- */

/* The node a mount at this node shows (mount points stack: the last one wins). */
static struct node *crossed(struct node *n)
{
    for (int i = 0; n->mounted && i < 64; i++)
        n = n->mounted;
    return n;
}

int vfs_mount(struct fsys *fs, const char *path)
{
    if (!vfs_root) {
        if (!(path[0] == '/' && path[1] == 0))
            return -FS_EINVAL;
        vfs_root = fs->root;
        vfs_cwd = fs->root;
        node_get(vfs_cwd);
    } else {
        struct walk w;
        int rc = vfs_walk(vfs_root, path, WALK_FOLLOW, &w);
        if (rc == -FS_ENOENT) {
            /* make the mount point (and its parents), as a container runtime does */
            size_t n = strlen(path);
            char buf[VFS_PATH_MAX];
            if (n >= sizeof buf)
                return -FS_ENAMETOOLONG;
            memcpy(buf, path, n + 1);
            for (size_t i = 1; i <= n; i++) {
                if (buf[i] == '/' || buf[i] == 0) {
                    char c = buf[i];
                    buf[i] = 0;
                    struct node *root = vfs_root;
                    uint32_t saved = root->fs->flags;
                    root->fs->flags = 0; /* mount points are made even on a read-only root */
                    int mr = vfs_mkdir(vfs_root, buf, 0755);
                    root->fs->flags = saved;
                    if (mr && mr != -FS_EEXIST)
                        return mr;
                    buf[i] = c;
                }
            }
            rc = vfs_walk(vfs_root, path, WALK_FOLLOW, &w);
        }
        if (rc)
            return rc;
        if (!FS_ISDIR(w.node->mode))
            return -FS_ENOTDIR;
        fs->covered = w.node;
        node_get(w.node);
        w.node->mounted = fs->root;
        fs->root->parent = fs->root;
    }
    size_t n = strlen(path);
    fs->mnt_path = fs_alloc(n + 1);
    if (fs->mnt_path)
        memcpy(fs->mnt_path, path, n + 1);
    struct fsys **pp = &vfs_mounts;
    while (*pp)
        pp = &(*pp)->next;
    *pp = fs;
    return 0;
}

/* ---- the walk ---- */

static int is_dotdot(const char *s, size_t n) { return n == 2 && s[0] == '.' && s[1] == '.'; }

/* ".." of n: stops at the guest root; from the root of a mount, the covered node's
 * parent. */
static struct node *up(struct node *n)
{
    for (int i = 0; i < 64; i++) {
        if (n == vfs_root)
            return n;
        if (n == n->fs->root && n->fs->covered) {
            n = n->fs->covered;
            continue;
        }
        return crossed(n->parent ? n->parent : n);
    }
    return n;
}

/* The child called name of dir (after mounts), or -errno. */
static int lookup(struct node *dir, const char *name, size_t len, struct node **out)
{
    if (dir->ops && dir->ops->lookup) {
        struct node *n = NULL;
        int rc = dir->ops->lookup(dir, name, len, &n);
        if (rc)
            return rc;
        *out = crossed(n);
        return 0;
    }
    struct dent *d = dir_find(dir, name, len);
    if (!d)
        return -FS_ENOENT;
    *out = crossed(d->node);
    return 0;
}

/*
 * The path is processed from a work buffer holding the rest of the path; a symlink's
 * target is put in front of the rest (so the walk is a loop, not a recursion), at most
 * VFS_SYMLOOP_MAX times. An absolute target restarts at the guest root: a link cannot
 * lead outside it.
 */
int vfs_walk(struct node *start, const char *path, int flags, struct walk *w)
{
    static char work[2 * VFS_PATH_MAX + 2]; /* one trap at a time: no reentry */
    memset(w, 0, sizeof *w);
    size_t plen = strlen(path);
    if (plen >= VFS_PATH_MAX)
        return -FS_ENAMETOOLONG;
    if (plen == 0) {
        if (!(flags & WALK_EMPTY))
            return -FS_ENOENT;
        if (!start)
            start = vfs_cwd;
        w->node = start;
        if ((flags & WALK_DIR) && !FS_ISDIR(start->mode))
            return -FS_ENOTDIR;
        return 0;
    }
    /* the rest of the path lives at the end of work[], so targets can go in front */
    char *rest = work + sizeof work - 1 - plen;
    memcpy(rest, path, plen + 1);
    size_t rlen = plen;
    int links = 0;
    struct node *cur = start ? start : vfs_cwd;
    if (rest[0] == '/')
        cur = vfs_root;
    w->trailing_slash = plen > 0 && path[plen - 1] == '/';
    for (;;) {
        while (rlen && rest[0] == '/') {
            rest++;
            rlen--;
        }
        if (rlen == 0) {
            /* "/" or a path of slashes and dots: the directory itself */
            w->node = cur;
            if (flags & WALK_PARENT) {
                w->parent = cur;
                w->last[0] = 0;
                w->last_len = 0;
            }
            return 0;
        }
        size_t n = 0;
        while (n < rlen && rest[n] != '/')
            n++;
        if (n > VFS_NAME_MAX)
            return -FS_ENAMETOOLONG;
        const char *name = rest;
        size_t after = n;
        while (after < rlen && rest[after] == '/')
            after++;
        int last = after == rlen;
        if (!FS_ISDIR(cur->mode))
            return -FS_ENOTDIR;
        int rc = vfs_permission(cur, 1);
        if (rc)
            return rc;
        if (last && (flags & WALK_PARENT)) {
            w->parent = cur;
            memcpy(w->last, name, n);
            w->last[n] = 0;
            w->last_len = n;
            if (n == 1 && name[0] == '.') {
                w->node = cur;
                return 0;
            }
            if (is_dotdot(name, n)) {
                w->node = up(cur);
                return 0;
            }
            struct node *c = NULL;
            rc = lookup(cur, name, n, &c);
            if (rc && rc != -FS_ENOENT)
                return rc;
            w->node = rc ? NULL : c;
            /* a symlink as the last name of a create: follow it (O_CREAT without O_EXCL) */
            if (!c || !FS_ISLNK(c->mode) || !(flags & WALK_FOLLOW))
                return 0;
        }
        struct node *next;
        if (n == 1 && name[0] == '.') {
            next = cur;
        } else if (is_dotdot(name, n)) {
            next = up(cur);
        } else {
            rc = lookup(cur, name, n, &next);
            if (rc)
                return rc;
        }
        int follow = !last || (flags & WALK_FOLLOW) || w->trailing_slash;
        if (FS_ISLNK(next->mode) && follow) {
            if (++links > VFS_SYMLOOP_MAX)
                return -FS_ELOOP;
            if (next->ops && next->ops->magic) {
                /* /proc/self/fd/N: the open file itself, not a path */
                if (!last)
                    return -FS_ENOTDIR;
                w->magic = next->ops->magic(next);
                w->node = next;
                return w->magic ? 0 : -FS_ENOENT;
            }
            char tbuf[VFS_PATH_MAX];
            long tl = vfs_readlink(next, tbuf, sizeof tbuf);
            if (tl < 0)
                return (int)tl;
            if (tl == 0)
                return -FS_ENOENT;
            /* new rest = target "/" old rest-after-this-name */
            size_t tail = rlen - n;
            if ((size_t)tl + tail >= VFS_PATH_MAX)
                return -FS_ENAMETOOLONG;
            char *nr = rest + n - (size_t)tl;
            memmove(nr, tbuf, (size_t)tl);
            rest = nr;
            rlen = (size_t)tl + tail;
            if (rest[0] == '/')
                cur = vfs_root;
            if (last && (flags & WALK_PARENT))
                w->parent = NULL;
            continue;
        }
        rest += after;
        rlen -= after;
        cur = next;
        if (last) {
            if ((flags & WALK_DIR || w->trailing_slash) && !FS_ISDIR(cur->mode))
                return -FS_ENOTDIR;
            w->node = cur;
            if (flags & WALK_PARENT) {
                /* the walk followed a link to its end: the parent is where it ended */
                w->parent = cur->parent && FS_ISDIR(cur->mode) ? cur->parent : w->parent;
            }
            return 0;
        }
    }
}

/* For creates: the parent directory and the new name; -EEXIST when it exists. */
static int walk_create(struct node *start, const char *path, struct walk *w, int follow)
{
    int rc = vfs_walk(start, path, WALK_PARENT | (follow ? WALK_FOLLOW : 0), w);
    if (rc)
        return rc;
    if (!w->parent || w->last_len == 0)
        return w->node ? -FS_EEXIST : -FS_ENOENT;
    if (w->node)
        return -FS_EEXIST;
    if (w->parent->ops)
        return -FS_EACCES; /* synthetic directories take no new names */
    if ((rc = vfs_writable(w->parent)))
        return rc;
    if ((rc = vfs_permission(w->parent, 3)))
        return rc;
    if (w->parent->nlink == 0)
        return -FS_ENOENT; /* a removed directory */
    return ovl_populate(w->parent) ? -FS_ENOSPC : 0;
}

int vfs_mknod(struct node *start, const char *path, uint32_t mode, struct node **out)
{
    struct walk w;
    int rc = walk_create(start, path, &w, 1);
    if (rc)
        return rc;
    if (w.trailing_slash)
        return -FS_EISDIR;
    struct node *n = node_new(w.parent->fs, mode);
    if (!n)
        return -FS_ENOSPC;
    if (w.parent->mode & 02000)
        n->gid = w.parent->gid; /* setgid directory */
    rc = dir_add(w.parent, w.last, w.last_len, n);
    if (rc) {
        n->refs = 1;
        node_put(n);
        return rc;
    }
    node_touch(w.parent, VFS_T_M | VFS_T_C);
    if (out)
        *out = n;
    return 0;
}

int vfs_mkdir(struct node *start, const char *path, uint32_t mode)
{
    struct walk w;
    int rc = walk_create(start, path, &w, 0);
    if (rc)
        return rc;
    struct node *n = node_new(w.parent->fs, FS_IFDIR | (mode & 07777 & ~fs_umask()));
    if (!n)
        return -FS_ENOSPC;
    if (w.parent->mode & 02000) {
        n->gid = w.parent->gid;
        n->mode |= 02000;
    }
    rc = dir_add(w.parent, w.last, w.last_len, n);
    if (rc) {
        n->refs = 1;
        node_put(n);
        return rc;
    }
    node_touch(w.parent, VFS_T_M | VFS_T_C);
    return 0;
}

/* The entry a remove or rename names: its parent and dent (no link followed). */
static int walk_entry(struct node *start, const char *path, struct walk *w, struct dent **d)
{
    int rc = vfs_walk(start, path, WALK_PARENT, w);
    if (rc)
        return rc;
    if (!w->parent || !w->node)
        return -FS_ENOENT;
    if (w->last_len == 0)
        return -FS_EBUSY; /* "/" */
    if (w->last_len == 1 && w->last[0] == '.')
        return -FS_EINVAL;
    if (w->last_len == 2 && w->last[0] == '.' && w->last[1] == '.')
        return -FS_ENOTEMPTY;
    if (w->parent->ops)
        return -FS_EACCES;
    if ((rc = vfs_writable(w->parent)))
        return rc;
    if ((rc = vfs_permission(w->parent, 3)))
        return rc;
    *d = dir_find(w->parent, w->last, w->last_len);
    if (!*d)
        return -FS_ENOENT;
    /* sticky directories: only the owner (or root) removes */
    if ((w->parent->mode & 01000) && fs_uid() != 0 && fs_uid() != (*d)->node->uid &&
            fs_uid() != w->parent->uid)
        return -FS_EPERM;
    return 0;
}

static int is_mountpoint(struct node *n)
{
    for (struct fsys *fs = vfs_mounts; fs; fs = fs->next)
        if (fs->covered == n || fs->root == n)
            return 1;
    return 0;
}

int vfs_rmdir(struct node *start, const char *path)
{
    struct walk w;
    struct dent *d;
    int rc = walk_entry(start, path, &w, &d);
    if (rc)
        return rc;
    struct node *n = d->node;
    if (!FS_ISDIR(n->mode))
        return -FS_ENOTDIR;
    if (is_mountpoint(n))
        return -FS_EBUSY; /* the cwd may go: it lives on, empty, with no name (as on Linux) */
    if (ovl_populate(n))
        return -FS_ENOMEM;
    if (n->nents)
        return -FS_ENOTEMPTY;
    dir_remove(d);
    node_touch(w.parent, VFS_T_M | VFS_T_C);
    return 0;
}

int vfs_unlink(struct node *start, const char *path)
{
    struct walk w;
    struct dent *d;
    int rc = walk_entry(start, path, &w, &d);
    if (rc)
        return rc;
    if (FS_ISDIR(d->node->mode))
        return -FS_EISDIR;
    if (w.trailing_slash)
        return -FS_ENOTDIR;
    node_touch(d->node, VFS_T_C);
    dir_remove(d);
    node_touch(w.parent, VFS_T_M | VFS_T_C);
    return 0;
}

int vfs_symlink(const char *target, struct node *start, const char *path)
{
    size_t tl = strlen(target);
    if (tl == 0)
        return -FS_ENOENT;
    if (tl >= VFS_PATH_MAX)
        return -FS_ENAMETOOLONG;
    struct walk w;
    int rc = walk_create(start, path, &w, 0);
    if (rc)
        return rc;
    char *t = fs_alloc(tl + 1);
    if (!t)
        return -FS_ENOSPC;
    memcpy(t, target, tl + 1);
    struct node *n = node_new(w.parent->fs, FS_IFLNK | 0777);
    if (!n) {
        fs_free(t, tl + 1);
        return -FS_ENOSPC;
    }
    n->target = t;
    n->target_len = (uint32_t)tl;
    n->target_owned = 1;
    n->size = tl;
    rc = dir_add(w.parent, w.last, w.last_len, n);
    if (rc) {
        n->refs = 1;
        node_put(n);
        return rc;
    }
    node_touch(w.parent, VFS_T_M | VFS_T_C);
    return 0;
}

int vfs_link_node(struct node *n, struct node *nstart, const char *npath)
{
    if (FS_ISDIR(n->mode))
        return -FS_EPERM;
    struct walk w;
    int rc = walk_create(nstart, npath, &w, 0);
    if (rc)
        return rc;
    if (n->fs != w.parent->fs || n->ops)
        return -FS_EXDEV;
    if (n->nlink == 0 && !n->linkable)
        return -FS_ENOENT;
    if (n->nlink >= 65000)
        return -FS_EMLINK;
    rc = dir_add(w.parent, w.last, w.last_len, n);
    if (rc)
        return rc;
    n->linkable = 0;
    node_touch(n, VFS_T_C);
    node_touch(w.parent, VFS_T_M | VFS_T_C);
    return 0;
}

/* Is a an ancestor of (or equal to) b? */
static int ancestor(struct node *a, struct node *b)
{
    for (int i = 0; i < VFS_PATH_MAX; i++) {
        if (a == b)
            return 1;
        if (b->parent == b || !b->parent)
            return 0;
        b = b->parent;
    }
    return 1;
}

int vfs_rename(struct node *ostart, const char *opath, struct node *nstart, const char *npath,
        unsigned flags)
{
    struct walk ow, nw;
    struct dent *od;
    int rc = walk_entry(ostart, opath, &ow, &od);
    if (rc)
        return rc;
    struct node *odir = ow.parent, *n = od->node;
    rc = vfs_walk(nstart, npath, WALK_PARENT, &nw);
    if (rc)
        return rc;
    if (!nw.parent || nw.last_len == 0)
        return -FS_EBUSY;
    if ((nw.last_len == 1 && nw.last[0] == '.') ||
            (nw.last_len == 2 && nw.last[0] == '.' && nw.last[1] == '.'))
        return -FS_EINVAL;
    struct node *ndir = nw.parent;
    if (ndir->fs != odir->fs || ndir->ops)
        return -FS_EXDEV;
    if ((rc = vfs_writable(ndir)) || (rc = vfs_permission(ndir, 3)))
        return rc;
    if (ovl_populate(ndir))
        return -FS_ENOSPC;
    if (is_mountpoint(n))
        return -FS_EBUSY;
    if ((ow.trailing_slash || nw.trailing_slash) && !FS_ISDIR(n->mode))
        return -FS_ENOTDIR;
    struct dent *nd = dir_find(ndir, nw.last, nw.last_len);
    if (nd && nd->node == n)
        return 0; /* the same file: nothing happens */
    if (FS_ISDIR(n->mode) && ancestor(n, ndir))
        return -FS_EINVAL; /* into itself */
    if (flags & VFS_RENAME_NOREPLACE && nd)
        return -FS_EEXIST;
    if (flags & VFS_RENAME_EXCHANGE) {
        if (!nd)
            return -FS_ENOENT;
        struct node *m = nd->node;
        if (FS_ISDIR(m->mode) && ancestor(m, odir))
            return -FS_EINVAL;
        /* swap the nodes the two entries name */
        od->node = m;
        nd->node = n;
        if (FS_ISDIR(m->mode)) {
            m->parent = odir;
            m->self = od;
        }
        if (FS_ISDIR(n->mode)) {
            n->parent = ndir;
            n->self = nd;
        }
        if (FS_ISDIR(m->mode) != FS_ISDIR(n->mode)) {
            if (FS_ISDIR(n->mode)) {
                odir->nlink--;
                ndir->nlink++;
            } else {
                odir->nlink++;
                ndir->nlink--;
            }
        }
        node_touch(odir, VFS_T_M | VFS_T_C);
        node_touch(ndir, VFS_T_M | VFS_T_C);
        return 0;
    }
    if (nd) {
        struct node *m = nd->node;
        if (FS_ISDIR(n->mode) && !FS_ISDIR(m->mode))
            return -FS_ENOTDIR;
        if (!FS_ISDIR(n->mode) && FS_ISDIR(m->mode))
            return -FS_EISDIR;
        if (FS_ISDIR(m->mode)) {
            if (is_mountpoint(m) || m == vfs_cwd)
                return -FS_EBUSY;
            if (ovl_populate(m))
                return -FS_ENOMEM;
            if (m->nents)
                return -FS_ENOTEMPTY;
        }
    }
    /* the new entry is allocated before the replaced one goes: ENOSPC changes nothing */
    rc = dir_move(od, ndir, nw.last, nw.last_len, nd);
    if (rc)
        return rc;
    node_touch(n, VFS_T_C);
    node_touch(odir, VFS_T_M | VFS_T_C);
    node_touch(ndir, VFS_T_M | VFS_T_C);
    return 0;
}

/* ---- node data ---- */

long vfs_readlink(struct node *n, char *buf, size_t len)
{
    if (!FS_ISLNK(n->mode))
        return -FS_EINVAL;
    if (n->ops && n->ops->readlink)
        return n->ops->readlink(n, buf, len);
    size_t tl = n->target_len;
    if (tl > len)
        tl = len;
    memcpy(buf, n->target, tl);
    return (long)tl;
}

long vfs_read(struct node *n, uint64_t pos, void *buf, size_t len)
{
    if (n->ops && n->ops->read)
        return n->ops->read(n, pos, buf, len);
    if (FS_ISDIR(n->mode))
        return -FS_EISDIR;
    if (!FS_ISREG(n->mode))
        return -FS_EINVAL;
    if (n->lower_data)
        return ovl_read(n, pos, buf, len);
    return mem_read(n, pos, buf, len);
}

long vfs_write(struct node *n, uint64_t pos, const void *buf, size_t len)
{
    if (n->ops && n->ops->write)
        return n->ops->write(n, pos, buf, len);
    if (!FS_ISREG(n->mode))
        return -FS_EINVAL;
    int rc = vfs_writable(n);
    if (rc)
        return rc;
    if ((rc = ovl_copy_up(n)))
        return rc;
    long r = mem_write(n, pos, buf, len);
    if (r > 0)
        node_touch(n, VFS_T_M | VFS_T_C);
    return r;
}

int vfs_truncate(struct node *n, uint64_t size)
{
    if (FS_ISDIR(n->mode))
        return -FS_EISDIR;
    if (!FS_ISREG(n->mode))
        return n->ops ? 0 : -FS_EINVAL; /* /dev/null: Linux accepts O_TRUNC */
    int rc = vfs_writable(n);
    if (rc)
        return rc;
    if (n->lower_data && size == 0) {
        n->lower_data = 0; /* nothing to copy */
        n->size = 0;
    } else if ((rc = ovl_copy_up(n))) {
        return rc;
    }
    rc = mem_truncate(n, size);
    if (rc == 0)
        node_touch(n, VFS_T_M | VFS_T_C);
    return rc;
}

int vfs_zero_range(struct node *n, uint64_t off, uint64_t len, int keep_size)
{
    if (!FS_ISREG(n->mode) || n->ops)
        return -FS_EINVAL;
    int rc = vfs_writable(n);
    if (rc || (rc = ovl_copy_up(n)))
        return rc;
    mem_zero(n, off, off + len);
    if (!keep_size && off + len > n->size && (rc = mem_truncate(n, off + len)))
        return rc;
    node_touch(n, VFS_T_M | VFS_T_C);
    return 0;
}

int vfs_setattr(struct node *n, const struct vfs_attr *a)
{
    int rc = vfs_writable(n);
    if (rc)
        return rc;
    uint32_t uid = fs_uid();
    if (a->mask & ATTR_MODE) {
        if (uid != 0 && uid != n->uid)
            return -FS_EPERM;
        n->mode = (n->mode & FS_IFMT) | (a->mode & 07777);
    }
    if (a->mask & (ATTR_UID | ATTR_GID)) {
        if (uid != 0) {
            if ((a->mask & ATTR_UID) && a->uid != n->uid)
                return -FS_EPERM;
            if ((a->mask & ATTR_GID) && (n->uid != uid || !(a->gid == fs_gid() || fs_in_group(a->gid))))
                return -FS_EPERM;
        }
        if (a->mask & ATTR_UID)
            n->uid = a->uid;
        if (a->mask & ATTR_GID)
            n->gid = a->gid;
        if (!FS_ISDIR(n->mode))
            n->mode &= ~06000u; /* chown clears setuid/setgid, as Linux */
    }
    if (a->mask & (ATTR_ATIME | ATTR_MTIME | ATTR_ATIME_NOW | ATTR_MTIME_NOW)) {
        int now_only = !(a->mask & (ATTR_ATIME | ATTR_MTIME));
        if (uid != 0 && uid != n->uid && !(now_only && vfs_permission(n, 2) == 0))
            return now_only ? -FS_EACCES : -FS_EPERM;
        if (a->mask & ATTR_ATIME)
            n->atime = a->atime;
        if (a->mask & ATTR_MTIME)
            n->mtime = a->mtime;
        if (a->mask & ATTR_ATIME_NOW)
            node_touch(n, VFS_T_A);
        if (a->mask & ATTR_MTIME_NOW)
            node_touch(n, VFS_T_M);
    }
    node_touch(n, VFS_T_C);
    return 0;
}

unsigned vfs_dtype(uint32_t mode)
{
    switch (mode & FS_IFMT) {
    case FS_IFDIR: return VFS_DT_DIR;
    case FS_IFREG: return VFS_DT_REG;
    case FS_IFLNK: return VFS_DT_LNK;
    case FS_IFCHR: return VFS_DT_CHR;
    case FS_IFBLK: return VFS_DT_BLK;
    case FS_IFIFO: return VFS_DT_FIFO;
    case FS_IFSOCK: return 12;
    }
    return VFS_DT_UNKNOWN;
}

int vfs_readdir(struct node *dir, uint64_t *cookie, char *buf, size_t buflen,
        uint64_t *ino, unsigned *dtype)
{
    if (!FS_ISDIR(dir->mode))
        return -FS_ENOTDIR;
    if (buflen < VFS_NAME_MAX + 1)
        return -FS_EINVAL;
    if (*cookie == 0) {
        *cookie = 1;
        buf[0] = '.';
        *ino = dir->ino;
        *dtype = VFS_DT_DIR;
        return 1;
    }
    if (*cookie == 1) {
        *cookie = 2;
        buf[0] = buf[1] = '.';
        *ino = up(dir)->ino;
        *dtype = VFS_DT_DIR;
        return 2;
    }
    if (dir->ops && dir->ops->readdir)
        return dir->ops->readdir(dir, cookie, buf, buflen, ino, dtype);
    if (ovl_populate(dir))
        return -FS_ENOMEM;
    for (struct dent *d = dir->first; d; d = d->next) {
        if (d->cookie <= *cookie)
            continue;
        *cookie = d->cookie;
        memcpy(buf, d->name, d->len);
        struct node *n = crossed(d->node);
        *ino = n->ino;
        *dtype = vfs_dtype(n->mode);
        return d->len;
    }
    return 0;
}

long vfs_path_of(struct node *dir, char *buf, size_t len)
{
    /* names from dir up to the root, written right to left */
    static char tmp[VFS_PATH_MAX];
    size_t pos = sizeof tmp;
    struct node *n = dir;
    for (int guard = 0; n != vfs_root; guard++) {
        if (guard > VFS_PATH_MAX)
            return -FS_ENOENT;
        if (n == n->fs->root && n->fs->covered) {
            n = n->fs->covered;
            continue;
        }
        if (!n->self || n->nlink == 0)
            return -FS_ENOENT; /* removed */
        size_t l = n->self->len;
        if (l + 1 > pos)
            return -FS_ENAMETOOLONG;
        pos -= l;
        memcpy(tmp + pos, n->self->name, l);
        tmp[--pos] = '/';
        n = n->parent;
    }
    if (pos == sizeof tmp)
        tmp[--pos] = '/';
    size_t n_out = sizeof tmp - pos;
    if (n_out + 1 > len)
        return -FS_ERANGE;
    memcpy(buf, tmp + pos, n_out);
    buf[n_out] = 0;
    return (long)n_out;
}
