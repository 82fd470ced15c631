/* kalloc.c: the libOS object heap: size classes for small objects, page runs for the rest,
 * in an address range of its own that is made read-write (charged to --mem) as it grows. */
#include "libos.h"
#include "mm/kalloc.h"

/* Small objects: power-of-two classes 32..2048 bytes carved from 64 KiB slabs, with a 16-byte
 * header holding the class (so kfree needs no size). Larger ones: page runs with the same
 * header in front (the run's page count). Page runs come from a first-fit free list over the
 * range, falling back to the bump pointer, which commits pages as it passes them. */
#define NCLASS 7          /* 32 64 128 256 512 1024 2048 */
#define SLAB (64u << 10)
#define HDR 16
#define MAX_RUNS 1024
#define BIG_MAGIC 0x4b42u /* "BK" */

struct hdr {
    uint32_t cls;   /* class index, or BIG_MAGIC << 16 | 0 for a page run */
    uint32_t magic;
    uint64_t npages;
};
_Static_assert(sizeof(struct hdr) == HDR, "header is 16 bytes");

struct run { uint64_t lo, n; };
static struct run runs[MAX_RUNS]; /* free page runs, unordered */
static int nruns;
static void *freelist[NCLASS];
static uint64_t klo, khi, kbump, kcommit;
/* The highest the bump pointer has been: pages above it were never handed out (zero);
 * below it, a run freed at the top and taken again by the bump pointer holds old data. */
static uint64_t kbump_max;
static uint64_t in_use;

void kalloc_init(uintptr_t lo, uintptr_t hi)
{
    klo = kbump = kcommit = kbump_max = lo;
    khi = hi;
}

int kalloc_owns(uint64_t p, uint64_t len)
{
    uint64_t end = p + len;
    return end > klo && p < khi;
}

uint64_t kalloc_in_use(void) { return in_use; }
uint64_t kalloc_committed(void) { return kcommit - klo; }

/* Pages [lo, lo + n*PAGE) from the bump pointer, committed in the host; 0 when full. */
static uint64_t bump_pages(uint64_t n)
{
    uint64_t len = n * PAGE_SIZE;
    if (n == 0 || len / PAGE_SIZE != n || kbump + len < kbump || kbump + len > khi)
        return 0;
    uint64_t lo = kbump;
    while (kcommit < lo + len) {
        uint64_t step = lo + len - kcommit;
        if (step > HOST_MPROTECT_MAX)
            step = HOST_MPROTECT_MAX;
        if (host_mprotect_rw((uintptr_t)kcommit, (size_t)step) != 0) {
            DBG("libos: kalloc: the host refused %llu bytes: --mem is used up\n",
                    (unsigned long long)step);
            return 0;
        }
        kcommit += step;
    }
    kbump = lo + len;
    if (lo < kbump_max) /* kalloc's memory is zeroed: clear what an earlier object left */
        memset((void *)(uintptr_t)lo, 0, (size_t)((kbump < kbump_max ? kbump : kbump_max) - lo));
    if (kbump > kbump_max)
        kbump_max = kbump;
    return lo;
}

void *kalloc_pages(size_t n)
{
    if (n == 0)
        return NULL;
    int best = -1;
    for (int i = 0; i < nruns; i++)
        if (runs[i].n >= n && (best < 0 || runs[i].n < runs[best].n))
            best = i;
    uint64_t lo;
    if (best >= 0) {
        lo = runs[best].lo;
        runs[best].lo += n * PAGE_SIZE;
        runs[best].n -= n;
        if (runs[best].n == 0)
            runs[best] = runs[--nruns];
        memset((void *)(uintptr_t)lo, 0, n * PAGE_SIZE);
    } else if (!(lo = bump_pages(n))) {
        return NULL;
    }
    in_use += n * PAGE_SIZE;
    return (void *)(uintptr_t)lo;
}

void kfree_pages(void *p, size_t n)
{
    if (!p || n == 0)
        return;
    uint64_t lo = (uint64_t)(uintptr_t)p, len = n * PAGE_SIZE;
    if (lo < klo || lo + len > kbump || (lo & (PAGE_SIZE - 1)))
        bindings_panic("libos: kfree_pages of memory the heap does not own");
    in_use -= len;
    /* Big runs give their memory back to the host (they read as zero after). */
    if (n >= 16)
        host_madvise_dontneed((uintptr_t)lo, (size_t)len);
    for (int i = 0; i < nruns; i++) { /* merge with a neighbour */
        if (runs[i].lo + runs[i].n * PAGE_SIZE == lo) {
            runs[i].n += n;
            return;
        }
        if (lo + len == runs[i].lo) {
            runs[i].lo = lo;
            runs[i].n += n;
            return;
        }
    }
    if (lo + len == kbump) {
        kbump = lo;
        return;
    }
    if (nruns == MAX_RUNS) {
        LOG("libos: kalloc: free-run table full, %llu pages leaked\n", (unsigned long long)n);
        return;
    }
    runs[nruns++] = (struct run){ lo, n };
}

static int class_of(size_t n)
{
    size_t sz = 32;
    for (int c = 0; c < NCLASS; c++, sz <<= 1)
        if (n + HDR <= sz)
            return c;
    return -1;
}

void *kalloc(size_t n)
{
    int c = class_of(n);
    if (c < 0) {
        if (n > (1ULL << 40))
            return NULL;
        size_t pages = (n + HDR + PAGE_SIZE - 1) / PAGE_SIZE;
        struct hdr *h = kalloc_pages(pages);
        if (!h)
            return NULL;
        h->cls = BIG_MAGIC;
        h->magic = BIG_MAGIC;
        h->npages = pages;
        return (uint8_t *)h + HDR;
    }
    size_t sz = (size_t)32 << c;
    if (!freelist[c]) {
        uint8_t *slab = kalloc_pages(SLAB / PAGE_SIZE);
        if (!slab)
            return NULL;
        in_use -= SLAB; /* counted per object below */
        for (size_t off = 0; off + sz <= SLAB; off += sz) {
            *(void **)(slab + off) = freelist[c];
            freelist[c] = slab + off;
        }
    }
    struct hdr *h = freelist[c];
    freelist[c] = *(void **)h;
    memset(h, 0, sz);
    h->cls = (uint32_t)c;
    h->magic = 0x4b4f424au;
    in_use += sz;
    return (uint8_t *)h + HDR;
}

void *kcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return kalloc(n * size);
}

void kfree(void *p)
{
    if (!p)
        return;
    struct hdr *h = (struct hdr *)((uint8_t *)p - HDR);
    if (!kalloc_owns((uint64_t)(uintptr_t)h, HDR))
        bindings_panic("libos: kfree of memory the heap does not own");
    if (h->cls == BIG_MAGIC && h->magic == BIG_MAGIC) {
        kfree_pages(h, h->npages);
        return;
    }
    if (h->cls >= NCLASS || h->magic != 0x4b4f424au)
        bindings_panic("libos: kfree of a corrupt or freed object");
    h->magic = 0;
    in_use -= (size_t)32 << h->cls;
    *(void **)h = freelist[h->cls];
    freelist[h->cls] = h;
}
