/* vfs.h: the libOS file system: nodes, mounts, the path walk and the path operations the syscalls use. */
#ifndef VFS_H_INCLUDED
#define VFS_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "fsenv.h"
#include "ustar.h"

/*
 * One node type serves every file system. A plain node (ops == NULL) is memfs: a
 * directory of entries, a file of pages, a symlink. A node may also name an entry of a
 * read-only ustar disk ("lower"): a directory's entries are created from the disk's the
 * first time the directory is used (overlay.c: populate), a file's data is read from
 * the disk until it is first changed (copy-up). This is an overlay over the whole tree
 * without whiteouts: once populated, the memory directory is the truth, so unlink,
 * rename, rmdir+mkdir need no marker of what the lower layer had. Synthetic nodes
 * (devfs, procfs) set ops.
 */

#define VFS_PATH_MAX 4096
#define VFS_NAME_MAX 255
#define VFS_SYMLOOP_MAX 40
#define VFS_PAGE 4096u

struct vfs_ts {
    int64_t sec;
    int64_t nsec;
};

struct node;
struct dent;
struct file;

/* The operations of a synthetic node; each may be NULL (then the plain behaviour, or
 * EINVAL/EPERM where there is none). */
struct node_ops {
    long (*read)(struct node *n, uint64_t pos, void *buf, size_t len);
    long (*write)(struct node *n, uint64_t pos, const void *buf, size_t len);
    /* dynamic directories: the child called name, made on demand (refs taken) */
    int (*lookup)(struct node *dir, const char *name, size_t len, struct node **out);
    /* dynamic directories: the entry after cookie (name into buf, returns its length,
     * 0 at the end); *cookie advances */
    int (*readdir)(struct node *dir, uint64_t *cookie, char *buf, size_t buflen,
            uint64_t *ino, unsigned *dtype);
    long (*readlink)(struct node *n, char *buf, size_t len);
    /* magic links (/proc/self/fd/N): the open file to use instead of a path walk */
    struct file *(*magic)(struct node *n);
    /* the size (stat) of a generated file, when it is cheaper than generating */
    void (*release)(struct node *n);
};

#define FS_RO 1u        /* writes give EROFS */
#define FS_LOWER_RO 2u  /* "ro" mounts of a disk: same as FS_RO, named for mountinfo */

struct fsys {
    const char *type;        /* "overlay", "tmpfs", "devtmpfs", "proc", "sysfs", "ustar" */
    const char *source;      /* mountinfo's source field */
    uint32_t flags;          /* FS_* */
    uint32_t dev;            /* st_dev */
    uint64_t size_limit;     /* bytes of data (0: --mem is the only limit) */
    uint64_t bytes_used;     /* data pages held */
    uint64_t next_ino;
    struct node *root;
    struct node *covered;    /* the node this fs is mounted on (NULL for /) */
    char *mnt_path;          /* where it is mounted */
    struct fsys *next;       /* mount order */
    const struct ustar_index *lower;
    struct ustar_cache *cache;
    uint32_t id;             /* mountinfo's mount id */
};

/* A directory entry: a name in a directory for a node (which counts it in nlink). */
struct dent {
    struct dent *next, *prev;  /* the directory's order (readdir) */
    struct dent *hnext;        /* hash chain of (dir, name) */
    struct node *dir;
    struct node *node;
    uint64_t cookie;           /* readdir offset: increasing within the directory */
    uint16_t len;
    char name[];
};

struct node {
    const struct node_ops *ops;
    struct fsys *fs;
    struct node *parent;       /* directories: the containing directory (root: itself) */
    struct dent *self;         /* directories: their entry in the parent (getcwd) */
    struct node *mounted;      /* a directory covered by a mount: that fs's root */
    uint32_t refs;             /* open files, cwd, the walk: besides directory entries */
    uint32_t nlink;
    uint32_t mode, uid, gid;
    uint32_t rdev;
    uint64_t ino, size;
    struct vfs_ts atime, mtime, ctime;
    /* directories */
    struct dent *first, *last;
    uint64_t next_cookie;
    uint32_t nents;
    uint8_t populated;         /* the lower entries have been made (or there are none) */
    /* files */
    uint8_t lower_data;        /* the data is still the lower disk's */
    uint8_t linkable;          /* O_TMPFILE without O_EXCL: linkat may name it (once) */
    uint8_t **pages;           /* pages[i] is 4 KiB or NULL (a hole) */
    uint64_t npages;           /* slots in pages[] */
    /* symlinks */
    const char *target;
    uint8_t target_owned;
    uint32_t target_len;
    /* the lower entry (USTAR_NONE: none) */
    uint32_t lower;
    /* hard-linked lower files: names on the disk not yet in a populated directory (they
     * count in stat's nlink) */
    uint32_t unseen_links;
    void *priv;                /* synthetic nodes */
    uint64_t priv2;
};

/* ---- memfs.c: nodes, entries, data ---- */
struct node *node_new(struct fsys *fs, uint32_t mode);
void node_get(struct node *n);
void node_put(struct node *n);
/* The entry called name in dir (after populating dir), or NULL. */
struct dent *dir_find(struct node *dir, const char *name, size_t len);
/* Adds name -> n in dir (n->nlink++); -ENOMEM/-ENOSPC. */
int dir_add(struct node *dir, const char *name, size_t len, struct node *n);
/* Removes an entry (node's nlink--; freed when nothing holds it). */
void dir_remove(struct dent *d);
/* Moves entry od to name in ndir, replacing the entry replaced (or NULL): rename. */
int dir_move(struct dent *od, struct node *ndir, const char *name, size_t len,
        struct dent *replaced);
