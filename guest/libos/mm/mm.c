/* mm.c: the app's address space: a free list over guest memory for mmap/munmap/brk. */
#include "libos.h"

/* Guest address space is larger than guest memory: the tender maps the managed region
 * PROT_NONE and lets the libOS make parts of it read-write (mprotect), counting those
 * against --mem itself (RLIMIT_DATA), so a refusal is ENOMEM for the app. PROT_NONE
 * reservations (Go reserves ~1.5 GiB at start) therefore cost address space only. Ranges
 * made read-write stay so (the host gives no way back) and are recorded in rw[], and new
 * read-write mappings reuse them first. Every range given back is dropped with
 * madvise(MADV_DONTNEED), so a fresh range always reads as zero and costs no host memory. */

#define MAX_EXT 4096
#define PAGE 4096ULL

struct ext {
    uint64_t lo, hi;
};
static struct ext fr[MAX_EXT]; /* free extents, sorted, disjoint, not adjacent */
static int nfr;
static struct ext rw[MAX_EXT]; /* read-write in the host: sorted, disjoint, merged */
static int nrw;
static struct ext rx[MAX_EXT]; /* read-execute in the host (code the app mapped) */
static int nrx;
static uint64_t mlo, mhi;      /* managed region */
/* brk is each process's (pid 1's, or a spawned child's program's). */
#define brk_start (curproc->brk_start)
#define brk_cur (curproc->brk_cur)
uint64_t guest_mem_end;

void mm_init(uintptr_t lo, uintptr_t hi)
{
    mlo = lo;
    mhi = hi;
    fr[0].lo = lo;
    fr[0].hi = hi;
    nfr = 1;
    nrw = 0;
}

/* Index of the extent of v[0..n) holding [a, b), or -1. */
static int ext_find(const struct ext *v, int n, uint64_t a, uint64_t b)
{
    int l = 0, h = n;
    while (l < h) { /* first extent with hi > a */
        int m = (l + h) / 2;
        if (v[m].hi <= a)
            l = m + 1;
        else
            h = m;
    }
    return l < n && v[l].lo <= a && b <= v[l].hi ? l : -1;
}

static int rw_find(uint64_t a, uint64_t b) { return ext_find(rw, nrw, a, b); }

/* Records [a, b) in the sorted, merged list v[0..*n), merging neighbours; -1 when full. */
static int ext_add(struct ext *v, int *n, uint64_t a, uint64_t b)
{
    int i = 0;
    while (i < *n && v[i].hi < a)
        i++;
    int j = i; /* extents i..j-1 touch or overlap [a, b) */
    while (j < *n && v[j].lo <= b)
        j++;
    if (j > i) {
        a = v[i].lo < a ? v[i].lo : a;
        b = v[j - 1].hi > b ? v[j - 1].hi : b;
    } else if (*n == MAX_EXT) {
        return -1;
    }
    memmove(&v[i + 1], &v[j], (size_t)(*n - j) * sizeof v[0]);
    v[i].lo = a;
    v[i].hi = b;
    *n = *n - (j - i) + 1;
    return 0;
}

static int rw_add(uint64_t a, uint64_t b) { return ext_add(rw, &nrw, a, b); }

/* Removes [a, b) from the list v[0..*n); -1 (nothing changed) when a split finds it full. */
static int ext_del(struct ext *v, int *n, uint64_t a, uint64_t b)
{
    for (int i = 0; i < *n; i++) {
        struct ext *e = &v[i];
        if (e->hi <= a || e->lo >= b)
            continue;
        if (e->lo < a && e->hi > b) { /* split */
            if (*n == MAX_EXT)
                return -1;
            memmove(&v[i + 2], &v[i + 1], (size_t)(*n - i - 1) * sizeof v[0]);
            v[i + 1].lo = b;
            v[i + 1].hi = e->hi;
            e->hi = a;
            (*n)++;
            return 0;
        }
        if (e->lo < a) {
            e->hi = a;
        } else if (e->hi > b) {
            e->lo = b;
        } else {
            memmove(&v[i], &v[i + 1], (size_t)(*n - i - 1) * sizeof v[0]);
            (*n)--;
            i--;
        }
    }
    return 0;
}

/* Makes [a, b) (page aligned, inside the managed region) read-write in the host where it
 * is not yet, in pieces the host filter accepts. -ENOMEM when the host refuses (--mem is
 * used up) or the table is full; the pieces made read-write before stay recorded. */
