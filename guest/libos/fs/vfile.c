/* vfile.c: open files and directories of the VFS as struct file (read/write at an offset, seek, stat, getdents, mmap fill). */
#include "libos.h"
#include "fd/file.h"
#include "fs/vfs.h"
#include "fs/vfile.h"

#define FIONREAD 0x541B

static struct vfile *V(struct file *f) { return (struct vfile *)f; }

static long vf_read(struct file *f, void *buf, size_t n, uint64_t *off)
{
    long r = vfs_read(V(f)->node, *off, buf, n);
    if (r > 0)
        *off += (uint64_t)r;
    return r;
}

static long vf_write(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    struct node *nd = V(f)->node;
    if ((f->flags & O_APPEND) && FS_ISREG(nd->mode))
        *off = nd->size;
    long r = vfs_write(nd, *off, buf, n);
    if (r > 0)
        *off += (uint64_t)r;
    return r;
}

void vfs_kstat(struct node *n, struct kstat *st)
{
    memset(st, 0, sizeof *st);
    st->dev = n->fs->dev;
    st->ino = n->ino;
    st->nlink = n->nlink ? n->nlink : (FS_ISDIR(n->mode) ? 2 : 1);
    if (n->nlink == 0 && !FS_ISDIR(n->mode) && n != n->fs->root)
        st->nlink = 0; /* unlinked but open */
    st->nlink += n->unseen_links;
    if (FS_ISDIR(n->mode) && !n->populated && n->fs->lower) {
        /* a disk directory not yet read into memory: the disk's count (2 + subdirectories) */
        const struct ustar_ent *e = ustar_ent(n->fs->lower, n->lower);
        if (e)
            st->nlink = e->nlink;
    }
    st->mode = n->mode;
    st->uid = n->uid;
    st->gid = n->gid;
    st->rdev = n->rdev;
    st->size = (int64_t)n->size;
    st->blksize = 4096;
    st->blocks = (int64_t)((n->size + 511) / 512);
    st->atime_sec = n->atime.sec;
    st->atime_nsec = (uint32_t)n->atime.nsec;
    st->mtime_sec = n->mtime.sec;
    st->mtime_nsec = (uint32_t)n->mtime.nsec;
    st->ctime_sec = n->ctime.sec;
    st->ctime_nsec = (uint32_t)n->ctime.nsec;
    if (FS_ISDIR(n->mode) && n->size == 0)
        st->size = 4096, st->blocks = 8;
}

static long vf_stat(struct file *f, struct kstat *st)
{
    vfs_kstat(V(f)->node, st);
    return 0;
}

static long vf_lseek(struct file *f, int64_t off, int whence)
{
    struct node *n = V(f)->node;
    int64_t base;
    if (FS_ISDIR(n->mode)) {
        /* a directory offset is a readdir cookie: only rewinding and telling make sense */
        if (whence == SEEK_SET && off >= 0)
            return off;
        if (whence == SEEK_CUR && off == 0)
            return (long)f->pos;
        return -EINVAL;
    }
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)f->pos; break;
    case SEEK_END: base = (int64_t)n->size; break;
    case SEEK_DATA: /* the whole file is data: holes read as zero but are not reported */
        if (off < 0 || (uint64_t)off >= n->size)
            return -ENXIO;
        return off;
    case SEEK_HOLE:
        if (off < 0 || (uint64_t)off >= n->size)
            return -ENXIO;
        return (long)n->size;
    default: return -EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    return (long)(base + off);
}

static long vf_getdents(struct file *f, void *buf, size_t n)
{
    struct node *dir = V(f)->node;
    uint8_t *out = buf;
    size_t used = 0;
    char name[VFS_NAME_MAX + 1];
    for (;;) {
        uint64_t cookie = f->pos, ino;
        unsigned dtype;
        int len = vfs_readdir(dir, &cookie, name, sizeof name, &ino, &dtype);
        if (len < 0)
            return used ? (long)used : len;
        if (len == 0)
            break;
        size_t reclen = (offsetof(struct k_dirent64, d_name) + (size_t)len + 1 + 7) & ~(size_t)7;
        if (used + reclen > n) {
            if (used == 0)
                return -EINVAL;
            break;
        }
        struct k_dirent64 d;
        d.d_ino = ino;
        d.d_off = (int64_t)cookie;
        d.d_reclen = (uint16_t)reclen;
        d.d_type = (uint8_t)dtype;
        memcpy(out + used, &d, offsetof(struct k_dirent64, d_name));
        memcpy(out + used + offsetof(struct k_dirent64, d_name), name, (size_t)len);
        memset(out + used + offsetof(struct k_dirent64, d_name) + len, 0,
                reclen - offsetof(struct k_dirent64, d_name) - (size_t)len);
        used += reclen;
        f->pos = cookie;
    }
    node_touch(dir, VFS_T_A);
    return (long)used;
}

