/* sys_fs.c: path-based file calls. Until the VFS (fs/) serves them, there are no files:
 * opens and path lookups give ENOENT (the runtimes' /proc and /sys probes fail cleanly). */
#include "libos.h"
#include "fd/file.h"
#include "mm/uaccess.h"
#include "sys/table.h"

static long no_file(struct sc *c) { (void)c; return -ENOENT; }

static long sys_newfstatat(struct sc *c)
{
    if (c->a[3] & AT_EMPTY_PATH) {
        struct file *f = fd_get((int)c->a[0]);
        return f ? file_stat_user(f, c->a[2]) : -EBADF;
    }
    return -ENOENT;
}

static long sys_getcwd(struct sc *c)
{
    const char *cwd = libos_cfg.cwd && libos_cfg.cwd[0] == '/' ? libos_cfg.cwd : "/";
    uint64_t n = strlen(cwd) + 1;
    if (c->a[1] < n)
        return -ERANGE;
    if (copy_to_user(c->a[0], cwd, n))
        return -EFAULT;
    return (long)n;
}

const struct syscall sys_fs_calls[] = {
    { NR_open, "open", no_file, SYSF_PARTIAL, "no file system yet: ENOENT" },
    { NR_openat, "openat", no_file, SYSF_PARTIAL, "no file system yet: ENOENT" },
    { NR_stat, "stat", no_file, SYSF_PARTIAL, "ENOENT" },
    { NR_lstat, "lstat", no_file, SYSF_PARTIAL, "ENOENT" },
    { NR_access, "access", no_file, SYSF_PARTIAL, "ENOENT" },
    { NR_faccessat, "faccessat", no_file, SYSF_PARTIAL, "ENOENT" },
    { NR_faccessat2, "faccessat2", no_file, SYSF_PARTIAL, "ENOENT" },
    { NR_readlink, "readlink", no_file, SYSF_PARTIAL, "ENOENT" },
    { NR_readlinkat, "readlinkat", no_file, SYSF_PARTIAL, "ENOENT" },
    { NR_newfstatat, "newfstatat", sys_newfstatat, SYSF_PARTIAL, "AT_EMPTY_PATH only" },
    { NR_getcwd, "getcwd", sys_getcwd, 0, "the configured cwd" },
    { -1, NULL, NULL, 0, NULL },
};