static long make_rw(uint64_t a, uint64_t b)
{
    while (a < b) {
        int i = 0;
        while (i < nrw && rw[i].hi <= a)
            i++;
        if (i < nrw && rw[i].lo <= a) { /* already read-write up to rw[i].hi */
            a = rw[i].hi;
            continue;
        }
        uint64_t e = i < nrw && rw[i].lo < b ? rw[i].lo : b;
        if (e - a > HOST_MPROTECT_MAX)
            e = a + HOST_MPROTECT_MAX;
        long r = host_mprotect_rw((uintptr_t)a, (size_t)(e - a));
        if (r != 0) {
            DBG("libos: the host refused %llu more bytes of memory (%ld): --mem is used up\n",
                    (unsigned long long)(e - a), r);
            return -ENOMEM;
        }
        if (rw_add(a, e) != 0 || ext_del(rx, &nrx, a, e) != 0)
            return -ENOMEM;
        a = e;
    }
    return 0;
}

/* App pointers must lie in the app's part of guest memory: below the managed region's end
 * (above it are the libOS heap and the boot stack) and outside the libOS image, so that a
 * bad pointer gets EFAULT instead of overwriting the libOS. */
int user_ok(uint64_t p, uint64_t len)
{
    uint64_t end = p + len;
    uint64_t lo = (uint64_t)(uintptr_t)_stext, hi = (uint64_t)(uintptr_t)_end;
    if (!(end >= p && p >= 0x100000 && end <= mhi && (end <= lo || p >= hi)))
        return 0;
    /* Inside the managed region only pages the host lets the libOS read: read-write ones
     * and code (read-execute), so that the libOS never faults on them. */
    uint64_t a = (p < mlo ? mlo : p) & ~(PAGE - 1), b = end > mhi ? mhi : end;
    while (a < b) {
        int i = ext_find(rw, nrw, a, a + 1);
        if (i < 0 && (i = ext_find(rx, nrx, a, a + 1)) >= 0)
            a = rx[i].hi;
        else if (i >= 0)
            a = rw[i].hi;
        else
            return 0;
    }
    return 1;
}

/* [p, p+len) inside the managed region is read-write in the host (copy_to_user). */
int user_rw(uint64_t p, uint64_t len)
{
    uint64_t end = p + len;
    uint64_t a = p < mlo ? mlo : p, b = end > mhi ? mhi : end;
    return a >= b || rw_find(a & ~(PAGE - 1), b) >= 0;
}

static int is_free(uint64_t a, uint64_t b)
{
    for (int i = 0; i < nfr; i++)
        if (fr[i].lo <= a && b <= fr[i].hi)
            return 1;
    return 0;
}

/* Removes [a, b) from the free list; 0, or -1 when the list is full. */
static int take(uint64_t a, uint64_t b) { return ext_del(fr, &nfr, a, b); }

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

/* The highest free range of len bytes that is already read-write in the host, or 0. */
static uint64_t find_rw(uint64_t len)
{
    for (int i = nfr - 1; i >= 0; i--) {
        for (int k = nrw - 1; k >= 0; k--) {
            uint64_t lo = fr[i].lo > rw[k].lo ? fr[i].lo : rw[k].lo;
            uint64_t hi = fr[i].hi < rw[k].hi ? fr[i].hi : rw[k].hi;
            if (hi > lo && hi - lo >= len)
                return hi - len;
        }
    }
    return 0;
}

/* The memory a child process mapped (pid 1 owns everything else): given back when it
 * exits or execs. A full list only means some memory stays taken until pid 1's exec. */
static void own(uint64_t a, uint64_t b)
{
    struct proc *p = curproc;
    if (p->pid == 1)
        return;
    if (!p->owned && !(p->owned = kalloc(MAX_EXT * sizeof(struct ext))))
        return;
    ext_add(p->owned, &p->nowned, a, b);
}

static void disown(uint64_t a, uint64_t b)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].owned && procs[i].nowned)
            ext_del(procs[i].owned, &procs[i].nowned, a, b);
}

void mm_release(struct proc *p)
{
    struct ext *o = p->owned;
    for (int i = 0; o && i < p->nowned; i++) {
        zap(o[i].lo, o[i].hi);
        ext_del(rx, &nrx, o[i].lo, o[i].hi);
        give(o[i].lo, o[i].hi);
    }
    p->nowned = 0;
}

