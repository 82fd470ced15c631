/* elf_harness.c: host build of exec/elf.c (the loader of ld.so and execve'd programs) for the Go tests and fuzzer. */
/*
 *   elf_harness FILE...   loads each FILE as the libOS would (checks only, then for real)
 *                         into a private 2 GiB arena that stands for the app's memory,
 *                         and prints one line per file: "ok TYPE base=.. end=.. entry=..
 *                         phdr=.. interp=.." or "error ERRNO MESSAGE".
 *
 * The arena is PROT_NONE except what the loader maps: a write outside its own read-write
 * mappings faults, which the Go side reports. Every mapping must be inside the arena, the
 * entry inside the image, and a failed load must leave nothing mapped. Built with
 * -fsanitize=address,undefined.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "libos.h"
#include "exec/elf.h"
#include "fd/file.h"
#include "fs/vfs.h"

/* The host's calls, declared here: <sys/mman.h> would clash with the libOS's Linux
 * headers, whose values are the same. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
int mprotect(void *addr, size_t len, int prot);
int madvise(void *addr, size_t len, int advice);
#define HOST_MAP_FAILED ((void *)-1)
#define HOST_MAP_NORESERVE 0x4000

/* At low addresses, so that an ET_EXEC linked at 0x400000 fits as in the libOS; below
 * ASan's shadow memory (0x7fff8000 up). */
#define ARENA_AT 0x200000ULL
#define ARENA (0x7f000000ULL - ARENA_AT)
static uint8_t *arena;
static uint64_t alo, ahi, next_top; /* arena bounds; top-down allocation point */
static int nmaps;                   /* live mm_mmap mappings, minus unmaps */

static const uint8_t *fdata;
static uint64_t fsize;
static struct node fnode;

int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vfs_walk(struct node *start, const char *path, int flags, struct walk *w)
{
    (void)start, (void)flags;
    memset(w, 0, sizeof *w);
    if (strcmp(path, "/f") != 0)
        return -ENOENT;
    w->node = &fnode;
    return 0;
}

int vfs_permission(struct node *n, int mask) { (void)n, (void)mask; return 0; }
void node_get(struct node *n) { n->refs++; }
void node_put(struct node *n) { n->refs--; }
void file_put(struct file *f) { (void)f; abort(); /* no magic links here */ }

long vfs_read(struct node *n, uint64_t pos, void *buf, size_t len)
{
    if (n != &fnode)
        abort();
    if (pos >= fsize)
        return 0;
    if (len > fsize - pos)
        len = (size_t)(fsize - pos);
    memcpy(buf, fdata + pos, len);
    return (long)len;
}

static int inside(uint64_t a, uint64_t len) { return a >= alo && a <= ahi && len <= ahi - a; }

long mm_mmap(uint64_t addr, uint64_t len, int prot, int flags)
{
    if (len == 0 || len > ARENA)
        return -ENOMEM;
    len = (len + 4095) & ~4095ULL;
    uint64_t a;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if ((addr & 4095) || !inside(addr, len))
            return -ENOMEM;
        a = addr;
    } else {
        if (len > next_top - alo)
            return -ENOMEM;
        a = next_top - len;
        next_top = a;
    }
    if (mprotect((void *)(uintptr_t)a, len, prot == PROT_NONE ? PROT_NONE : PROT_READ | PROT_WRITE) != 0)
        abort();
    if (!(flags & MAP_FIXED))
        nmaps++;
    return (long)a;
}

long mm_munmap(uint64_t addr, uint64_t len)
{
    len = (len + 4095) & ~4095ULL;
    if (!inside(addr, len))
        abort();
    mprotect((void *)(uintptr_t)addr, len, PROT_NONE);
    madvise((void *)(uintptr_t)addr, len, MADV_DONTNEED);
    nmaps--;
    return 0;
}

long mm_mprotect(uint64_t addr, uint64_t len, int prot)
{
    if (!inside(addr, len) || (prot & PROT_WRITE && prot & PROT_EXEC))
        abort();
    return mprotect((void *)(uintptr_t)addr, len, PROT_READ) == 0 ? 0 : -ENOMEM;
}

static void reset(void)
{
    mprotect(arena, ARENA, PROT_NONE);
    madvise(arena, ARENA, MADV_DONTNEED);
    next_top = ahi;
    nmaps = 0;
}

int main(int argc, char **argv)
{
    arena = mmap((void *)ARENA_AT, ARENA, PROT_NONE,
            MAP_PRIVATE | MAP_ANONYMOUS | HOST_MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (arena == HOST_MAP_FAILED)
        return 2;
    alo = (uint64_t)(uintptr_t)arena;
    ahi = alo + ARENA;
    fnode.mode = FS_IFREG | 0755;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f)
            return 2;
        static uint8_t buf[16 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        fdata = buf;
        fsize = n;
        fnode.size = n;
        reset();
        struct elf_image dry, im;
        int rd = elf_load("/f", 0, 1, &dry);
        int r = elf_load("/f", alo, 0, &im);
        if (fnode.refs != 0) {
            fprintf(stderr, "harness: node reference leaked\n");
            abort();
        }
        if ((rd == 0) != (r == 0) && r != -ENOMEM) {
            fprintf(stderr, "harness: the checks (%d) and the load (%d) disagree\n", rd, r);
            abort();
        }
        if (r != 0) {
            if (nmaps != 0 || im.err[0] == 0) {
                fprintf(stderr, "harness: failed load left %d mappings or no message\n", nmaps);
                abort();
            }
            printf("error %d %s\n", -r, im.err);
            continue;
        }
        if (!inside(im.base, im.end - im.base) || im.entry < im.base || im.entry >= im.end ||
                im.bias + dry.base != im.base || nmaps != 1) {
            fprintf(stderr, "harness: bad result base %llx end %llx entry %llx maps %d\n",
                    (unsigned long long)im.base, (unsigned long long)im.end,
                    (unsigned long long)im.entry, nmaps);
            abort();
        }
        printf("ok %d base=+%llx end=+%llx entry=+%llx phdr=%s interp=%s\n", im.type,
                (unsigned long long)(im.base - alo), (unsigned long long)(im.end - alo),
                (unsigned long long)(im.entry - alo), im.phdr ? "yes" : "no",
                im.interp[0] ? im.interp : "-");
    }
    return 0;
}