static long vf_truncate(struct file *f, uint64_t len)
{
    return vfs_truncate(V(f)->node, len);
}

static long vf_fsync(struct file *f)
{
    (void)f;
    return 0;
}

static long vf_ioctl(struct file *f, unsigned long req, uint64_t arg)
{
    struct node *n = V(f)->node;
    if (req == FIONREAD && FS_ISREG(n->mode)) {
        int v = f->pos < n->size ? (int)(n->size - f->pos > 0x7fffffff ? 0x7fffffff : n->size - f->pos) : 0;
        return copy_to_user(arg, &v, sizeof v) ? -EFAULT : 0;
    }
    return -ENOTTY;
}

/* mmap: the file's bytes from off copied into the fresh (zeroed) mapping; the part past
 * the end of the file stays zero, as Linux's last page. A writable MAP_SHARED mapping is
 * kept coherent with the file by the mm calls (sys/sys_mm.c) at every system call. */
static long vf_mmap(struct file *f, uint64_t addr, uint64_t len, uint64_t off, int prot,
        int flags)
{
    struct node *n = V(f)->node;
    if (!FS_ISREG(n->mode) && !(n->ops && n->ops->read))
        return -ENODEV;
    (void)prot, (void)flags;
    uint64_t done = 0;
    while (done < len) {
        size_t chunk = len - done > (1u << 30) ? (1u << 30) : (size_t)(len - done);
        long r = vfs_read(n, off + done, (void *)(uintptr_t)(addr + done), chunk);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        done += (uint64_t)r;
    }
    return 0;
}

static long vf_path(struct file *f, char *buf, size_t n)
{
    struct vfile *v = V(f);
    if (FS_ISDIR(v->node->mode)) {
        long r = vfs_path_of(v->node, buf, n);
        if (r >= 0)
            return r;
    }
    if (!v->path)
        return lib_snprintf(buf, n, "/");
    size_t l = strlen(v->path);
    if (v->node->nlink == 0 && !FS_ISDIR(v->node->mode))
        return lib_snprintf(buf, n, "%s (deleted)", v->path);
    if (l + 1 > n)
        l = n - 1;
    memcpy(buf, v->path, l);
    buf[l] = 0;
    return (long)l;
}

static void vf_release(struct file *f)
{
    struct vfile *v = V(f);
    flock_release(f);
    node_put(v->node);
    if (v->path)
        kfree(v->path);
    kfree(v);
}

static const struct file_ops vfile_ops = {
    .kind = "file", .read = vf_read, .write = vf_write, .stat = vf_stat, .lseek = vf_lseek,
    .truncate = vf_truncate, .fsync = vf_fsync, .ioctl = vf_ioctl, .mmap = vf_mmap,
    .path = vf_path, .release = vf_release,
};

static const struct file_ops vdir_ops = {
    .kind = "dir", .stat = vf_stat, .lseek = vf_lseek, .getdents = vf_getdents,
    .fsync = vf_fsync, .ioctl = vf_ioctl, .path = vf_path, .release = vf_release,
};

/* O_PATH files: only fstat, fchdir, the *at() calls and close. */
static const struct file_ops vpath_ops = {
    .kind = "path", .stat = vf_stat, .path = vf_path, .release = vf_release,
};

struct file *vfile_open(struct node *n, int flags, const char *path)
{
    struct vfile *v = kalloc(sizeof *v);
    if (!v)
        return NULL;
    const struct file_ops *ops = (flags & O_PATH) ? &vpath_ops :
            FS_ISDIR(n->mode) ? &vdir_ops : &vfile_ops;
    file_init(&v->f, ops, flags & ~O_CLOEXEC, NULL);
    v->f.ino = n->ino;
    v->node = n;
    node_get(n);
    if (path) {
        size_t l = strlen(path);
        v->path = kalloc(l + 1);
        if (v->path)
            memcpy(v->path, path, l + 1);
    }
    return &v->f;
}

int vfile_is_opath(struct file *f) { return f && f->ops == &vpath_ops; }

struct node *vfile_node(struct file *f)
{
    if (f && (f->ops == &vfile_ops || f->ops == &vdir_ops || f->ops == &vpath_ops))
        return V(f)->node;
    return NULL;
}