void mm_proc_free(struct proc *p)
{
    mm_release(p);
    if (p->owned)
        kfree(p->owned);
    p->owned = NULL;
}

int mm_range_free(uint64_t a, uint64_t b)
{
    return a >= mlo && b <= mhi && a < b && is_free(a & ~(PAGE - 1), (b + PAGE - 1) & ~(PAGE - 1));
}

/* Takes [a, a+len) for a mapping with prot: read-write in the host unless PROT_NONE (a
 * PROT_EXEC mapping is made read-execute by the caller once its contents are in). */
static long claim(uint64_t a, uint64_t len, int prot)
{
    if (prot != PROT_NONE) {
        long r = make_rw(a, a + len);
        if (r != 0)
            return r;
    } else if (ext_del(rx, &nrx, a, a + len) != 0) {
        return -ENOMEM;
    }
    if (take(a, a + len) != 0)
        return -ENOMEM;
    own(a, a + len);
    return (long)a;
}

static long map_at(uint64_t addr, uint64_t len, int prot, int flags)
{
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
        return claim(addr, len, prot);
    }
    if (addr && !(addr & (PAGE - 1)) && addr >= mlo && addr + len <= mhi && addr + len > addr
            && is_free(addr, addr + len))
        return claim(addr, len, prot);
    /* Memory the host already gave first, then top down, so that the brk area above the
     * app stays free longest. Reservations go top down too: they cost nothing. */
    if (prot != PROT_NONE) {
        uint64_t a = find_rw(len);
        if (a)
            return claim(a, len, prot);
    }
    for (int i = nfr - 1; i >= 0; i--) {
        if (fr[i].hi - fr[i].lo >= len)
            return claim(fr[i].hi - len, len, prot);
    }
    DBG("libos: mmap of %llu bytes: out of address space (%llu free)\n",
            (unsigned long long)len, (unsigned long long)bytes_free());
    return -ENOMEM;
}

static long make_rx(uint64_t a, uint64_t b);

/* An anonymous mapping; PROT_EXEC ones are read-execute (zeros until the app's mprotect to
 * write code in, as a JIT does). */
long mm_mmap(uint64_t addr, uint64_t len, int prot, int flags)
{
    if ((prot & PROT_EXEC) && (prot & PROT_WRITE))
        return -EACCES;
    long a = map_at(addr, len, prot, flags);
    if (a >= 0 && (prot & PROT_EXEC)) {
        uint64_t n = (len + PAGE - 1) & ~(PAGE - 1);
        long r = make_rx((uint64_t)a, (uint64_t)a + n);
        if (r != 0) {
            mm_munmap((uint64_t)a, n);
            return r;
        }
    }
    return a;
}

/* Makes [a, b) (page aligned, in the managed region) read-execute in the host: code the app
 * mapped (ld.so's libraries) or generated (a JIT). It stays outside the libOS text, so its
 * system calls still trap. Never writable and executable at once (the host's filter
 * allows PROT_READ|PROT_EXEC only). */
static long make_rx(uint64_t a, uint64_t b)
{
    if (ext_find(rx, nrx, a, b) >= 0)
        return 0;
    if (nrw > MAX_EXT - 2 || nrx > MAX_EXT - 2)
        return -ENOMEM;
    for (uint64_t p = a; p < b;) {
        uint64_t e = b - p > HOST_MPROTECT_MAX ? p + HOST_MPROTECT_MAX : b;
        if (host_mprotect_rx((uintptr_t)p, (size_t)(e - p)) != 0)
            return -ENOMEM;
        p = e;
    }
    if (ext_del(rw, &nrw, a, b) != 0 || ext_add(rx, &nrx, a, b) != 0)
        return -ENOMEM;
    return 0;
}

/* mprotect: memory made accessible becomes read-write in the host (and counts against
 * --mem), or read-execute for PROT_EXEC; PROT_NONE leaves pages as they are (Linux keeps
 * their contents and their charge). Writable and executable at once is refused (EACCES, as
 * Linux under a W^X policy): the host never has such pages. */
