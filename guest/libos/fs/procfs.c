/* procfs.c: /proc and /sys as tables of generators (self/exe, fd/, cmdline, environ, status, stat, maps, mountinfo, cpuinfo, meminfo, ...). */
#include "libos.h"
#include "fs/vfile.h"

typedef long (*gen_fn)(char *buf, size_t cap);

/* What the process was started with (fs_boot). */
static int p_argc, p_envc;
static char **p_argv, **p_envp;
static uint64_t p_mem, p_boot_ns;
static const char *p_exe; /* set by execve: the program's path */

void procfs_set_exec(int argc, char **argv, int envc, char **envp, const char *exe)
{
    p_argc = argc, p_argv = argv, p_envc = envc, p_envp = envp, p_exe = exe;
}

void procfs_set_process(int argc, char **argv, int envc, char **envp, uint64_t mem)
{
    p_argc = argc, p_argv = argv, p_envc = envc, p_envp = envp, p_mem = mem;
    p_boot_ns = now_ns();
}

#define GEN_MAX (64u * 1024)
static char genbuf[GEN_MAX]; /* one trap at a time: no reentry */

static long gen_read(struct node *n, uint64_t pos, void *buf, size_t len)
{
    long total = ((gen_fn)n->priv)(genbuf, GEN_MAX);
    if (total < 0)
        return total;
    if ((uint64_t)total > GEN_MAX)
        total = GEN_MAX;
    if (pos >= (uint64_t)total)
        return 0;
    size_t take = (size_t)((uint64_t)total - pos) < len ? (size_t)((uint64_t)total - pos) : len;
    memcpy(buf, genbuf + pos, take);
    return (long)take;
}
static const struct node_ops gen_ops = { .read = gen_read };

/* A sequence of strings, each NUL-terminated (cmdline, environ). */
static long nul_list(char *buf, size_t cap, int n, char **v)
{
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(v[i]) + 1;
        if (used + l > cap)
            break;
        memcpy(buf + used, v[i], l);
        used += l;
    }
    return (long)used;
}
static long g_cmdline(char *b, size_t c) { return nul_list(b, c, p_argc, p_argv); }
static long g_environ(char *b, size_t c) { return nul_list(b, c, p_envc, p_envp); }

static const char *comm(void)
{
    const char *s = p_argc ? p_argv[0] : "app", *b = s;
    for (; *s; s++)
        if (*s == '/')
            b = s + 1;
    return b;
}

static long g_status(char *b, size_t c)
{
    return lib_snprintf(b, c,
            "Name:\t%.15s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\n"
            "TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t\n"
            "VmPeak:\t%llu kB\nVmSize:\t%llu kB\nVmRSS:\t%llu kB\nThreads:\t%d\n"
            "SigQ:\t0/0\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n",
            comm(), fs_umask(), fs_uid(), fs_uid(), fs_uid(), fs_uid(), fs_gid(), fs_gid(),
            fs_gid(), fs_gid(), fd_limit(), (unsigned long long)(p_mem >> 10),
            (unsigned long long)(p_mem >> 10), (unsigned long long)(kalloc_committed() >> 10),
            proc_thread_count(curproc));
}

static long g_stat(char *b, size_t c)
{
    /* pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
     * utime stime cutime cstime priority nice threads itrealvalue starttime vsize rss ... */
    return lib_snprintf(b, c,
            "1 (%.15s) R 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 %d 0 0 %llu %llu "
            "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
            comm(), proc_thread_count(curproc), (unsigned long long)p_mem,
            (unsigned long long)(kalloc_committed() / 4096));
}

static long g_statm(char *b, size_t c)
{
    unsigned long long pages = kalloc_committed() / 4096;
    return lib_snprintf(b, c, "%llu %llu 0 0 0 0 0\n", (unsigned long long)(p_mem / 4096), pages);
}

/* The app's image (below the managed region), then what mm has in use above it. */
static long g_maps(char *b, size_t c)
{
    long n = mm_maps_line(b, c, libos_app.lo, libos_app.hi, "r-xp",
            p_argc && p_argv[0][0] == '/' ? p_argv[0] : "/app");
    if (n < 0 || (size_t)n >= c)
        return n;
    return n + mm_maps(b + n, c - (size_t)n);
}

