/* sys_fs.c: path-based file calls (open, stat, access, readlink, mkdir, unlink, rename, link, symlink, chdir, getcwd, umask) over the VFS. */
#include "libos.h"
#include "fd/file.h"
#include "fs/vfile.h"
#include "mm/uaccess.h"
#include "sys/table.h"

#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)

extern uint64_t guest_mem_end; /* mm.c */

/* One trap at a time: the path buffers are not reentered. */
static char pbuf[VFS_PATH_MAX], pbuf2[VFS_PATH_MAX], abspath[VFS_PATH_MAX * 2];

/* Copies an app path; its length or -EFAULT/-ENAMETOOLONG. */
static long get_path(uint64_t up, char *buf)
{
    if (!up)
        return -EFAULT;
    return strncpy_from_user(buf, up, VFS_PATH_MAX);
}

/* The directory a relative path of an *at() call starts from. */
static int start_of(int dirfd, const char *path, int empty_ok, struct node **start)
{
    *start = NULL;
    if (path[0] == '/' && !empty_ok)
        return 0;
    if (dirfd == AT_FDCWD) {
        *start = vfs_cwd;
        return 0;
    }
    struct file *f = fd_get(dirfd);
    if (!f)
        return -EBADF;
    struct node *n = vfile_node(f);
    if (!n)
        return path[0] ? -ENOTDIR : 0;
    if (path[0] && !S_ISDIR(n->mode))
        return -ENOTDIR;
    *start = n;
    return 0;
}

/* An absolute name for what path names (for /proc/self/fd), collapsed lexically. */
static const char *make_abs(struct node *start, const char *path)
{
    size_t o = 0;
    if (path[0] != '/') {
        long r = vfs_path_of(start ? start : vfs_cwd, abspath, VFS_PATH_MAX);
        o = r > 0 ? (size_t)r : 0;
    }
    if (o == 1)
        o = 0; /* "/" */
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - s);
        if (n == 0 || (n == 1 && s[0] == '.'))
            continue;
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && abspath[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        if (o + n + 2 >= sizeof abspath)
            break;
        abspath[o++] = '/';
        memcpy(abspath + o, s, n);
        o += n;
    }
    if (o == 0)
        abspath[o++] = '/';
    abspath[o] = 0;
    return abspath;
}

/* ---- open ---- */

static struct fsys *memfd_fs;

static long install(struct file *f, int flags)
{
    if (!f)
        return -ENOMEM;
    return fd_install(f, 0, flags & O_CLOEXEC);
}

static long do_open(int dirfd, uint64_t upath, int flags, uint32_t mode)
{
    long pl = get_path(upath, pbuf);
    if (pl < 0)
        return pl;
    if (pl == 0)
        return -ENOENT;
    struct node *start;
    int rc = start_of(dirfd, pbuf, 0, &start);
    if (rc)
        return rc;
    int acc = flags & O_ACCMODE;
    if (flags & O_PATH)
        flags &= O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW;
    if ((flags & O_TMPFILE_BASE) && !(flags & O_PATH)) {
        if (!(flags & O_DIRECTORY) || acc == O_RDONLY)
            return -EINVAL;
        struct walk w;
        if ((rc = vfs_walk(start, pbuf, WALK_FOLLOW, &w)))
            return rc;
        if (!FS_ISDIR(w.node->mode))
            return -ENOTDIR;
        if (w.node->ops)
            return -EOPNOTSUPP;
        if ((rc = vfs_writable(w.node)) || (rc = vfs_permission(w.node, 3)))
            return rc;
        struct node *n = node_new(w.node->fs, S_IFREG | (mode & 07777 & ~fs_umask()));
        if (!n)
            return -ENOSPC;
        n->linkable = !(flags & O_EXCL);
        struct file *f = vfile_open(n, (flags & ~(O_TMPFILE_BASE | O_DIRECTORY)) | O_LARGEFILE,
                make_abs(start, pbuf));
        if (!f) {
            n->refs = 1;
            node_put(n);
            return -ENOMEM;
        }
        return install(f, flags);
    }
    int follow = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
    struct walk w;
    struct node *n;
    int created = 0;
    if (flags & O_CREAT) {
        if (flags & O_DIRECTORY)
            return -EINVAL;
        rc = vfs_walk(start, pbuf, WALK_PARENT | (follow ? WALK_FOLLOW : 0), &w);
        if (rc)
            return rc;
        if (w.magic)
            return (flags & O_EXCL) ? (file_put(w.magic), -EEXIST) : install(w.magic, flags);
        if (w.node) {
            if (flags & O_EXCL)
                return -EEXIST;
            n = w.node;
            if (S_ISDIR(n->mode))
                return -EISDIR;
        } else {
            if (w.trailing_slash)
                return -EISDIR;
            rc = vfs_mknod(start, pbuf, S_IFREG | (mode & 07777 & ~fs_umask()), &n);
            if (rc)
                return rc;
            created = 1;
        }
    } else {
        rc = vfs_walk(start, pbuf, (follow ? WALK_FOLLOW : 0) | ((flags & O_DIRECTORY) ? WALK_DIR : 0), &w);
        if (rc)
            return rc;
        if (w.magic)
            return install(w.magic, flags);
        n = w.node;
    }
    if (S_ISLNK(n->mode) && !(flags & O_PATH))
        return -ELOOP; /* O_NOFOLLOW on a link */
    if ((flags & O_DIRECTORY) && !S_ISDIR(n->mode))
        return -ENOTDIR;
    if (S_ISDIR(n->mode) && (acc != O_RDONLY || (flags & O_TRUNC)) && !(flags & O_PATH))
        return -EISDIR;
    if (!(flags & O_PATH) && !created) {
        int mask = acc == O_RDONLY ? 4 : acc == O_WRONLY ? 2 : 6;
        if ((rc = vfs_permission(n, mask)))
            return rc;
        if ((acc != O_RDONLY || (flags & O_TRUNC)) && (S_ISREG(n->mode) || S_ISDIR(n->mode)) &&
                !n->ops && (rc = vfs_writable(n)))
            return rc;
    }
    struct file *f;
    if (!(flags & O_PATH) && n->ops && n->ops->magic && !S_ISLNK(n->mode)) {
        f = n->ops->magic(n); /* /dev/tty: the console itself */
        if (!f)
            return -ENXIO;
    } else if (!(flags & O_PATH) && (S_ISFIFO(n->mode) || S_ISSOCK(n->mode) ||
            ((S_ISCHR(n->mode) || S_ISBLK(n->mode)) && !n->ops))) {
        return -ENXIO; /* no fifo or device behind this node */
    } else {
        f = vfile_open(n, flags | O_LARGEFILE, make_abs(start, pbuf));
        if (!f)
            return -ENOMEM;
    }
    if ((flags & O_TRUNC) && acc != O_RDONLY && S_ISREG(n->mode) && !created) {
        rc = vfs_truncate(n, 0);
        if (rc) {
            file_put(f);
            return rc;
        }
    }
    return install(f, flags);
}

