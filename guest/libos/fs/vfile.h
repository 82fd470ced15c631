/* vfile.h: VFS nodes opened as struct file, and the boot-time mounts. */
#ifndef FS_VFILE_H
#define FS_VFILE_H
#include "fd/file.h"
#include "fs/vfs.h"

struct vfile {
    struct file f;
    struct node *node;
    char *path; /* the absolute path it was opened by (/proc/self/fd, "(deleted)") */
};

/* A new open file for n (a reference on n is taken); NULL when out of memory. */
struct file *vfile_open(struct node *n, int flags, const char *path);
/* The node of a VFS file, or NULL for other kinds of files. */
struct node *vfile_node(struct file *f);
int vfile_is_opath(struct file *f); /* opened with O_PATH */
void vfs_kstat(struct node *n, struct kstat *st);
/* flock.c: flock(2) on f's node n (op LOCK_SH/EX/UN; nb: LOCK_NB): 0, -EAGAIN, -ENOLCK,
 * or it blocks (re-run when the lock is let go). flock_release: f is closed for good. */
long flock_set(struct file *f, struct node *n, int op, int nb);
void flock_release(struct file *f);

/* boot.c: the mounts: the root (the rootfs disk or memory), /dev, /proc, /sys, /tmp,
 * /dev/shm. mem is --mem (meminfo). Returns 0, or -1 after printing why (a bad disk). */
int fs_boot(int argc, char **argv, int envc, char **envp, uint64_t mem);
/* devfs.c, procfs.c */
struct fsys *devfs_new(void);
struct fsys *procfs_new(void);
struct fsys *sysfs_new(void);
#endif