static long g_mountinfo(char *b, size_t c)
{
    size_t used = 0;
    for (struct fsys *fs = vfs_mounts; fs && used < c; fs = fs->next) {
        uint32_t parent = fs->covered ? fs->covered->fs->id : fs->id;
        long r = lib_snprintf(b + used, c - used, "%u %u 0:%u / %s %s - %s %s %s\n", fs->id,
                parent, fs->dev, fs->mnt_path ? fs->mnt_path : "/",
                (fs->flags & (FS_RO | FS_LOWER_RO)) ? "ro,relatime" : "rw,relatime", fs->type,
                fs->source, (fs->flags & (FS_RO | FS_LOWER_RO)) ? "ro" : "rw");
        if (r < 0)
            break;
        used += (size_t)r;
    }
    return (long)(used > c ? c : used);
}

static long g_mounts(char *b, size_t c)
{
    size_t used = 0;
    for (struct fsys *fs = vfs_mounts; fs && used < c; fs = fs->next) {
        long r = lib_snprintf(b + used, c - used, "%s %s %s %s 0 0\n", fs->source,
                fs->mnt_path ? fs->mnt_path : "/", fs->type,
                (fs->flags & (FS_RO | FS_LOWER_RO)) ? "ro,relatime" : "rw,relatime");
        if (r < 0)
            break;
        used += (size_t)r;
    }
    return (long)(used > c ? c : used);
}

static long g_cgroup(char *b, size_t c) { return lib_snprintf(b, c, "0::/\n"); }

static long g_cpuinfo(char *b, size_t c)
{
    size_t used = 0;
    for (int i = 0; i < NCPU; i++) {
#if defined(__x86_64__)
        long r = lib_snprintf(b + used, c - used,
                "processor\t: %d\nvendor_id\t: GenuineIntel\nmodel name\t: nabla libOS vCPU\n"
                "cpu cores\t: %d\nflags\t\t: fpu sse sse2\n\n", i, NCPU);
#else
        long r = lib_snprintf(b + used, c - used,
                "processor\t: %d\nBogoMIPS\t: 100.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x00\n\n", i);
#endif
        if (r < 0)
            break;
        used += (size_t)r;
    }
    return (long)(used > c ? c : used);
}

static long g_meminfo(char *b, size_t c)
{
    unsigned long long total = p_mem >> 10, used = kalloc_committed() >> 10;
    unsigned long long fr = total > used ? total - used : 0;
    return lib_snprintf(b, c, "MemTotal:       %8llu kB\nMemFree:        %8llu kB\n"
            "MemAvailable:   %8llu kB\nBuffers:               0 kB\nCached:                0 kB\n"
            "SwapTotal:             0 kB\nSwapFree:              0 kB\n", total, fr, fr);
}

static long g_hostname(char *b, size_t c)
{
    return lib_snprintf(b, c, "%s\n", libos_cfg.hostname ? libos_cfg.hostname : "nabla");
}
static long g_somaxconn(char *b, size_t c) { return lib_snprintf(b, c, "4096\n"); }
static long g_zero(char *b, size_t c) { return lib_snprintf(b, c, "0\n"); }
static long g_pidmax(char *b, size_t c) { return lib_snprintf(b, c, "4194304\n"); }
static long g_cpus(char *b, size_t c) { return lib_snprintf(b, c, "0-%d\n", NCPU - 1); }
static long g_thp(char *b, size_t c) { return lib_snprintf(b, c, "always [madvise] never\n"); }
static long g_pmd(char *b, size_t c) { return lib_snprintf(b, c, "2097152\n"); }
static long g_uptime(char *b, size_t c)
{
    uint64_t ns = now_ns() - p_boot_ns;
    return lib_snprintf(b, c, "%llu.%02llu 0.00\n", (unsigned long long)(ns / 1000000000ULL),
            (unsigned long long)(ns / 10000000ULL % 100));
}

/* ---- links: exe, fd/N ---- */

