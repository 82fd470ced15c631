/* elf.c: loads an ELF file of the VFS (a program, its interpreter ld.so) into the app's memory. */
#include "libos.h"
#include "exec/elf.h"
#include "fd/file.h"
#include "fs/vfs.h"

/* The file is untrusted input (it comes from the container image): every size, offset and
 * address is checked before it is used, and a bad file is a one-line error, never a fault. */

#define EH_SIZE 64
#define PH_SIZE 56
#define PH_MAX 64
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define ET_EXEC 2
#define ET_DYN 3
#define SPAN_MAX (1ULL << 32) /* an image larger than 4 GiB is not a program */

#if defined(__x86_64__)
#define EM_SELF 62
#define EM_SELF_NAME "x86_64"
#else
#define EM_SELF 183
#define EM_SELF_NAME "aarch64"
#endif

static uint16_t u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Reads exactly len bytes at pos of n into buf (libOS or app memory): 0 or -EIO. */
static int read_all(struct node *n, uint64_t pos, void *buf, uint64_t len)
{
    uint8_t *b = buf;
    while (len > 0) {
        size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
        long r = vfs_read(n, pos, b, chunk);
        if (r <= 0)
            return -EIO;
        b += r;
        pos += (uint64_t)r;
        len -= (uint64_t)r;
    }
    return 0;
}

static int fail(struct elf_image *im, int err, const char *why)
{
    lib_snprintf(im->err, sizeof im->err, "%s", why);
    return err;
}

