/* sys_mm.c: memory calls: mmap (anonymous, and files through their mmap op), munmap,
 * mprotect, madvise, brk. */
#include "libos.h"
#include "fd/file.h"
#include "sys/table.h"

static long sys_mmap(struct sc *c)
{
    uint64_t addr = c->a[0], len = c->a[1], off = c->a[5];
    int prot = (int)c->a[2], flags = (int)c->a[3], fd = (int)c->a[4];
    int type = flags & MAP_TYPE;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (flags & MAP_ANONYMOUS)
        return mm_mmap(addr, len, prot, flags);
    /* A file: its pages are copied into a private mapping. A shared mapping is the same
     * while it is read-only (nothing can tell); a writable shared one needs the file's
     * help, which its mmap op says by accepting MAP_SHARED with PROT_WRITE. */
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (off & 4095)
        return -EINVAL;
    if (!f->ops->mmap)
        return -ENODEV;
    if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
        return -EACCES;
    if (type != MAP_PRIVATE && (prot & PROT_WRITE) && (f->flags & O_ACCMODE) != O_RDWR)
        return -EACCES;
    if (len == 0)
        return -EINVAL;
    long a = mm_mmap(addr, len, PROT_READ | PROT_WRITE, (flags & ~MAP_TYPE) | MAP_PRIVATE | MAP_ANONYMOUS);
    if (a < 0)
        return a;
    long r = f->ops->mmap(f, (uint64_t)a, len, off, prot, flags);
    if (r < 0) {
        if (!(flags & MAP_FIXED))
            mm_munmap((uint64_t)a, len);
        return r;
    }
    return a;
}

static long sys_munmap(struct sc *c) { return mm_munmap(c->a[0], c->a[1]); }
static long sys_mprotect(struct sc *c) { return mm_mprotect(c->a[0], c->a[1], (int)c->a[2]); }
static long sys_madvise(struct sc *c) { return mm_madvise(c->a[0], c->a[1], (int)c->a[2]); }
static long sys_brk(struct sc *c) { return mm_brk(c->a[0]); }

const struct syscall sys_mm_calls[] = {
    { NR_mmap, "mmap", sys_mmap, SYSF_PARTIAL, "anonymous; files copied into private memory (MAP_SHARED too while read-only, or when the file supports it)" },
    { NR_munmap, "munmap", sys_munmap, 0, "" },
    { NR_mprotect, "mprotect", sys_mprotect, SYSF_PARTIAL, "memory stays read-write in the host" },
    { NR_madvise, "madvise", sys_madvise, SYSF_PARTIAL, "DONTNEED and FREE drop pages (zero after); others accepted" },
    { NR_brk, "brk", sys_brk, 0, "" },
    { -1, NULL, NULL, 0, NULL },
};
