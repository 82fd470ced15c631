/* boot.c: the file system at start-up: the rootfs disk (indexed, overlaid with memory) or an empty memory root, then /dev, /proc, /sys, /dev/shm and the cwd. */
#include "libos.h"
#include "fs/vfile.h"

void procfs_set_process(int argc, char **argv, int envc, char **envp, uint64_t mem);

/* A disk read in its own blocks (runnc and nabla run attach libOS disks with 32 KiB
 * blocks, so the index scan and the cache need few host reads): whole aligned blocks go
 * straight to the caller's buffer, the rest through one block kept from the last read. */
#define BLK_MAX 32768u
struct blockdev {
    solo5_handle_t h;
    uint64_t bsize, cap;
    uint8_t *blk;     /* BLK_MAX bytes */
    uint64_t blk_off; /* disk offset of blk's contents; UINT64_MAX: none */
};

static int blk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct blockdev *b = ctx;
    uint8_t *out = buf;
    if (off > b->cap || len > b->cap - off)
        return -EIO;
    while (len) {
        uint64_t base = off & ~(b->bsize - 1);
        size_t in = (size_t)(off - base);
        if (in == 0 && len >= b->bsize) {
            if (solo5_block_read(b->h, off, out, b->bsize) != SOLO5_R_OK)
                return -EIO;
            off += b->bsize, out += b->bsize, len -= b->bsize;
            continue;
        }
        if (b->blk_off != base) {
            b->blk_off = UINT64_MAX;
            if (solo5_block_read(b->h, base, b->blk, b->bsize) != SOLO5_R_OK)
                return -EIO;
            b->blk_off = base;
        }
        size_t n = b->bsize - in < len ? b->bsize - in : len;
        memcpy(out, b->blk + in, n);
        off += n, out += n, len -= n;
    }
    return 0;
}
static void *blk_alloc(void *ctx, size_t n) { (void)ctx; return kalloc(n); }
static void blk_free(void *ctx, void *p, size_t n) { (void)ctx, (void)n; kfree(p); }

/* A disk as a memory tree over its index; NULL (after a message) if it is bad. */
static struct fsys *disk_fs(const char *dev, uint32_t flags)
{
    struct solo5_block_info info;
    struct blockdev *b = kalloc(sizeof *b);
    struct ustar_io *io = kalloc(sizeof *io);
    struct ustar_index *ix = kalloc(sizeof *ix);
    struct ustar_cache *cache = kalloc(sizeof *cache);
    if (!b || !io || !ix || !cache) {
        LOG("libos: %s: out of memory\n", dev);
        return NULL;
    }
    if (solo5_block_acquire(dev, &b->h, &info) != SOLO5_R_OK)
        return NULL;
    if (info.block_size < 512 || info.block_size > BLK_MAX ||
            (info.block_size & (info.block_size - 1)) || info.capacity % info.block_size) {
        LOG("libos: %s: block size %llu is not a power of two from 512 to %u dividing the disk\n",
                dev, (unsigned long long)info.block_size, BLK_MAX);
        return NULL;
    }
    b->bsize = info.block_size;
    b->cap = info.capacity;
    b->blk_off = UINT64_MAX;
    if (!(b->blk = kalloc_pages(BLK_MAX / PAGE_SIZE))) {
        LOG("libos: %s: out of memory\n", dev);
        return NULL;
    }
    io->read = blk_read;
    io->alloc = blk_alloc;
    io->free = blk_free;
    io->ctx = b;
    io->disk_size = info.capacity;
    char err[200];
    int rc = ustar_index_build(ix, io, err, sizeof err);
    if (rc) {
        LOG("libos: disk %s: %s\n", dev, err);
        return NULL;
    }
    ustar_cache_init(cache, io);
    struct fsys *fs = fs_new("overlay", dev, flags);
    if (!fs)
        return NULL;
    fs->lower = ix;
    fs->cache = cache;
    const struct ustar_ent *re = ustar_ent(ix, 0);
    struct node *root = fs->root;
    root->lower = 0;
    root->populated = 0;
    root->mode = re->mode;
    root->uid = re->uid;
    root->gid = re->gid;
    root->mtime.sec = root->atime.sec = root->ctime.sec = re->mtime;
    DBG("libos: disk %s: %u entries, %llu bytes of files\n", dev, ix->count,
            (unsigned long long)ix->data_bytes);
    return fs;
}