static long sys_open(struct sc *c) { return do_open(AT_FDCWD, c->a[0], (int)c->a[1], (uint32_t)c->a[2]); }
static long sys_openat(struct sc *c) { return do_open((int)c->a[0], c->a[1], (int)c->a[2], (uint32_t)c->a[3]); }
static long sys_creat(struct sc *c)
{
    return do_open(AT_FDCWD, c->a[0], O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)c->a[1]);
}

struct k_open_how {
    uint64_t flags, mode, resolve;
};
static long sys_openat2(struct sc *c)
{
    struct k_open_how how;
    if (c->a[3] < sizeof how)
        return -EINVAL;
    if (copy_from_user(&how, c->a[2], sizeof how))
        return -EFAULT;
    if (how.resolve)
        return -EINVAL; /* RESOLVE_* not served */
    return do_open((int)c->a[0], c->a[1], (int)how.flags, (uint32_t)how.mode);
}

/* ---- stat ---- */

/* The node (or magic file) an *at() call with these flags names. */
static int lookup_at(int dirfd, uint64_t upath, int atflags, int follow_default,
        struct walk *w, struct file **fout)
{
    long pl = get_path(upath, pbuf);
    if (pl < 0)
        return (int)pl;
    *fout = NULL;
    struct node *start;
    int empty = pl == 0 && (atflags & AT_EMPTY_PATH);
    int rc = start_of(dirfd, pbuf, empty, &start);
    if (rc)
        return rc;
    if (empty) {
        memset(w, 0, sizeof *w);
        if (dirfd == AT_FDCWD) {
            w->node = vfs_cwd;
            return 0;
        }
        struct file *f = fd_get(dirfd);
        w->node = vfile_node(f);
        if (!w->node)
            *fout = file_get(f);
        return 0;
    }
    int follow = follow_default ? !(atflags & AT_SYMLINK_NOFOLLOW) : !!(atflags & AT_SYMLINK_FOLLOW);
    rc = vfs_walk(start, pbuf, follow ? WALK_FOLLOW : 0, w);
    if (rc)
        return rc;
    if (w->magic) {
        *fout = w->magic;
        w->node = vfile_node(w->magic);
        if (w->node) {
            file_put(w->magic);
            *fout = NULL;
        }
    }
    return 0;
}

static long stat_common(int dirfd, uint64_t upath, int flags, struct kstat *st)
{
    struct walk w;
    struct file *f;
    int rc = lookup_at(dirfd, upath, flags, 1, &w, &f);
    if (rc)
        return rc;
    if (f) {
        memset(st, 0, sizeof *st);
        st->ino = f->ino;
        st->nlink = 1;
        st->blksize = 4096;
        st->mode = 0600;
        long r = f->ops->stat ? f->ops->stat(f, st) : 0;
        file_put(f);
        return r;
    }
    vfs_kstat(w.node, st);
    return 0;
}

static long do_stat(int dirfd, uint64_t upath, int flags, uint64_t ubuf)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    struct kstat st;
    long r = stat_common(dirfd, upath, flags, &st);
    return r ? r : kstat_to_user(&st, ubuf);
}

static long sys_stat(struct sc *c) { return do_stat(AT_FDCWD, c->a[0], 0, c->a[1]); }
static long sys_lstat(struct sc *c) { return do_stat(AT_FDCWD, c->a[0], AT_SYMLINK_NOFOLLOW, c->a[1]); }
static long sys_newfstatat(struct sc *c) { return do_stat((int)c->a[0], c->a[1], (int)c->a[3], c->a[2]); }

