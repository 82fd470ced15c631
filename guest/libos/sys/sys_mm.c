/* sys_mm.c: memory calls: mmap (anonymous, and files through their mmap op), munmap,
 * mprotect, madvise, brk. */
#include "libos.h"
#include "fd/file.h"
#include "mm/uaccess.h"
#include "sys/table.h"

/* Writable shared mappings of files: guest memory cannot alias a file's pages, so the
 * mapping is a copy kept coherent at the only points the app can tell: at each system
 * call, pages the app changed are written to the file before the call, and the file is
 * read back into the mapping after it (so write(), pread() and other mappings agree as
 * on Linux). This costs a compare of the mapped bytes per call while such a mapping
 * exists; there is no cost otherwise. */
struct shmap {
    uint64_t addr, len, off;
    struct file *f;
    struct shmap *next;
};
static struct shmap *shmaps;

int shmap_active(void) { return shmaps != NULL; }

void shmap_flush(void)
{
    static uint8_t page[4096];
    for (struct shmap *m = shmaps; m; m = m->next) {
        for (uint64_t at = 0; at < m->len; at += sizeof page) {
            size_t n = m->len - at < sizeof page ? (size_t)(m->len - at) : sizeof page;
            uint64_t pos = m->off + at;
            long r = file_kread(m->f, page, n, &pos);
            if (r <= 0)
                break; /* past the end of the file: nothing there to share */
            const void *mem = (const void *)(uintptr_t)(m->addr + at);
            if (memcmp(page, mem, (size_t)r) != 0) {
                pos = m->off + at;
                file_kwrite(m->f, mem, (size_t)r, &pos);
            }
        }
    }
}

void shmap_refresh(void)
{
    for (struct shmap *m = shmaps; m; m = m->next) {
        uint64_t pos = m->off;
        for (uint64_t at = 0; at < m->len;) {
            long r = file_kread(m->f, (void *)(uintptr_t)(m->addr + at), (size_t)(m->len - at), &pos);
            if (r <= 0)
                break;
            at += (uint64_t)r;
        }
    }
}

/* munmap of (part of) a shared mapping: its last changes go to the file, then it ends. */
static void shmap_unmap(uint64_t addr, uint64_t len)
{
    struct shmap **pp = &shmaps;
    int flushed = 0;
    while (*pp) {
        struct shmap *m = *pp;
        if (m->addr < addr + len && addr < m->addr + m->len) {
            if (!flushed) {
                shmap_flush();
                flushed = 1;
            }
            *pp = m->next;
            file_put(m->f);
            kfree(m);
            continue;
        }
        pp = &m->next;
    }
}

/* execve: shared mappings are written back and end. */
void shmap_reset(void)
{
    if (shmaps)
        shmap_flush();
    while (shmaps) {
        struct shmap *m = shmaps;
        shmaps = m->next;
        file_put(m->f);
        kfree(m);
    }
}

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
    if ((prot & PROT_EXEC) && (prot & PROT_WRITE))
        return -EACCES; /* the host never has writable code (W^X) */
    long a = mm_mmap(addr, len, PROT_READ | PROT_WRITE, (flags & ~MAP_TYPE) | MAP_PRIVATE | MAP_ANONYMOUS);
    if (a < 0)
        return a;
    if (flags & MAP_FIXED)
        shmap_unmap((uint64_t)a, len);
    long r = f->ops->mmap(f, (uint64_t)a, len, off, prot, flags);
    if (r < 0) {
        if (!(flags & MAP_FIXED))
            mm_munmap((uint64_t)a, len);
        return r;
    }
    if (type != MAP_PRIVATE && (prot & PROT_WRITE)) {
        struct shmap *m = kalloc(sizeof *m);
        if (!m) {
            mm_munmap((uint64_t)a, len);
            return -ENOMEM;
        }
        *m = (struct shmap){ (uint64_t)a, (len + 4095) & ~4095ULL, off, file_get(f), shmaps };
        shmaps = m;
    }
    if (prot & PROT_EXEC) { /* code (ld.so's text segments): read-execute once filled */
        long x = mm_mprotect((uint64_t)a, len, prot);
        if (x != 0) {
            mm_munmap((uint64_t)a, len);
            return x;
        }
    }
    return a;
}

/* mremap of private memory: shrinking drops the tail; growing moves the contents to a new
 * mapping (MREMAP_MAYMOVE; glibc's realloc of large blocks), else ENOMEM as Linux when the
 * pages after are taken. Shared file mappings and MREMAP_FIXED/DONTUNMAP: EINVAL. */
static long sys_mremap(struct sc *c)
{
    uint64_t old = c->a[0], olen = (c->a[1] + 4095) & ~4095ULL, nlen = (c->a[2] + 4095) & ~4095ULL;
    unsigned flags = (unsigned)c->a[3];
    if ((old & 4095) || nlen == 0 || olen == 0 || (flags & ~1u /* MREMAP_MAYMOVE */))
        return -EINVAL;
    for (struct shmap *m = shmaps; m; m = m->next)
        if (m->addr < old + olen && old < m->addr + m->len)
            return -EINVAL;
    if (nlen <= olen) {
        if (nlen < olen)
            mm_munmap(old + nlen, olen - nlen);
        return (long)old;
    }
    if (!(flags & 1))
        return -ENOMEM;
    if (!user_writable(old, olen))
        return -EFAULT;
    long a = mm_mmap(0, nlen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    if (a < 0)
        return a;
    memcpy((void *)(uintptr_t)a, (const void *)(uintptr_t)old, (size_t)olen);
    mm_munmap(old, olen);
    return a;
}

static long sys_munmap(struct sc *c)
{
    shmap_unmap(c->a[0], c->a[1]);
    return mm_munmap(c->a[0], c->a[1]);
}

/* msync: shared mappings are written back at every call already (above). */
static long sys_msync(struct sc *c)
{
    if (c->a[0] & 4095)
        return -EINVAL;
    return 0;
}
static long sys_mprotect(struct sc *c) { return mm_mprotect(c->a[0], c->a[1], (int)c->a[2]); }
static long sys_madvise(struct sc *c) { return mm_madvise(c->a[0], c->a[1], (int)c->a[2]); }
static long sys_brk(struct sc *c) { return mm_brk(c->a[0]); }

const struct syscall sys_mm_calls[] = {
    { NR_mmap, "mmap", sys_mmap, SYSF_PARTIAL, "anonymous; files copied in at any page offset, MAP_FIXED over reservations, PROT_EXEC read-execute (W+X is EACCES); a writable MAP_SHARED mapping is kept coherent with its file at every call" },
    { NR_munmap, "munmap", sys_munmap, 0, "" },
    { NR_mremap, "mremap", sys_mremap, SYSF_PARTIAL, "private memory: shrinks in place, grows by moving (MREMAP_MAYMOVE); shared mappings and MREMAP_FIXED: EINVAL" },
    { NR_msync, "msync", sys_msync, 0, "shared mappings are written back at every call" },
    { NR_mprotect, "mprotect", sys_mprotect, SYSF_PARTIAL, "PROT_EXEC makes code (read-execute in the host; W+X is EACCES); other pages stay read-write in the host" },
    { NR_madvise, "madvise", sys_madvise, SYSF_PARTIAL, "DONTNEED and FREE drop pages (zero after); others accepted" },
    { NR_brk, "brk", sys_brk, 0, "" },
    { -1, NULL, NULL, 0, NULL },
};