static long exe_readlink(struct node *n, char *buf, size_t len)
{
    (void)n;
    const char *a0 = p_exe ? p_exe : p_argc ? p_argv[0] : "app";
    char tmp[VFS_PATH_MAX];
    long l = a0[0] == '/' ? lib_snprintf(tmp, sizeof tmp, "%s", a0)
                          : lib_snprintf(tmp, sizeof tmp, "/%s", a0);
    if (l < 0)
        return -EIO;
    if ((size_t)l > len)
        l = (long)len;
    memcpy(buf, tmp, (size_t)l);
    return l;
}
static const struct node_ops exe_ops = { .readlink = exe_readlink };

static long fd_readlink(struct node *n, char *buf, size_t len)
{
    struct file *f = fd_get((int)n->priv2);
    if (!f)
        return -ENOENT;
    char tmp[VFS_PATH_MAX];
    long l;
    if (f->ops->path)
        l = f->ops->path(f, tmp, sizeof tmp);
    else
        l = lib_snprintf(tmp, sizeof tmp, "anon_inode:[%s]", f->ops->kind ? f->ops->kind : "file");
    if (l < 0)
        return l;
    if ((size_t)l >= sizeof tmp)
        l = sizeof tmp - 1;
    if ((size_t)l > len)
        l = (long)len;
    memcpy(buf, tmp, (size_t)l);
    return l;
}
static struct file *fd_magic(struct node *n)
{
    struct file *f = fd_get((int)n->priv2);
    return f ? file_get(f) : NULL;
}
static const struct node_ops fdlink_ops = { .readlink = fd_readlink, .magic = fd_magic };

static struct node **fd_nodes; /* one node per fd number, made on first use */
static struct fsys *procfs;

static int fd_lookup(struct node *dir, const char *name, size_t len, struct node **out)
{
    (void)dir;
    int fd = 0;
    if (len == 0 || len > 5)
        return -ENOENT;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -ENOENT;
        fd = fd * 10 + (name[i] - '0');
    }
    if (fd >= MAX_FDS || !fd_get(fd))
        return -ENOENT;
    if (!fd_nodes && !(fd_nodes = kcalloc(MAX_FDS, sizeof *fd_nodes)))
        return -ENOMEM;
    if (!fd_nodes[fd]) {
        struct node *n = node_new(procfs, FS_IFLNK | 0700);
        if (!n)
            return -ENOMEM;
        n->ops = &fdlink_ops;
        n->priv2 = (uint64_t)fd;
        n->refs = 1; /* kept */
        fd_nodes[fd] = n;
    }
    *out = fd_nodes[fd];
    return 0;
}

static int fd_readdir(struct node *dir, uint64_t *cookie, char *buf, size_t buflen,
        uint64_t *ino, unsigned *dtype)
{
    (void)dir;
    int fd = fd_next((int)(*cookie - 2));
    if (fd < 0)
        return 0;
    *cookie = (uint64_t)fd + 3;
    *ino = 0x10000 + (uint64_t)fd;
    *dtype = VFS_DT_LNK;
    return lib_snprintf(buf, buflen, "%d", fd);
}
static const struct node_ops fddir_ops = { .lookup = fd_lookup, .readdir = fd_readdir };

/* ---- the tables ---- */

struct pentry {
    const char *path;  /* relative to the mount; parents are made as needed */
    gen_fn gen;        /* a generated file, or NULL */
    const char *link;  /* a fixed symlink */
    const struct node_ops *ops; /* a special node (dir if gen/link are NULL and no ops link) */
    uint32_t mode;
};