static long sys_statx(struct sc *c)
{
    int flags = (int)c->a[2];
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    struct kstat st;
    long r = stat_common((int)c->a[0], c->a[1], flags, &st);
    return r ? r : kstat_to_statx(&st, (uint32_t)c->a[3], c->a[4]);
}

/* ---- access ---- */

static long do_access(int dirfd, uint64_t upath, int mode, int flags)
{
    if (mode & ~7)
        return -EINVAL;
    struct walk w;
    struct file *f;
    int rc = lookup_at(dirfd, upath, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), 1, &w, &f);
    if (rc)
        return rc;
    if (f) {
        file_put(f);
        return 0;
    }
    if ((mode & 2) && (S_ISREG(w.node->mode) || S_ISDIR(w.node->mode) || S_ISLNK(w.node->mode)) &&
            !w.node->ops && vfs_writable(w.node))
        return -EROFS;
    return mode ? vfs_permission(w.node, mode) : 0;
}

static long sys_access(struct sc *c) { return do_access(AT_FDCWD, c->a[0], (int)c->a[1], 0); }
static long sys_faccessat(struct sc *c) { return do_access((int)c->a[0], c->a[1], (int)c->a[2], 0); }
static long sys_faccessat2(struct sc *c)
{
    int flags = (int)c->a[3];
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    return do_access((int)c->a[0], c->a[1], (int)c->a[2], flags);
}

/* ---- extended attributes: none are stored. Reading one gives ENODATA (as a file
 * system with xattrs but none set: coreutils then sees no ACL), the list is empty,
 * setting one is EOPNOTSUPP (as a file system without them). The path must exist. ---- */

static long xattr_path(uint64_t upath, int follow)
{
    struct walk w;
    struct file *f;
    int rc = lookup_at(AT_FDCWD, upath, follow ? 0 : AT_SYMLINK_NOFOLLOW, 1, &w, &f);
    if (rc == 0 && f)
        file_put(f);
    return rc;
}

static long xattr_fd(int fd)
{
    struct file *f = fd_get(fd);
    return f ? 0 : -EBADF;
}

static long sys_getxattr(struct sc *c) { long r = xattr_path(c->a[0], 1); return r ? r : -ENODATA; }
static long sys_lgetxattr(struct sc *c) { long r = xattr_path(c->a[0], 0); return r ? r : -ENODATA; }
static long sys_fgetxattr(struct sc *c) { long r = xattr_fd((int)c->a[0]); return r ? r : -ENODATA; }
static long sys_listxattr(struct sc *c) { return xattr_path(c->a[0], 1); }
static long sys_llistxattr(struct sc *c) { return xattr_path(c->a[0], 0); }
static long sys_flistxattr(struct sc *c) { return xattr_fd((int)c->a[0]); }
static long sys_setxattr(struct sc *c) { long r = xattr_path(c->a[0], 1); return r ? r : -EOPNOTSUPP; }
static long sys_lsetxattr(struct sc *c) { long r = xattr_path(c->a[0], 0); return r ? r : -EOPNOTSUPP; }
static long sys_fsetxattr(struct sc *c) { long r = xattr_fd((int)c->a[0]); return r ? r : -EOPNOTSUPP; }

/* ---- links ---- */

static long do_readlink(int dirfd, uint64_t upath, uint64_t ubuf, int64_t size)
{
    if (size <= 0)
        return -EINVAL;
    struct walk w;
    struct file *f;
    int rc = lookup_at(dirfd, upath, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, 1, &w, &f);
    if (rc)
        return rc;
    if (f) {
        file_put(f);
        return -EINVAL;
    }
    if (!S_ISLNK(w.node->mode))
        return -EINVAL;
    long n = vfs_readlink(w.node, pbuf2, sizeof pbuf2);
    if (n < 0)
        return n;
    if ((uint64_t)n > (uint64_t)size)
        n = size;
    return copy_to_user(ubuf, pbuf2, (size_t)n) ? -EFAULT : n;
}

static long sys_readlink(struct sc *c) { return do_readlink(AT_FDCWD, c->a[0], c->a[1], (int64_t)c->a[2]); }
static long sys_readlinkat(struct sc *c) { return do_readlink((int)c->a[0], c->a[1], c->a[2], (int64_t)c->a[3]); }

/* ---- names ---- */

/* Copies the path and finds its start for the modifying calls. */
static int path_at(int dirfd, uint64_t upath, char *buf, struct node **start)
{
    *start = NULL;
    long pl = get_path(upath, buf);
    if (pl < 0)
        return (int)pl;
    if (pl == 0)
        return -ENOENT;
    return start_of(dirfd, buf, 0, start);
}

static long do_mkdir(int dirfd, uint64_t upath, uint32_t mode)
{
    struct node *s = NULL;
    int rc = path_at(dirfd, upath, pbuf, &s);
    return rc ? rc : vfs_mkdir(s, pbuf, mode);
}
static long sys_mkdir(struct sc *c) { return do_mkdir(AT_FDCWD, c->a[0], (uint32_t)c->a[1]); }
static long sys_mkdirat(struct sc *c) { return do_mkdir((int)c->a[0], c->a[1], (uint32_t)c->a[2]); }