long mm_mprotect(uint64_t addr, uint64_t len, int prot)
{
    if (addr & (PAGE - 1))
        return -EINVAL;
    uint64_t end = (addr + len + PAGE - 1) & ~(PAGE - 1);
    if (end < addr)
        return -ENOMEM;
    if (prot == PROT_NONE || len == 0)
        return 0;
    if ((prot & PROT_EXEC) && (prot & PROT_WRITE))
        return -EACCES;
    uint64_t a = addr < mlo ? mlo : addr, b = end > mhi ? mhi : end;
    if (a >= b)
        return 0;
    if (prot & PROT_EXEC) {
        /* Pages never given out cannot become code: the host would execute zeros there. */
        if (is_free(a, b))
            return -ENOMEM;
        return make_rx(a, b);
    }
    return make_rw(a, b);
}

/* The app image's executable segments (the tender mapped them read-execute, above the
 * libOS text): code as much as what the app mapped itself. */
static int in_image_code(uint64_t a, uint64_t b)
{
    const volatile struct libos_app *ap = &libos_app;
    uint64_t etext = ((uint64_t)(uintptr_t)_etext + PAGE - 1) & ~(PAGE - 1);
    for (uint32_t i = 0; i < ap->phnum && i < APP_MAX_PHDRS; i++) {
        const volatile uint8_t *p = ap->phdrs + (size_t)i * 56;
        uint32_t type = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        if (type != 1 /* PT_LOAD */ || !(p[4] & 1 /* PF_X */) || (p[4] & 2 /* PF_W */))
            continue;
        uint64_t va = 0, sz = 0;
        for (int k = 7; k >= 0; k--) {
            va = va << 8 | p[16 + k];
            sz = sz << 8 | p[40 + k];
        }
        uint64_t lo = (va + ap->bias) & ~(PAGE - 1), hi = va + ap->bias + sz;
        if (hi >= lo && lo >= etext && a >= lo && b <= hi)
            return 1;
    }
    return 0;
}

/* Code the libOS may rewrite (a system call site it patches, sys/patch_*.c): read-execute
 * in the host (what the app mapped, or the app image's text). A file's writable shared
 * mapping is never among them: it is read-write in the host, kept coherent by copies. */
int mm_code_range(uint64_t a, uint64_t b)
{
    if (b <= a)
        return 0;
    if (a >= mlo && b <= mhi)
        return ext_find(rx, nrx, a & ~(PAGE - 1), b) >= 0;
    return in_image_code(a, b);
}

/* Writes n bytes of code at addr: the pages become read-write in the host for the write
 * and read-execute again (never both at once). -1 when the range is not code the libOS may
 * rewrite or the host refuses (--mem is used up). */
int mm_code_write(uint64_t addr, const void *src, size_t n)
{
    if (!mm_code_range(addr, addr + n))
        return -1;
    uint64_t a = addr & ~(PAGE - 1), b = (addr + n + PAGE - 1) & ~(PAGE - 1);
    if (host_mprotect_rw((uintptr_t)a, (size_t)(b - a)) != 0)
        return -1;
    memcpy((void *)(uintptr_t)addr, src, n);
    if (host_mprotect_rx((uintptr_t)a, (size_t)(b - a)) != 0)
        bindings_panic("libos: code made writable for a patch cannot be made executable again");
    return 0;
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
    /* Code pages stay read-execute in the host until reused (claim makes them read-write);
     * the libOS no longer reads them for the app. */
    if (ext_del(rx, &nrx, a, b) != 0)
        return -ENOMEM;
    disown(a, b);
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
        if (!is_free(oldp, newp) || make_rw(oldp, newp) != 0 || take(oldp, newp) != 0)
            return (long)brk_cur;
        own(oldp, newp);
    } else if (newp < oldp) {
        zap(newp, oldp);
        disown(newp, oldp);
        give(newp, oldp);
    }
    brk_cur = addr;
    return (long)brk_cur;
}

void mm_report(void)
{
    uint64_t n = 0;
    for (int i = 0; i < nrw; i++)
        n += rw[i].hi - rw[i].lo;
    LOG("libos: memory: %llu KiB made read-write (%d ranges), %llu MiB of %llu MiB address space in use\n",
            (unsigned long long)(n >> 10), nrw, (unsigned long long)((mhi - mlo - bytes_free()) >> 20),
            (unsigned long long)((mhi - mlo) >> 20));
}

/* execve: every mapping of the app goes (the pages read as zero again); the pages stay
 * read-write (or read-execute) in the host, as munmap leaves them. */