static int mount_new(struct fsys *fs, const char *path)
{
    if (!fs) {
        LOG("libos: out of memory mounting %s\n", path);
        return -1;
    }
    int rc = vfs_mount(fs, path);
    if (rc) {
        LOG("libos: mounting %s failed (%d)\n", path, rc);
        return -1;
    }
    return 0;
}

static int have_rootfs(void)
{
    unsigned idx;
    return mft_get_by_name("rootfs", MFT_DEV_BLOCK_BASIC, &idx) != NULL;
}

/* An empty memory root with /tmp (1777) and /etc, as a fresh container without an image. */
static int empty_root(void)
{
    struct fsys *root = fs_new("tmpfs", "rootfs", libos_cfg.readonly ? FS_RO : 0);
    if (mount_new(root, "/"))
        return -1;
    if (!libos_cfg.readonly) {
        struct node *tmp;
        if (vfs_mknod(NULL, "/tmp", FS_IFDIR | 01777, &tmp) == 0)
            tmp->mode = FS_IFDIR | 01777;
        vfs_mkdir(NULL, "/etc", 0755);
    }
    return 0;
}

/* A single-file bind (/etc/resolv.conf from its own disk): the disk's file is copied into
 * the tree at path (parents made), so that it reads as the host file did. Writes to it
 * stay in memory (a read-only single-file bind is writable in the guest: noted in README). */
static int bind_file(const struct libos_mount *m)
{
    struct fsys *fs = disk_fs(m->dev, FS_RO);
    if (!fs)
        return -1;
    struct dent *d = ovl_populate(fs->root) == 0 ? dir_find(fs->root, m->file, strlen(m->file)) : NULL;
    if (!d || !FS_ISREG(d->node->mode)) {
        LOG("libos: disk %s has no file %s to bind at %s\n", m->dev, m->file, m->path);
        return -1;
    }
    struct node *src = d->node;
    uint32_t saved = vfs_root->fs->flags;
    vfs_root->fs->flags &= ~FS_RO; /* binds are made even on a read-only root */
    int rc = 0;
    char dir[VFS_PATH_MAX];
    size_t n = strlen(m->path);
    if (n >= sizeof dir)
        rc = -FS_ENAMETOOLONG;
    for (size_t i = 1; rc == 0 && i < n; i++) {
        if (m->path[i] != '/')
            continue;
        memcpy(dir, m->path, i);
        dir[i] = 0;
        int r = vfs_mkdir(NULL, dir, 0755);
        if (r && r != -FS_EEXIST)
            rc = r;
    }
    struct node *dst = NULL;
    if (rc == 0) {
        vfs_unlink(NULL, m->path); /* the image's own file, if any, is covered */
        rc = vfs_mknod(NULL, m->path, src->mode, &dst);
    }
    static uint8_t buf[16384];
    for (uint64_t pos = 0; rc == 0 && pos < src->size;) {
        long r = vfs_read(src, pos, buf, sizeof buf);
        if (r <= 0) {
            rc = r ? (int)r : -FS_EIO;
            break;
        }
        long w = vfs_write(dst, pos, buf, (size_t)r);
        if (w != r)
            rc = w < 0 ? (int)w : -FS_ENOSPC;
        pos += (uint64_t)r;
    }
    if (rc == 0) {
        dst->uid = src->uid;
        dst->gid = src->gid;
        dst->mtime = src->mtime;
    }
    vfs_root->fs->flags = saved;
    if (rc) {
        LOG("libos: binding %s at %s failed (%d)\n", m->file, m->path, rc);
        return -1;
    }
    return 0;
}

/* The configured mounts in order ("mounts"; README "Files"): disks (read-only, or writable
 * in memory), tmpfs, single files. Without a "/" among them the root is the "rootfs" disk
 * when the image declares one, else memory. */