static long do_mknod(int dirfd, uint64_t upath, uint32_t mode, uint64_t dev)
{
    struct node *s = NULL, *n;
    int rc = path_at(dirfd, upath, pbuf, &s);
    if (rc)
        return rc;
    uint32_t type = mode & S_IFMT;
    if (type == 0)
        type = S_IFREG;
    if (type == S_IFDIR || type == S_IFLNK)
        return -EINVAL;
    if ((type == S_IFCHR || type == S_IFBLK) && fs_uid() != 0)
        return -EPERM;
    rc = vfs_mknod(s, pbuf, type | (mode & 07777 & ~fs_umask()), &n);
    if (rc == 0)
        n->rdev = (uint32_t)dev;
    return rc;
}
static long sys_mknod(struct sc *c) { return do_mknod(AT_FDCWD, c->a[0], (uint32_t)c->a[1], c->a[2]); }
static long sys_mknodat(struct sc *c) { return do_mknod((int)c->a[0], c->a[1], (uint32_t)c->a[2], c->a[3]); }

static long sys_rmdir(struct sc *c)
{
    struct node *s = NULL;
    int rc = path_at(AT_FDCWD, c->a[0], pbuf, &s);
    return rc ? rc : vfs_rmdir(s, pbuf);
}

static long sys_unlink(struct sc *c)
{
    struct node *s = NULL;
    int rc = path_at(AT_FDCWD, c->a[0], pbuf, &s);
    return rc ? rc : vfs_unlink(s, pbuf);
}

static long sys_unlinkat(struct sc *c)
{
    int flags = (int)c->a[2];
    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    struct node *s = NULL;
    int rc = path_at((int)c->a[0], c->a[1], pbuf, &s);
    if (rc)
        return rc;
    return (flags & AT_REMOVEDIR) ? vfs_rmdir(s, pbuf) : vfs_unlink(s, pbuf);
}

static long do_rename(int ofd, uint64_t op, int nfd, uint64_t np, unsigned flags)
{
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return flags & RENAME_WHITEOUT ? -EINVAL : -EINVAL;
    if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
        return -EINVAL;
    struct node *os = NULL, *ns = NULL;
    int rc = path_at(ofd, op, pbuf, &os);
    if (rc)
        return rc;
    if ((rc = path_at(nfd, np, pbuf2, &ns)))
        return rc;
    return vfs_rename(os, pbuf, ns, pbuf2,
            ((flags & RENAME_NOREPLACE) ? VFS_RENAME_NOREPLACE : 0) |
            ((flags & RENAME_EXCHANGE) ? VFS_RENAME_EXCHANGE : 0));
}
static long sys_rename(struct sc *c) { return do_rename(AT_FDCWD, c->a[0], AT_FDCWD, c->a[1], 0); }
static long sys_renameat(struct sc *c) { return do_rename((int)c->a[0], c->a[1], (int)c->a[2], c->a[3], 0); }
static long sys_renameat2(struct sc *c) { return do_rename((int)c->a[0], c->a[1], (int)c->a[2], c->a[3], (unsigned)c->a[4]); }

/* The old name is a path, the open file itself (AT_EMPTY_PATH), or /proc/self/fd/N followed
 * (AT_SYMLINK_FOLLOW): the last two are how an O_TMPFILE file gets its name. */
static long do_link(int ofd, uint64_t op, int nfd, uint64_t np, int flags)
{
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct walk ow;
    struct file *f;
    int rc = lookup_at(ofd, op, flags, 0, &ow, &f);
    if (rc)
        return rc;
    if (f) { /* a pipe, socket or device file: on no file system of ours */
        file_put(f);
        return -EXDEV;
    }
    struct node *ns = NULL;
    if ((rc = path_at(nfd, np, pbuf2, &ns)))
        return rc;
    return vfs_link_node(ow.node, ns, pbuf2);
}
static long sys_link(struct sc *c) { return do_link(AT_FDCWD, c->a[0], AT_FDCWD, c->a[1], 0); }
static long sys_linkat(struct sc *c) { return do_link((int)c->a[0], c->a[1], (int)c->a[2], c->a[3], (int)c->a[4]); }

static long do_symlink(uint64_t utarget, int nfd, uint64_t np)
{
    long tl = get_path(utarget, pbuf2);
    if (tl < 0)
        return tl;
    struct node *s = NULL;
    int rc = path_at(nfd, np, pbuf, &s);
    return rc ? rc : vfs_symlink(pbuf2, s, pbuf);
}
static long sys_symlink(struct sc *c) { return do_symlink(c->a[0], AT_FDCWD, c->a[1]); }
static long sys_symlinkat(struct sc *c) { return do_symlink(c->a[0], (int)c->a[1], c->a[2]); }

/* ---- attributes ---- */

static long attr_at(int dirfd, uint64_t upath, int flags, const struct vfs_attr *a)
{
    struct walk w;
    struct file *f;
    int rc = lookup_at(dirfd, upath, flags, 1, &w, &f);
    if (rc)
        return rc;
    if (f) {
        file_put(f);
        return 0; /* anonymous files (pipes): accepted, nothing kept */
    }
    if (S_ISLNK(w.node->mode) && (a->mask & ATTR_MODE))
        return -EOPNOTSUPP;
    return vfs_setattr(w.node, a);
}

static long attr_fd(int fd, const struct vfs_attr *a)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    struct node *n = vfile_node(f);
    return n ? vfs_setattr(n, a) : 0;
}