void mm_reset(void)
{
    fr[0].lo = mlo;
    fr[0].hi = mhi;
    nfr = 1;
    int kept = 0;
    /* pid 1's exec while spawned children run: their memory stays theirs. */
    for (int i = 0; i < MAX_PROCS; i++) {
        struct proc *p = &procs[i];
        if (p == curproc || p->state != P_LIVE || !p->owned)
            continue;
        const struct ext *o = p->owned;
        for (int k = 0; k < p->nowned; k++, kept++)
            take(o[k].lo, o[k].hi);
    }
    if (!kept) {
        zap(mlo, mhi);
        nrx = 0;
        return;
    }
    for (int i = 0; i < nfr; i++) {
        zap(fr[i].lo, fr[i].hi);
        ext_del(rx, &nrx, fr[i].lo, fr[i].hi);
    }
}

uint64_t mm_low(void) { return mlo; }

/* The next boundary after a in one sorted extent list (cursor *i kept across calls), and
 * whether a lies inside an extent. */
static uint64_t ext_next(const struct ext *v, int n, int *i, uint64_t a, int *inside)
{
    while (*i < n && v[*i].hi <= a)
        (*i)++;
    *inside = *i < n && v[*i].lo <= a;
    if (*i >= n)
        return mhi;
    return *inside ? v[*i].hi : v[*i].lo;
}

static uint64_t min_above(uint64_t best, uint64_t a, uint64_t v) { return v > a && v < best ? v : best; }

/* One /proc/self/maps line (a name, when there is one, after Linux's padding). */
long mm_maps_line(char *b, size_t c, uint64_t lo, uint64_t hi, const char *perm, const char *name)
{
    return lib_snprintf(b, c, "%08llx-%08llx %s 00000000 00:00 0 %s%s\n", (unsigned long long)lo,
            (unsigned long long)hi, perm, *name ? "                           " : "", name);
}

/* /proc/self/maps for the managed region: one line per run of addresses in use (not on
 * the free list) with one host protection (r-x: code the app mapped; rw-: memory made
 * read-write; ---: reserved only) and one name ([heap]: the brk range; [stack]: the
 * program's main stack). mm keeps no file names, so file mappings show as anonymous, and
 * the protection is the host's (a read-write page the app made PROT_READ shows rw-). */
long mm_maps(char *b, size_t c)
{
    size_t used = 0;
    int i = 0, j = 0, k = 0;
    uint64_t heap_lo = (brk_start + PAGE - 1) & ~(PAGE - 1), heap_hi = (brk_cur + PAGE - 1) & ~(PAGE - 1);
    uint64_t st_lo = curproc->stack_lo, st_hi = curproc->stack_hi;
    uint64_t run_lo = 0, run_hi = 0;
    const char *run_perm = NULL, *run_name = NULL;
    for (uint64_t a = mlo; a < mhi && used < c;) {
        int isfree, isrw, isrx;
        uint64_t nx = ext_next(fr, nfr, &i, a, &isfree);
        uint64_t n2 = ext_next(rw, nrw, &j, a, &isrw);
        uint64_t n3 = ext_next(rx, nrx, &k, a, &isrx);
        nx = n2 < nx ? n2 : nx;
        nx = n3 < nx ? n3 : nx;
        nx = min_above(min_above(min_above(min_above(nx, a, heap_lo), a, heap_hi), a, st_lo), a, st_hi);
        const char *perm = isrx ? "r-xp" : isrw ? "rw-p" : "---p";
        const char *name = (a >= heap_lo && a < heap_hi) ? "[heap]" : (a >= st_lo && a < st_hi) ? "[stack]" : "";
        if (isfree)
            perm = NULL;
        if (run_perm && (perm != run_perm || name != run_name || a != run_hi)) {
            long r = mm_maps_line(b + used, c - used, run_lo, run_hi, run_perm, run_name);
            if (r < 0)
                break;
            used += (size_t)r;
            run_perm = NULL;
        }
        if (perm && !run_perm)
            run_lo = a, run_perm = perm, run_name = name;
        if (perm)
            run_hi = nx;
        a = nx;
    }
    if (run_perm && used < c) {
        long r = mm_maps_line(b + used, c - used, run_lo, run_hi, run_perm, run_name);
        if (r > 0)
            used += (size_t)r;
    }
    return (long)(used > c ? c : used);
}