static int config_mounts(void)
{
    int have_root = 0;
    for (int i = 0; i < libos_cfg.nmounts; i++)
        if (strcmp(libos_cfg.mounts[i].path, "/") == 0)
            have_root = 1;
    if (!have_root) {
        if (have_rootfs()) {
            struct fsys *root = disk_fs("rootfs", libos_cfg.readonly ? FS_RO : 0);
            if (!root) {
                LOG("libos: the rootfs disk cannot be used\n");
                return -1;
            }
            if (mount_new(root, "/"))
                return -1;
        } else if (empty_root()) {
            return -1;
        }
    }
    for (int i = 0; i < libos_cfg.nmounts; i++) {
        const struct libos_mount *m = &libos_cfg.mounts[i];
        int root = strcmp(m->path, "/") == 0;
        uint32_t flags = m->ro || (root && libos_cfg.readonly) ? FS_RO : 0;
        if (m->file) {
            if (bind_file(m))
                return -1;
            continue;
        }
        struct fsys *fs;
        if (m->dev) {
            fs = disk_fs(m->dev, flags);
            if (!fs) {
                LOG("libos: disk %s for %s cannot be used\n", m->dev, m->path);
                return -1;
            }
        } else {
            fs = fs_new("tmpfs", "tmpfs", flags);
            if (fs) {
                fs->size_limit = m->size;
                fs->root->mode = FS_IFDIR | 01777;
            }
        }
        if (mount_new(fs, m->path))
            return -1;
    }
    return 0;
}

extern int fs_booting;

static int boot(void);

int fs_boot(int argc, char **argv, int envc, char **envp, uint64_t mem)
{
    procfs_set_process(argc, argv, envc, envp, mem);
    const char *cwd = libos_cfg.cwd && libos_cfg.cwd[0] == '/' ? libos_cfg.cwd : "/";
    fs_booting = 1;
    int rc = boot();
    /* A working directory the image lacks is made (in memory), as runc makes it. */
    struct walk w;
    if (rc == 0 && vfs_walk(NULL, cwd, WALK_FOLLOW, &w) == -FS_ENOENT) {
        char dir[VFS_PATH_MAX];
        size_t n = strlen(cwd);
        uint32_t saved = vfs_root->fs->flags;
        vfs_root->fs->flags &= ~FS_RO;
        for (size_t i = 1; n < sizeof dir && i <= n; i++) {
            if (i == n || cwd[i] == '/') {
                memcpy(dir, cwd, i);
                dir[i] = 0;
                vfs_mkdir(NULL, dir, 0755);
            }
        }
        vfs_root->fs->flags = saved;
    }
    fs_booting = 0;
    if (rc)
        return rc;
    /* The working directory is entered as the process (it must be allowed to). */
    if (vfs_walk(NULL, cwd, WALK_FOLLOW | WALK_DIR, &w) == 0) {
        node_put(vfs_cwd);
        vfs_cwd = w.node;
        node_get(vfs_cwd);
    } else {
        LOG("libos: the working directory %s does not exist: using /\n", cwd);
    }
    return 0;
}

static int boot(void)
{
    if (config_mounts())
        return -1;
    /* /tmp is memory like the rest of the upper layer; an image without one gets it. */
    struct walk tw;
    if (!libos_cfg.readonly && vfs_walk(NULL, "/tmp", WALK_FOLLOW, &tw) == -FS_ENOENT) {
        struct node *tmp;
        if (vfs_mknod(NULL, "/tmp", FS_IFDIR | 01777, &tmp) == 0)
            tmp->mode = FS_IFDIR | 01777;
    }
    if (mount_new(devfs_new(), "/dev") || mount_new(fs_new("tmpfs", "shm", 0), "/dev/shm") ||
            mount_new(procfs_new(), "/proc") || mount_new(sysfs_new(), "/sys"))
        return -1;
    /* the shm mount's root is world-writable and sticky, as Linux's */
    for (struct fsys *fs = vfs_mounts; fs; fs = fs->next)
        if (fs->mnt_path && strcmp(fs->mnt_path, "/dev/shm") == 0)
            fs->root->mode = FS_IFDIR | 01777;
    return 0;
}