static long sys_chmod(struct sc *c)
{
    struct vfs_attr a = { .mask = ATTR_MODE, .mode = (uint32_t)c->a[1] };
    return attr_at(AT_FDCWD, c->a[0], 0, &a);
}
static long sys_fchmodat(struct sc *c)
{
    struct vfs_attr a = { .mask = ATTR_MODE, .mode = (uint32_t)c->a[2] };
    return attr_at((int)c->a[0], c->a[1], 0, &a);
}
static long sys_fchmod(struct sc *c)
{
    struct vfs_attr a = { .mask = ATTR_MODE, .mode = (uint32_t)c->a[1] };
    return attr_fd((int)c->a[0], &a);
}

static void owner(struct vfs_attr *a, uint64_t uid, uint64_t gid)
{
    a->mask = 0;
    if ((uint32_t)uid != 0xffffffffu) {
        a->mask |= ATTR_UID;
        a->uid = (uint32_t)uid;
    }
    if ((uint32_t)gid != 0xffffffffu) {
        a->mask |= ATTR_GID;
        a->gid = (uint32_t)gid;
    }
}
static long sys_chown(struct sc *c)
{
    struct vfs_attr a;
    owner(&a, c->a[1], c->a[2]);
    return attr_at(AT_FDCWD, c->a[0], 0, &a);
}
static long sys_lchown(struct sc *c)
{
    struct vfs_attr a;
    owner(&a, c->a[1], c->a[2]);
    return attr_at(AT_FDCWD, c->a[0], AT_SYMLINK_NOFOLLOW, &a);
}
static long sys_fchownat(struct sc *c)
{
    struct vfs_attr a;
    owner(&a, c->a[2], c->a[3]);
    return attr_at((int)c->a[0], c->a[1], (int)c->a[4], &a);
}
static long sys_fchown(struct sc *c)
{
    struct vfs_attr a;
    owner(&a, c->a[1], c->a[2]);
    return attr_fd((int)c->a[0], &a);
}

#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

static long sys_utimensat(struct sc *c)
{
    struct vfs_attr a = { .mask = ATTR_ATIME_NOW | ATTR_MTIME_NOW };
    if (c->a[2]) {
        struct k_timespec ts[2];
        if (copy_from_user(ts, c->a[2], sizeof ts))
            return -EFAULT;
        a.mask = 0;
        for (int i = 0; i < 2; i++) {
            if (ts[i].tv_nsec == UTIME_OMIT)
                continue;
            if (ts[i].tv_nsec == UTIME_NOW) {
                a.mask |= i ? ATTR_MTIME_NOW : ATTR_ATIME_NOW;
                continue;
            }
            if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000)
                return -EINVAL;
            struct vfs_ts t = { ts[i].tv_sec, ts[i].tv_nsec };
            if (i)
                a.mtime = t, a.mask |= ATTR_MTIME;
            else
                a.atime = t, a.mask |= ATTR_ATIME;
        }
        if (a.mask == 0)
            return 0;
    }
    if (!c->a[1]) /* futimens */
        return attr_fd((int)c->a[0], &a);
    return attr_at((int)c->a[0], c->a[1], (int)c->a[3] & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &a);
}

static long do_utimes(int dirfd, uint64_t upath, uint64_t utv)
{
    struct vfs_attr a = { .mask = ATTR_ATIME_NOW | ATTR_MTIME_NOW };
    if (utv) {
        int64_t tv[4];
        if (copy_from_user(tv, utv, sizeof tv))
            return -EFAULT;
        if (tv[1] < 0 || tv[1] >= 1000000 || tv[3] < 0 || tv[3] >= 1000000)
            return -EINVAL;
        a.mask = ATTR_ATIME | ATTR_MTIME;
        a.atime = (struct vfs_ts){ tv[0], tv[1] * 1000 };
        a.mtime = (struct vfs_ts){ tv[2], tv[3] * 1000 };
    }
    return attr_at(dirfd, upath, 0, &a);
}
static long sys_utimes(struct sc *c) { return do_utimes(AT_FDCWD, c->a[0], c->a[1]); }
static long sys_futimesat(struct sc *c) { return do_utimes((int)c->a[0], c->a[1], c->a[2]); }

static long sys_truncate(struct sc *c)
{
    if ((int64_t)c->a[1] < 0)
        return -EINVAL;
    struct walk w;
    struct file *f;
    int rc = lookup_at(AT_FDCWD, c->a[0], 0, 1, &w, &f);
    if (rc)
        return rc;
    if (f) {
        file_put(f);
        return -EINVAL;
    }
    if (S_ISDIR(w.node->mode))
        return -EISDIR;
    if ((rc = vfs_permission(w.node, 2)))
        return rc;
    return vfs_truncate(w.node, c->a[1]);
}

static long sys_fallocate(struct sc *c)
{
    struct file *f = fd_get((int)c->a[0]);
    if (!f)
        return -EBADF;
    int mode = (int)c->a[1];
    int64_t off = (int64_t)c->a[2], len = (int64_t)c->a[3];
    if (off < 0 || len <= 0 || off > INT64_MAX - len)
        return -EINVAL;
    struct node *n = vfile_node(f);
    if (!n)
        return -ESPIPE;
    if (!S_ISREG(n->mode))
        return S_ISDIR(n->mode) ? -EISDIR : -ENODEV;
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    enum { KEEP_SIZE = 1, PUNCH_HOLE = 2, ZERO_RANGE = 0x10 };
    if ((mode & ~(KEEP_SIZE | PUNCH_HOLE | ZERO_RANGE)) || ((mode & PUNCH_HOLE) && (mode & ZERO_RANGE)) ||
            ((mode & PUNCH_HOLE) && !(mode & KEEP_SIZE)))
        return -EOPNOTSUPP; /* collapse and insert ranges are not served (nor by tmpfs) */
    if (mode & (PUNCH_HOLE | ZERO_RANGE))
        return vfs_zero_range(n, (uint64_t)off, (uint64_t)len, mode & KEEP_SIZE);
    if ((mode & KEEP_SIZE) || (uint64_t)(off + len) <= n->size)
        return 0; /* memory files need no reservation */
    return vfs_truncate(n, (uint64_t)(off + len));
}

