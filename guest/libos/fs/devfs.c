/* devfs.c: /dev: null zero full random urandom tty console, stdin/stdout/stderr and fd/ (links into /proc/self/fd), shm/. */
#include "libos.h"
#include "fs/vfile.h"

static long null_read(struct node *n, uint64_t pos, void *buf, size_t len)
{
    (void)n, (void)pos, (void)buf, (void)len;
    return 0;
}
static long sink_write(struct node *n, uint64_t pos, const void *buf, size_t len)
{
    (void)n, (void)pos, (void)buf;
    return (long)len;
}
static long zero_read(struct node *n, uint64_t pos, void *buf, size_t len)
{
    (void)n, (void)pos;
    memset(buf, 0, len);
    return (long)len;
}
static long full_write(struct node *n, uint64_t pos, const void *buf, size_t len)
{
    (void)n, (void)pos, (void)buf, (void)len;
    return -ENOSPC;
}
static long random_read(struct node *n, uint64_t pos, void *buf, size_t len)
{
    (void)n, (void)pos;
    rnd_fill(buf, len);
    return (long)len;
}
static struct file *tty_magic(struct node *n)
{
    (void)n;
    return console_file();
}
/* /dev/tty is the controlling terminal: without one (no --terminal, as docker run without
 * -t) opening it is ENXIO, as on Linux; /dev/console is always the console. */
static struct file *ctty_magic(struct node *n)
{
    return libos_cfg.terminal ? tty_magic(n) : NULL;
}

static const struct node_ops null_ops = { .read = null_read, .write = sink_write };
static const struct node_ops zero_ops = { .read = zero_read, .write = sink_write };
static const struct node_ops full_ops = { .read = zero_read, .write = full_write };
static const struct node_ops random_ops = { .read = random_read, .write = sink_write };
static const struct node_ops tty_ops = { .magic = tty_magic };
static const struct node_ops ctty_ops = { .magic = ctty_magic };

static int add_dev(struct fsys *fs, const char *name, const struct node_ops *ops,
        uint32_t major, uint32_t minor, uint32_t perm)
{
    struct node *n = node_new(fs, FS_IFCHR | perm);
    if (!n)
        return -ENOMEM;
    n->ops = ops;
    n->rdev = (minor & 0xff) | (major << 8);
    return dir_add(fs->root, name, strlen(name), n);
}

static int add_link(struct fsys *fs, const char *name, const char *target)
{
    struct node *n = node_new(fs, FS_IFLNK | 0777);
    if (!n)
        return -ENOMEM;
    n->target = target;
    n->target_len = (uint32_t)strlen(target);
    n->size = n->target_len;
    return dir_add(fs->root, name, strlen(name), n);
}

struct fsys *devfs_new(void)
{
    struct fsys *fs = fs_new("devtmpfs", "devtmpfs", 0);
    if (!fs)
        return NULL;
    int rc = add_dev(fs, "null", &null_ops, 1, 3, 0666) | add_dev(fs, "zero", &zero_ops, 1, 5, 0666) |
            add_dev(fs, "full", &full_ops, 1, 7, 0666) | add_dev(fs, "random", &random_ops, 1, 8, 0666) |
            add_dev(fs, "urandom", &random_ops, 1, 9, 0666) | add_dev(fs, "tty", &ctty_ops, 5, 0, 0666) |
            add_dev(fs, "console", &tty_ops, 5, 1, 0620) |
            add_link(fs, "stdin", "/proc/self/fd/0") | add_link(fs, "stdout", "/proc/self/fd/1") |
            add_link(fs, "stderr", "/proc/self/fd/2") | add_link(fs, "fd", "/proc/self/fd");
    struct node *shm = node_new(fs, FS_IFDIR | 01777), *pts = node_new(fs, FS_IFDIR | 0755);
    if (rc || !shm || !pts || dir_add(fs->root, "shm", 3, shm) || dir_add(fs->root, "pts", 3, pts))
        return NULL;
    return fs;
}