int elf_load(const char *path, uint64_t hint, int dry, struct elf_image *im)
{
    memset(im, 0, sizeof *im);
    struct walk w;
    int r = vfs_walk(NULL, path, WALK_FOLLOW, &w);
    if (r < 0)
        return fail(im, r, r == -ENOENT ? "not found" : "cannot be looked up");
    if (w.magic)
        file_put(w.magic);
    struct node *n = w.node;
    if (!FS_ISREG(n->mode))
        return fail(im, -EACCES, "not a regular file");
    if (vfs_permission(n, 4) != 0)
        return fail(im, -EACCES, "not readable");
    node_get(n);
    uint8_t eh[EH_SIZE];
    static uint8_t ph[PH_MAX * PH_SIZE];
    r = -ENOEXEC;
    if (n->size < EH_SIZE || read_all(n, 0, eh, EH_SIZE) != 0 || memcmp(eh, "\177ELF", 4) != 0) {
        fail(im, r, "not an ELF file");
        goto out;
    }
    if (eh[4] != 2 || eh[5] != 1) {
        fail(im, r, "not a 64-bit little-endian ELF file");
        goto out;
    }
    if (u16(eh + 18) != EM_SELF) {
        fail(im, r, "an ELF file for another architecture (this is " EM_SELF_NAME ")");
        goto out;
    }
    uint16_t type = u16(eh + 16);
    if (type != ET_DYN && type != ET_EXEC) {
        fail(im, r, "not an executable or shared object");
        goto out;
    }
    uint64_t phoff = u64(eh + 32);
    uint16_t phnum = u16(eh + 56);
    if (u16(eh + 54) != PH_SIZE || phnum == 0 || phnum > PH_MAX || phoff > n->size ||
            (uint64_t)phnum * PH_SIZE > n->size - phoff ||
            read_all(n, phoff, ph, (uint64_t)phnum * PH_SIZE) != 0) {
        fail(im, r, "bad program header table");
        goto out;
    }
    /* The span of the PT_LOADs, which must come in address order and not overlap. */
    uint64_t lo = ~0ULL, hi = 0, phdr_vaddr = 0;
    int nload = 0;
    for (int i = 0; i < phnum; i++) {
        const uint8_t *p = ph + i * PH_SIZE;
        uint32_t pt = u32(p);
        if (pt == PT_PHDR)
            phdr_vaddr = u64(p + 16);
        if (pt == PT_INTERP) {
            uint64_t off = u64(p + 8), sz = u64(p + 32);
            if (sz < 2 || sz > sizeof im->interp || off > n->size || sz > n->size - off ||
                    read_all(n, off, im->interp, sz) != 0 || im->interp[sz - 1] != 0 ||
                    im->interp[0] != '/') {
                fail(im, r, "bad PT_INTERP (want an absolute path)");
                goto out;
            }
        }
        if (pt != PT_LOAD)
            continue;
        uint64_t off = u64(p + 8), va = u64(p + 16), fsz = u64(p + 32), msz = u64(p + 40);
        if (fsz > msz || va >= SPAN_MAX || msz >= SPAN_MAX || off > n->size ||
                fsz > n->size - off || (va & 4095) != (off & 4095) ||
                ((u32(p + 4) & PF_W) && (u32(p + 4) & PF_X)) || (va & ~4095ULL) < hi) {
            fail(im, r, "bad loadable segment (outside the file, overlapping, or writable and executable)");
            goto out;
        }
        if (lo == ~0ULL)
            lo = va & ~4095ULL;
        hi = (va + msz + 4095) & ~4095ULL;
        if (phdr_vaddr == 0 && off <= phoff && phoff + (uint64_t)phnum * PH_SIZE <= off + fsz)
            phdr_vaddr = va + (phoff - off);
        nload++;
    }
    if (nload == 0 || hi - lo > SPAN_MAX) {
        fail(im, r, "no loadable segment");
        goto out;
    }
    if (u64(eh + 24) < lo || u64(eh + 24) >= hi) {
        fail(im, r, "entry point outside the loaded image");
        goto out;
    }
    im->type = type;
    if (dry) { /* link addresses: the caller checks where an ET_EXEC would go */
        im->base = lo;
        im->end = hi;
        im->phdr = phdr_vaddr;
        im->phnum = phnum;
        r = 0;
        goto out;
    }
    /* Reserve the whole span (at hint when free, else top down, as Linux's mmap area, where
     * it puts ld.so), or the fixed addresses of an ET_EXEC, then fill each segment. */
    long base = type == ET_DYN ? mm_mmap(hint, hi - lo, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS)
                               : mm_mmap(lo, hi - lo, PROT_NONE,
                                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
    if (base < 0) {
        r = base == -EEXIST ? -ENOMEM : (int)base;
        fail(im, r, "no room in the address space (--mem)");
        goto out;
    }
    uint64_t bias = (uint64_t)base - lo;
    for (int i = 0; i < phnum; i++) {
        const uint8_t *p = ph + i * PH_SIZE;
        if (u32(p) != PT_LOAD)
            continue;
        uint32_t fl = u32(p + 4);
        uint64_t off = u64(p + 8), va = u64(p + 16) + bias, fsz = u64(p + 32), msz = u64(p + 40);
        uint64_t a = va & ~4095ULL, b = (va + msz + 4095) & ~4095ULL;
        long m = mm_mmap(a, b - a, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
        if (m < 0) {
            r = (int)m;
            fail(im, r, "no memory for a segment (--mem)");
            goto unmap;
        }
        if (read_all(n, off, (void *)(uintptr_t)va, fsz) != 0) {
            r = -EIO;
            fail(im, r, "read error");
            goto unmap;
        }
        if ((fl & PF_X) && (r = (int)mm_mprotect(a, b - a, PROT_READ | PROT_EXEC)) != 0) {
            fail(im, r, "cannot make its code executable");
            goto unmap;
        }
    }
    uint64_t entry = u64(eh + 24) + bias;
    im->base = lo + bias;
    im->end = hi + bias;
    im->bias = bias;
    im->entry = entry;
    im->phdr = phdr_vaddr ? phdr_vaddr + bias : 0;
    im->phnum = phnum;
    r = 0;
    goto out;
unmap:
    mm_munmap(lo + bias, hi - lo);
out:
    node_put(n);
    return r;
}