static long sys_sync(struct sc *c) { (void)c; return 0; }
static long sys_syncfs(struct sc *c) { return fd_get((int)c->a[0]) ? 0 : -EBADF; }

/* ---- directories of the process ---- */

static long sys_getcwd(struct sc *c)
{
    long n = vfs_path_of(vfs_cwd, pbuf, sizeof pbuf);
    if (n < 0)
        return n;
    if (c->a[1] < (uint64_t)n + 1)
        return -ERANGE;
    if (copy_to_user(c->a[0], pbuf, (size_t)n + 1))
        return -EFAULT;
    return n + 1;
}

static long set_cwd(struct node *n)
{
    if (!S_ISDIR(n->mode))
        return -ENOTDIR;
    int rc = vfs_permission(n, 1);
    if (rc)
        return rc;
    node_get(n);
    node_put(vfs_cwd);
    vfs_cwd = n;
    return 0;
}

static long sys_chdir(struct sc *c)
{
    struct walk w;
    struct file *f;
    int rc = lookup_at(AT_FDCWD, c->a[0], 0, 1, &w, &f);
    if (rc)
        return rc;
    if (f) {
        file_put(f);
        return -ENOTDIR;
    }
    return set_cwd(w.node);
}

static long sys_fchdir(struct sc *c)
{
    struct file *f = fd_get((int)c->a[0]);
    if (!f)
        return -EBADF;
    struct node *n = vfile_node(f);
    return n ? set_cwd(n) : -ENOTDIR;
}

static long sys_umask(struct sc *c) { return (long)fs_set_umask((uint32_t)c->a[0]); }

static long sys_chroot(struct sc *c)
{
    (void)c;
    return -EPERM;
}

/* ---- file systems ---- */

static long statfs_of(struct node *n, uint64_t ubuf)
{
    struct k_statfs s;
    memset(&s, 0, sizeof s);
    const char *t = n->fs->type;
    s.f_type = strcmp(t, "overlay") == 0 ? 0x794c7630 : strcmp(t, "proc") == 0 ? 0x9fa0 :
            strcmp(t, "sysfs") == 0 ? 0x62656572 : 0x01021994 /* tmpfs */;
    s.f_bsize = s.f_frsize = 4096;
    uint64_t total = (guest_mem_end - libos_note.va_extra) / 4096, used = kalloc_committed() / 4096;
    if (n->fs->size_limit)
        total = n->fs->size_limit / 4096, used = n->fs->bytes_used / 4096;
    s.f_blocks = total;
    s.f_bfree = s.f_bavail = total > used ? total - used : 0;
    s.f_files = 1 << 20;
    s.f_ffree = 1 << 19;
    s.f_fsid[0] = (int32_t)n->fs->dev;
    s.f_namelen = VFS_NAME_MAX;
    s.f_flags = 0x20 /* ST_RELATIME */ | ((n->fs->flags & (FS_RO | FS_LOWER_RO)) ? 1 : 0);
    return copy_to_user(ubuf, &s, sizeof s) ? -EFAULT : 0;
}

static long sys_statfs(struct sc *c)
{
    struct walk w;
    struct file *f;
    int rc = lookup_at(AT_FDCWD, c->a[0], 0, 1, &w, &f);
    if (rc)
        return rc;
    if (f) {
        file_put(f);
        return statfs_of(vfs_root, c->a[1]);
    }
    return statfs_of(w.node, c->a[1]);
}

static long sys_fstatfs(struct sc *c)
{
    struct file *f = fd_get((int)c->a[0]);
    if (!f)
        return -EBADF;
    struct node *n = vfile_node(f);
    return statfs_of(n ? n : vfs_root, c->a[1]);
}

/* Locks of files and directories are held by the open file (fs/flock.c); other kinds of
 * files (pipes, sockets) cannot be opened twice, so theirs never conflict. */
static long sys_flock(struct sc *c)
{
    int op = (int)c->a[1] & ~4 /* LOCK_NB */;
    struct file *f = fd_get((int)c->a[0]);
    if (!f)
        return -EBADF;
    if (op != 1 && op != 2 && op != 8)
        return -EINVAL;
    struct node *n = vfile_node(f);
    if (vfile_is_opath(f))
        return -EBADF;
    return n ? flock_set(f, n, op, (int)c->a[1] & 4) : 0;
}

