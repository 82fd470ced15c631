/* boot.c: the file system at start-up: the rootfs disk (indexed, overlaid with memory) or an empty memory root, then /dev, /proc, /sys, /dev/shm and the cwd. */
#include "libos.h"
#include "fs/vfile.h"

void procfs_set_process(int argc, char **argv, int envc, char **envp, uint64_t mem);

struct blockdev {
    solo5_handle_t h;
    uint64_t bsize;
};

static int blk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct blockdev *b = ctx;
    for (size_t done = 0; done < len; done += b->bsize)
        if (solo5_block_read(b->h, off + done, (uint8_t *)buf + done, b->bsize) != SOLO5_R_OK)
            return -EIO;
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
    if (info.block_size == 0 || USTAR_SECTOR % info.block_size) {
        LOG("libos: %s: block size %llu is not a divisor of 512\n", dev,
                (unsigned long long)info.block_size);
        return NULL;
    }
    b->bsize = info.block_size;
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

int fs_boot(int argc, char **argv, int envc, char **envp, uint64_t mem)
{
    procfs_set_process(argc, argv, envc, envp, mem);
    struct fsys *root;
    if (have_rootfs()) {
        root = disk_fs("rootfs", 0);
        if (!root) {
            LOG("libos: the rootfs disk cannot be used\n");
            return -1;
        }
    } else {
        root = fs_new("tmpfs", "rootfs", 0);
        if (root && mount_new(root, "/") == 0) {
            struct node *tmp;
            if (vfs_mknod(NULL, "/tmp", FS_IFDIR | 01777, &tmp) == 0)
                tmp->mode = FS_IFDIR | 01777;
            vfs_mkdir(NULL, "/etc", 0755);
            root = NULL;
        } else {
            return -1;
        }
    }
    if (root && mount_new(root, "/"))
        return -1;
    if (mount_new(devfs_new(), "/dev") || mount_new(fs_new("tmpfs", "shm", 0), "/dev/shm") ||
            mount_new(procfs_new(), "/proc") || mount_new(sysfs_new(), "/sys"))
        return -1;
    /* the shm mount's root is world-writable and sticky, as Linux's */
    for (struct fsys *fs = vfs_mounts; fs; fs = fs->next)
        if (fs->mnt_path && strcmp(fs->mnt_path, "/dev/shm") == 0)
            fs->root->mode = FS_IFDIR | 01777;
    const char *cwd = libos_cfg.cwd && libos_cfg.cwd[0] == '/' ? libos_cfg.cwd : "/";
    struct walk w;
    if (vfs_walk(NULL, cwd, WALK_FOLLOW | WALK_DIR, &w) == 0) {
        node_put(vfs_cwd);
        vfs_cwd = w.node;
        node_get(vfs_cwd);
    } else {
        LOG("libos: the working directory %s does not exist: using /\n", cwd);
    }
    return 0;
}