/* Data of a plain file. */
long mem_read(struct node *n, uint64_t pos, void *buf, size_t len);
long mem_write(struct node *n, uint64_t pos, const void *buf, size_t len);
int mem_truncate(struct node *n, uint64_t size);
/* Zeroes [pos, end) below the size: whole pages become holes (memory given back). */
void mem_zero(struct node *n, uint64_t pos, uint64_t end);
/* The page holding pos, allocated when missing (mmap fill, writes); NULL when full. */
uint8_t *mem_page(struct node *n, uint64_t pos, int create);
struct fsys *fs_new(const char *type, const char *source, uint32_t flags);
void node_touch(struct node *n, int what); /* VFS_T_* */
#define VFS_T_A 1
#define VFS_T_M 2
#define VFS_T_C 4

/* ---- overlay.c: the lower disk under a memfs tree ---- */
/* Makes dir's entries from the lower disk once; 0 or -ENOMEM. */
int ovl_populate(struct node *dir);
/* Moves a file's data from the disk into memory before a change; 0 or -ENOSPC/-EIO. */
int ovl_copy_up(struct node *n);
/* A node for a lower entry (for the root of a mount and for populate). */
struct node *ovl_node(struct fsys *fs, uint32_t ent);
/* Reads lower data. */
long ovl_read(struct node *n, uint64_t pos, void *buf, size_t len);

/* ---- vfs.c: mounts, walk, operations ---- */
extern struct node *vfs_root;    /* the guest's / */
/* The calling process's working directory (each process has its own). */
#define vfs_cwd (*fs_cwd_slot())
extern struct fsys *vfs_mounts;  /* in mount order */

/* Mounts fs at path (which must be a directory; made when missing). */
int vfs_mount(struct fsys *fs, const char *path);
/* Binds a single file of fs (its root dir's entry name) at path. */
int vfs_bind_file(struct fsys *fs, const char *name, const char *path);

#define WALK_FOLLOW 1     /* follow a symlink in the last component */
#define WALK_DIR 2        /* the result must be a directory */
#define WALK_PARENT 4     /* stop at the parent: return it and the last name */
#define WALK_EMPTY 8      /* "" names the start itself (AT_EMPTY_PATH) */

struct walk {
    struct node *node;       /* the result (a reference is NOT taken) */
    struct node *parent;     /* WALK_PARENT: the directory */
    char last[VFS_NAME_MAX + 1]; /* WALK_PARENT: the last component ("" for "/") */
    size_t last_len;
    int trailing_slash;
    struct file *magic;      /* the walk ended on a magic link: this file (ref taken) */
};

/* Walks path from start (NULL: cwd; absolute paths start at the root). */
int vfs_walk(struct node *start, const char *path, int flags, struct walk *w);

int vfs_permission(struct node *n, int mask); /* mask: 4 read, 2 write, 1 exec */
int vfs_writable(struct node *n);             /* EROFS check */

int vfs_mknod(struct node *start, const char *path, uint32_t mode, struct node **out);
int vfs_mkdir(struct node *start, const char *path, uint32_t mode);
int vfs_rmdir(struct node *start, const char *path);
int vfs_unlink(struct node *start, const char *path);
int vfs_symlink(const char *target, struct node *start, const char *path);
/* Gives the file n (found by the caller: a path, an fd, /proc/self/fd/N) the new name
 * npath: a directory is EPERM, a removed file ENOENT unless it is linkable. */
int vfs_link_node(struct node *n, struct node *nstart, const char *npath);
#define VFS_RENAME_NOREPLACE 1
#define VFS_RENAME_EXCHANGE 2
int vfs_rename(struct node *ostart, const char *opath, struct node *nstart, const char *npath,
        unsigned flags);
long vfs_readlink(struct node *n, char *buf, size_t len);
long vfs_read(struct node *n, uint64_t pos, void *buf, size_t len);
long vfs_write(struct node *n, uint64_t pos, const void *buf, size_t len);
int vfs_truncate(struct node *n, uint64_t size);
/* fallocate's PUNCH_HOLE and ZERO_RANGE: [off, off+len) reads as zeros; without keep_size
 * the file grows to off+len. */
int vfs_zero_range(struct node *n, uint64_t off, uint64_t len, int keep_size);

#define ATTR_MODE 1
#define ATTR_UID 2
#define ATTR_GID 4
#define ATTR_ATIME 8
#define ATTR_MTIME 16
#define ATTR_ATIME_NOW 32
#define ATTR_MTIME_NOW 64
struct vfs_attr {
    unsigned mask;
    uint32_t mode, uid, gid;
    struct vfs_ts atime, mtime;
};
int vfs_setattr(struct node *n, const struct vfs_attr *a);

/* Directory reading: the entry after *cookie ("." and ".." first). Returns the name
 * length (name in buf), 0 at the end, or a negative errno. */
int vfs_readdir(struct node *dir, uint64_t *cookie, char *buf, size_t buflen,
        uint64_t *ino, unsigned *dtype);
/* The path of a directory from the root (getcwd); the length or -ERANGE/-ENOENT. */
long vfs_path_of(struct node *dir, char *buf, size_t len);

/* Linux d_type values */
#define VFS_DT_UNKNOWN 0
#define VFS_DT_FIFO 1
#define VFS_DT_CHR 2
#define VFS_DT_DIR 4
#define VFS_DT_BLK 6
#define VFS_DT_REG 8
#define VFS_DT_LNK 10
unsigned vfs_dtype(uint32_t mode);

#endif