static long sys_memfd_create(struct sc *c)
{
    unsigned flags = (unsigned)c->a[1];
    if (flags & ~7u) /* MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_HUGETLB */
        return -EINVAL;
    long l = strncpy_from_user(pbuf2, c->a[0], 250);
    if (l < 0)
        return l == -ENAMETOOLONG ? -EINVAL : l;
    if (!memfd_fs && !(memfd_fs = fs_new("tmpfs", "memfd", 0)))
        return -ENOMEM;
    struct node *n = node_new(memfd_fs, S_IFREG | 0777);
    if (!n)
        return -ENOMEM;
    lib_snprintf(pbuf, sizeof pbuf, "/memfd:%s", pbuf2);
    struct file *f = vfile_open(n, O_RDWR | O_LARGEFILE, pbuf);
    if (!f) {
        n->refs = 1;
        node_put(n);
        return -ENOMEM;
    }
    return fd_install(f, 0, (flags & 1) ? 1 : 0);
}

/* ---- copies between files ---- */

static uint8_t bounce[64 * 1024];

static long copy_range(struct file *in, uint64_t *ioff, struct file *out, uint64_t *ooff,
        uint64_t count)
{
    if ((in->flags & O_ACCMODE) == O_WRONLY || (out->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    if (out->flags & O_APPEND && vfile_node(out) && ooff)
        return -EINVAL;
    uint64_t done = 0;
    if (count > 0x7ffff000)
        count = 0x7ffff000;
    while (done < count) {
        size_t want = count - done < sizeof bounce ? (size_t)(count - done) : sizeof bounce;
        uint64_t before = ioff ? *ioff : in->pos;
        long r = file_kread(in, bounce, want, ioff);
        if (r <= 0) {
            if (done == 0 && r < 0)
                return r;
            break;
        }
        long w = file_kwrite(out, bounce, (size_t)r, ooff);
        if (w < 0) {
            /* give back what was read and not written */
            if (ioff)
                *ioff = before;
            else
                in->pos = before;
            return done ? (long)done : w;
        }
        if (w < r) {
            if (ioff)
                *ioff = before + (uint64_t)w;
            else
                in->pos = before + (uint64_t)w;
            done += (uint64_t)w;
            break;
        }
        done += (uint64_t)w;
    }
    return (long)done;
}

/* A blocking destination that is full (a socket, a pipe): nothing was copied, so the call
 * waits for room and is re-run, as the fd layer does for write. */
static long sendfile_wait(struct sc *c, struct file *out, long r)
{
    if (r == -EAGAIN && !(out->flags & O_NONBLOCK) && out->pq) {
        file_block(out, 1, c->restarted);
        return 0;
    }
    return r;
}

static long sys_sendfile(struct sc *c)
{
    struct file *out = fd_get((int)c->a[0]), *in = fd_get((int)c->a[1]);
    if (!out || !in)
        return -EBADF;
    if (!in->ops->lseek)
        return -EINVAL;
    if (c->a[2]) {
        int64_t off;
        if (copy_from_user(&off, c->a[2], sizeof off))
            return -EFAULT;
        if (off < 0)
            return -EINVAL;
        uint64_t o = (uint64_t)off;
        long r = copy_range(in, &o, out, NULL, c->a[3]);
        off = (int64_t)o;
        if (r >= 0 && copy_to_user(c->a[2], &off, sizeof off))
            return -EFAULT;
        return sendfile_wait(c, out, r);
    }
    return sendfile_wait(c, out, copy_range(in, NULL, out, NULL, c->a[3]));
}

static long sys_copy_file_range(struct sc *c)
{
    struct file *in = fd_get((int)c->a[0]), *out = fd_get((int)c->a[2]);
    if (!in || !out)
        return -EBADF;
    if (c->a[5])
        return -EINVAL;
    struct node *ni = vfile_node(in), *no = vfile_node(out);
    if (!ni || !no || !S_ISREG(ni->mode) || !S_ISREG(no->mode))
        return -EINVAL;
    int64_t io = 0, oo = 0;
    uint64_t iu, ou, *ip = NULL, *op = NULL;
    if (c->a[1]) {
        if (copy_from_user(&io, c->a[1], sizeof io))
            return -EFAULT;
        if (io < 0)
            return -EINVAL;
        iu = (uint64_t)io;
        ip = &iu;
    }
    if (c->a[3]) {
        if (copy_from_user(&oo, c->a[3], sizeof oo))
            return -EFAULT;
        if (oo < 0)
            return -EINVAL;
        ou = (uint64_t)oo;
        op = &ou;
    }
    long r = copy_range(in, ip, out, op, c->a[4]);
    if (r >= 0 && ip) {
        io = (int64_t)iu;
        if (copy_to_user(c->a[1], &io, sizeof io))
            return -EFAULT;
    }
    if (r >= 0 && op) {
        oo = (int64_t)ou;
        if (copy_to_user(c->a[3], &oo, sizeof oo))
            return -EFAULT;
    }
    return r;
}

const struct syscall sys_fs_calls[] = {
    { NR_open, "open", sys_open, 0, "the VFS; O_TMPFILE, O_PATH" },
    { NR_openat, "openat", sys_openat, 0, "the VFS; O_TMPFILE, O_PATH" },
    { NR_openat2, "openat2", sys_openat2, SYSF_PARTIAL, "no RESOLVE_* flags" },
    { NR_creat, "creat", sys_creat, 0, "" },
    { NR_stat, "stat", sys_stat, 0, "" },
    { NR_lstat, "lstat", sys_lstat, 0, "" },
    { NR_newfstatat, "newfstatat", sys_newfstatat, 0, "AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW" },
    { NR_statx, "statx", sys_statx, 0, "basic stats" },
    { NR_access, "access", sys_access, 0, "" },
    { NR_faccessat, "faccessat", sys_faccessat, 0, "" },
    { NR_faccessat2, "faccessat2", sys_faccessat2, 0, "AT_EACCESS is the same (one identity)" },
    { NR_getxattr, "getxattr", sys_getxattr, SYSF_PARTIAL, "no attributes are stored: ENODATA" },
    { NR_lgetxattr, "lgetxattr", sys_lgetxattr, SYSF_PARTIAL, "no attributes are stored: ENODATA" },
    { NR_fgetxattr, "fgetxattr", sys_fgetxattr, SYSF_PARTIAL, "no attributes are stored: ENODATA" },
    { NR_listxattr, "listxattr", sys_listxattr, SYSF_PARTIAL, "an empty list" },
    { NR_llistxattr, "llistxattr", sys_llistxattr, SYSF_PARTIAL, "an empty list" },
    { NR_flistxattr, "flistxattr", sys_flistxattr, SYSF_PARTIAL, "an empty list" },
    { NR_setxattr, "setxattr", sys_setxattr, SYSF_PARTIAL, "EOPNOTSUPP" },
    { NR_lsetxattr, "lsetxattr", sys_lsetxattr, SYSF_PARTIAL, "EOPNOTSUPP" },
    { NR_fsetxattr, "fsetxattr", sys_fsetxattr, SYSF_PARTIAL, "EOPNOTSUPP" },
    { NR_readlink, "readlink", sys_readlink, 0, "" },
    { NR_readlinkat, "readlinkat", sys_readlinkat, 0, "" },
    { NR_mkdir, "mkdir", sys_mkdir, 0, "" },
    { NR_mkdirat, "mkdirat", sys_mkdirat, 0, "" },
    { NR_mknod, "mknod", sys_mknod, SYSF_PARTIAL, "files; fifos and devices are names only (open: ENXIO)" },
    { NR_mknodat, "mknodat", sys_mknodat, SYSF_PARTIAL, "as mknod" },
    { NR_rmdir, "rmdir", sys_rmdir, 0, "" },
    { NR_unlink, "unlink", sys_unlink, 0, "" },
    { NR_unlinkat, "unlinkat", sys_unlinkat, 0, "AT_REMOVEDIR" },
    { NR_rename, "rename", sys_rename, 0, "" },
    { NR_renameat, "renameat", sys_renameat, 0, "" },
    { NR_renameat2, "renameat2", sys_renameat2, 0, "RENAME_NOREPLACE, RENAME_EXCHANGE" },
    { NR_link, "link", sys_link, 0, "" },
    { NR_linkat, "linkat", sys_linkat, 0, "AT_SYMLINK_FOLLOW, AT_EMPTY_PATH (O_TMPFILE)" },
    { NR_symlink, "symlink", sys_symlink, 0, "" },
    { NR_symlinkat, "symlinkat", sys_symlinkat, 0, "" },
    { NR_chmod, "chmod", sys_chmod, 0, "" },
    { NR_fchmod, "fchmod", sys_fchmod, 0, "" },
    { NR_fchmodat, "fchmodat", sys_fchmodat, 0, "" },
    { NR_chown, "chown", sys_chown, 0, "recorded in the inode" },
    { NR_lchown, "lchown", sys_lchown, 0, "recorded in the inode" },
    { NR_fchown, "fchown", sys_fchown, 0, "recorded in the inode" },
    { NR_fchownat, "fchownat", sys_fchownat, 0, "recorded in the inode" },
    { NR_utimensat, "utimensat", sys_utimensat, 0, "UTIME_NOW, UTIME_OMIT, futimens" },
    { NR_utimes, "utimes", sys_utimes, 0, "" },
    { NR_futimesat, "futimesat", sys_futimesat, 0, "" },
    { NR_truncate, "truncate", sys_truncate, 0, "" },
    { NR_fallocate, "fallocate", sys_fallocate, SYSF_PARTIAL, "mode 0, KEEP_SIZE, PUNCH_HOLE, ZERO_RANGE; no COLLAPSE/INSERT_RANGE" },
    { NR_sync, "sync", sys_sync, 0, "nothing to write back" },
    { NR_syncfs, "syncfs", sys_syncfs, 0, "nothing to write back" },
    { NR_getcwd, "getcwd", sys_getcwd, 0, "" },
    { NR_chdir, "chdir", sys_chdir, 0, "" },
    { NR_fchdir, "fchdir", sys_fchdir, 0, "" },
    { NR_chroot, "chroot", sys_chroot, SYSF_PARTIAL, "EPERM" },
    { NR_umask, "umask", sys_umask, 0, "" },
    { NR_statfs, "statfs", sys_statfs, 0, "" },
    { NR_fstatfs, "fstatfs", sys_fstatfs, 0, "" },
    { NR_flock, "flock", sys_flock, 0, "held by the open file: two opens conflict, dups share" },
    { NR_memfd_create, "memfd_create", sys_memfd_create, SYSF_PARTIAL, "seals not enforced" },
    { NR_sendfile, "sendfile", sys_sendfile, 0, "any readable seekable file to any file" },
    { NR_copy_file_range, "copy_file_range", sys_copy_file_range, 0, "" },
    { -1, NULL, NULL, 0, NULL },
};