static const struct pentry proc_table[] = {
    { "1", NULL, NULL, NULL, FS_IFDIR | 0555 },
    { "self", NULL, "1", NULL, FS_IFLNK | 0777 },
    { "thread-self", NULL, "1/task/1", NULL, FS_IFLNK | 0777 },
    { "1/exe", NULL, NULL, &exe_ops, FS_IFLNK | 0777 },
    { "1/cwd", NULL, "/", NULL, FS_IFLNK | 0777 },
    { "1/root", NULL, "/", NULL, FS_IFLNK | 0777 },
    { "1/fd", NULL, NULL, &fddir_ops, FS_IFDIR | 0500 },
    { "1/cmdline", g_cmdline, NULL, NULL, FS_IFREG | 0444 },
    { "1/environ", g_environ, NULL, NULL, FS_IFREG | 0400 },
    { "1/status", g_status, NULL, NULL, FS_IFREG | 0444 },
    { "1/stat", g_stat, NULL, NULL, FS_IFREG | 0444 },
    { "1/statm", g_statm, NULL, NULL, FS_IFREG | 0444 },
    { "1/maps", g_maps, NULL, NULL, FS_IFREG | 0444 },
    { "1/mountinfo", g_mountinfo, NULL, NULL, FS_IFREG | 0444 },
    { "1/mounts", g_mounts, NULL, NULL, FS_IFREG | 0444 },
    { "1/cgroup", g_cgroup, NULL, NULL, FS_IFREG | 0444 },
    { "1/task/1", NULL, NULL, NULL, FS_IFDIR | 0555 },
    { "mounts", NULL, "self/mounts", NULL, FS_IFLNK | 0777 },
    { "cpuinfo", g_cpuinfo, NULL, NULL, FS_IFREG | 0444 },
    { "meminfo", g_meminfo, NULL, NULL, FS_IFREG | 0444 },
    { "uptime", g_uptime, NULL, NULL, FS_IFREG | 0444 },
    { "sys/kernel/hostname", g_hostname, NULL, NULL, FS_IFREG | 0644 },
    { "sys/kernel/pid_max", g_pidmax, NULL, NULL, FS_IFREG | 0644 },
    { "sys/net/core/somaxconn", g_somaxconn, NULL, NULL, FS_IFREG | 0644 },
    { "sys/vm/overcommit_memory", g_zero, NULL, NULL, FS_IFREG | 0644 },
    { NULL, NULL, NULL, NULL, 0 },
};

static const struct pentry sys_table[] = {
    { "devices/system/cpu/online", g_cpus, NULL, NULL, FS_IFREG | 0444 },
    { "devices/system/cpu/possible", g_cpus, NULL, NULL, FS_IFREG | 0444 },
    { "devices/system/cpu/present", g_cpus, NULL, NULL, FS_IFREG | 0444 },
    { "kernel/mm/transparent_hugepage/enabled", g_thp, NULL, NULL, FS_IFREG | 0644 },
    { "kernel/mm/transparent_hugepage/hpage_pmd_size", g_pmd, NULL, NULL, FS_IFREG | 0444 },
    { "fs/cgroup", NULL, NULL, NULL, FS_IFDIR | 0555 },
    { NULL, NULL, NULL, NULL, 0 },
};

/* The directory for the parent of path, made as needed; *name gets the last part. */
static struct node *parent_dir(struct fsys *fs, const char *path, const char **name)
{
    struct node *d = fs->root;
    const char *p = path;
    for (;;) {
        const char *s = p;
        while (*p && *p != '/')
            p++;
        if (!*p) {
            *name = s;
            return d;
        }
        struct dent *de = dir_find(d, s, (size_t)(p - s));
        if (!de) {
            struct node *n = node_new(fs, FS_IFDIR | 0555);
            if (!n || dir_add(d, s, (size_t)(p - s), n))
                return NULL;
            d = n;
        } else {
            d = de->node;
        }
        p++;
    }
}

static struct fsys *build(const char *type, const struct pentry *t)
{
    struct fsys *fs = fs_new(type, type, 0);
    if (!fs)
        return NULL;
    fs->root->mode = FS_IFDIR | 0555;
    for (; t->path; t++) {
        const char *name;
        struct node *d = parent_dir(fs, t->path, &name);
        if (!d)
            return NULL;
        struct dent *de = dir_find(d, name, strlen(name));
        struct node *n = de ? de->node : node_new(fs, t->mode);
        if (!n)
            return NULL;
        n->mode = t->mode;
        n->ops = t->ops;
        if (t->gen) {
            n->ops = &gen_ops;
            n->priv = (void *)t->gen;
        }
        if (t->link) {
            n->target = t->link;
            n->target_len = (uint32_t)strlen(t->link);
            n->size = n->target_len;
        }
        if (!de && dir_add(d, name, strlen(name), n))
            return NULL;
    }
    return fs;
}

struct fsys *procfs_new(void)
{
    procfs = build("proc", proc_table);
    if (procfs)
        procfs->flags = FS_RO;
    return procfs;
}

struct fsys *sysfs_new(void)
{
    struct fsys *fs = build("sysfs", sys_table);
    if (fs)
        fs->flags = FS_RO;
    return fs;
}
