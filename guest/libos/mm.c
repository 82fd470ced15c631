/* mm.c: the app's address space: a free list over guest memory for mmap/munmap/brk. */
#include "libos.h"

/* Guest memory is the tender's lazily backed mapping: pages cost host memory only once
 * touched, so PROT_NONE reservations are just address ranges here. Every range given back
 * is dropped with madvise(MADV_DONTNEED), so a fresh range always reads as zero. */

#define MAX_EXT 4096
#define PAGE 4096ULL

struct ext {
    uint64_t lo, hi;
};
static struct ext fr[MAX_EXT]; /* free extents, sorted, disjoint, not adjacent */
static int nfr;
static uint64_t mlo, mhi;      /* managed region */
static uint64_t brk_start, brk_cur;
uint64_t guest_mem_end;

void mm_init(uintptr_t lo, uintptr_t hi)
{
    mlo = lo;
    mhi = hi;
    fr[0].lo = lo;
    fr[0].hi = hi;
    nfr = 1;
}

/* App pointers must lie in guest memory and outside the libOS image, so that a bad
 * pointer gets EFAULT instead of overwriting the libOS. */
int user_ok(uint64_t p, uint64_t len)
{
    uint64_t end = p + len;
    uint64_t lo = (uint64_t)(uintptr_t)_stext, hi = (uint64_t)(uintptr_t)_end;
    return end >= p && p >= 0x100000 && end <= guest_mem_end && (end <= lo || p >= hi);
}

static int is_free(uint64_t a, uint64_t b)
{
    for (int i = 0; i < nfr; i++)
        if (fr[i].lo <= a && b <= fr[i].hi)
            return 1;
    return 0;
}

/* Removes [a, b) from the free list; 0, or -1 when the list is full. */
static int take(uint64_t a, uint64_t b)
{
    for (int i = 0; i < nfr; i++) {
        struct ext *e = &fr[i];
        if (e->hi <= a || e->lo >= b)
            continue;
        if (e->lo < a && e->hi > b) { /* split */
            if (nfr == MAX_EXT)
                return -1;
            memmove(&fr[i + 2], &fr[i + 1], (size_t)(nfr - i - 1) * sizeof fr[0]);
            fr[i + 1].lo = b;
            fr[i + 1].hi = e->hi;
            e->hi = a;
            nfr++;
            return 0;
        }
        if (e->lo < a) {
            e->hi = a;
        } else if (e->hi > b) {
            e->lo = b;
        } else { /* inside [a, b): drop it */
            memmove(&fr[i], &fr[i + 1], (size_t)(nfr - i - 1) * sizeof fr[0]);
            nfr--;
            i--;
        }
    }
    return 0;
}

/* Adds [a, b) (which may overlap free parts) to the free list, merging neighbours. */
static int give(uint64_t a, uint64_t b)
{
    if (take(a, b) != 0)
        return -1;
    if (nfr == MAX_EXT)
        return -1;
    int i = 0;
    while (i < nfr && fr[i].lo < a)
        i++;
    memmove(&fr[i + 1], &fr[i], (size_t)(nfr - i) * sizeof fr[0]);
    fr[i].lo = a;
    fr[i].hi = b;
    nfr++;
    if (i + 1 < nfr && fr[i].hi == fr[i + 1].lo) {
        fr[i].hi = fr[i + 1].hi;
        memmove(&fr[i + 1], &fr[i + 2], (size_t)(nfr - i - 2) * sizeof fr[0]);
        nfr--;
    }
    if (i > 0 && fr[i - 1].hi == fr[i].lo) {
        fr[i - 1].hi = fr[i].hi;
        memmove(&fr[i], &fr[i + 1], (size_t)(nfr - i - 1) * sizeof fr[0]);
        nfr--;
    }
    return 0;
}

static void zap(uint64_t a, uint64_t b)
{
    if (b > a)
        host_madvise_dontneed((uintptr_t)a, (size_t)(b - a));
}

static uint64_t bytes_free(void)
{
    uint64_t n = 0;
    for (int i = 0; i < nfr; i++)
        n += fr[i].hi - fr[i].lo;
    return n;
}

long mm_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd)
{
    (void)prot;
    (void)fd;
    if (!(flags & MAP_ANONYMOUS))
        return -ENODEV; /* no files to map yet */
    if (len == 0 || len > mhi - mlo)
        return len == 0 ? -EINVAL : -ENOMEM;
    len = (len + PAGE - 1) & ~(PAGE - 1);
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        uint64_t end = addr + len;
        if (addr & (PAGE - 1))
            return -EINVAL;
        if (end < addr || addr < mlo || end > mhi)
            return -ENOMEM;
        if (flags & MAP_FIXED_NOREPLACE) {
            if (!is_free(addr, end))
                return -EEXIST;
        } else if (!is_free(addr, end)) {
            zap(addr, end); /* a fixed mapping over a used range starts zeroed */
        }
        return take(addr, end) == 0 ? (long)addr : -ENOMEM;
    }
    if (addr && !(addr & (PAGE - 1)) && addr >= mlo && addr + len <= mhi && addr + len > addr
            && is_free(addr, addr + len))
        return take(addr, addr + len) == 0 ? (long)addr : -ENOMEM;
    /* Top down, so that the brk area above the app stays free longest. */
    for (int i = nfr - 1; i >= 0; i--) {
        if (fr[i].hi - fr[i].lo >= len) {
            uint64_t a = fr[i].hi - len;
            return take(a, a + len) == 0 ? (long)a : -ENOMEM;
        }
    }
    DBG("libos: mmap of %llu bytes: out of memory (%llu free)\n",
            (unsigned long long)len, (unsigned long long)bytes_free());
    return -ENOMEM;
}

long mm_munmap(uint64_t addr, uint64_t len)
{
    if ((addr & (PAGE - 1)) || len == 0)
        return -EINVAL;
    uint64_t end = (addr + len + PAGE - 1) & ~(PAGE - 1);
    if (end < addr)
        return -EINVAL;
    /* Only the managed part: the app image and the libOS stay. */
    uint64_t a = addr < mlo ? mlo : addr, b = end > mhi ? mhi : end;
    if (a >= b)
        return 0;
    zap(a, b);
    return give(a, b) == 0 ? 0 : -ENOMEM;
}

long mm_madvise(uint64_t addr, uint64_t len, int advice)
{
    if (addr & (PAGE - 1))
        return -EINVAL;
    if (advice != MADV_DONTNEED && advice != MADV_FREE)
        return 0; /* hints (huge pages, ...) */
    uint64_t end = (addr + len + PAGE - 1) & ~(PAGE - 1);
    uint64_t a = addr < mlo ? mlo : addr, b = end > mhi ? mhi : end;
    if (end >= addr && a < b)
        zap(a, b);
    return 0;
}

void mm_brk_init(uintptr_t start)
{
    brk_start = brk_cur = start;
}

long mm_brk(uint64_t addr)
{
    if (addr < brk_start || addr > mhi)
        return (long)brk_cur;
    uint64_t oldp = (brk_cur + PAGE - 1) & ~(PAGE - 1);
    uint64_t newp = (addr + PAGE - 1) & ~(PAGE - 1);
    if (newp > oldp) {
        if (!is_free(oldp, newp) || take(oldp, newp) != 0)
            return (long)brk_cur;
    } else if (newp < oldp) {
        zap(newp, oldp);
        give(newp, oldp);
    }
    brk_cur = addr;
    return (long)brk_cur;
}
