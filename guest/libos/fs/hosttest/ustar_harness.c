/* ustar_harness.c: host build of fs/ustar.c for the Go tests and the fuzzer (dump and serve modes). */
/*
 *   ustar_harness dump DISK   prints the index (one line per entry, depth first) with a
 *                             hash of each file's contents, or "error: <message>"
 *   ustar_harness serve       reads disks from stdin (u32 little-endian length, bytes),
 *                             indexes each one twice (all memory, then a small budget that
 *                             makes allocations fail) and answers one line per disk
 *   -DUSTAR_LIBFUZZER         the same checks as serve, as a libFuzzer target
 *
 * Every disk read is checked against the contract (aligned, inside the disk) and every
 * allocation must be freed by ustar_index_free/ustar_cache_free: a violation aborts,
 * which the Go side reports as a failure. Built with -fsanitize=address,undefined.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ustar.h"

int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

struct disk {
    const uint8_t *data;
    uint64_t size;       /* bytes the disk really has */
    size_t live;         /* bytes allocated and not yet freed */
    size_t budget;       /* allocations beyond this fail (SIZE_MAX: none) */
    uint64_t reads;
};

static int disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct disk *d = ctx;
    if (off % USTAR_SECTOR || len % USTAR_SECTOR || len == 0 || off > d->size ||
            len > d->size - off) {
        fprintf(stderr, "harness: bad read off=%llu len=%zu disk=%llu\n",
                (unsigned long long)off, len, (unsigned long long)d->size);
        abort();
    }
    d->reads++;
    memcpy(buf, d->data + off, len);
    return 0;
}

static void *disk_alloc(void *ctx, size_t n)
{
    struct disk *d = ctx;
    if (n == 0 || n > d->budget - d->live)
        return NULL;
    void *p = malloc(n);
    if (p)
        d->live += n;
    return p;
}

static void disk_free(void *ctx, void *p, size_t n)
{
    struct disk *d = ctx;
    if (!p || n > d->live) {
        fprintf(stderr, "harness: bad free %p %zu (live %zu)\n", p, n, d->live);
        abort();
    }
    d->live -= n;
    free(p);
}

static uint64_t fnv64(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Reads the whole file in pieces of odd sizes through the cache; the hash or an errno. */
static long long hash_file(struct ustar_cache *c, const struct ustar_ent *e, uint64_t *out)
{
    static uint8_t buf[200000];
    static const size_t sizes[] = {1, 511, 4096, 65536, 70001, 3};
    uint64_t h = 1469598103934665603ULL, pos = 0;
    for (unsigned k = 0;; k++) {
        long n = ustar_read(c, e, pos, buf, sizes[k % 6]);
        if (n < 0)
            return n;
        if (n == 0)
            break;
        if ((size_t)n > sizes[k % 6]) {
            fprintf(stderr, "harness: read returned %ld > %zu\n", n, sizes[k % 6]);
            abort();
        }
        h = fnv64(h, buf, (size_t)n);
        pos += (uint64_t)n;
    }
    if (pos != e->size) {
        fprintf(stderr, "harness: read %llu of %llu bytes\n", (unsigned long long)pos,
                (unsigned long long)e->size);
        abort();
    }
    *out = h;
    return 0;
}

static void print_quoted(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || c == '\\' || c == ' ')
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
}

static char type_char(uint32_t mode)
{
    switch (mode & USTAR_IFMT) {
    case USTAR_IFDIR: return 'd';
    case USTAR_IFREG: return 'f';
    case USTAR_IFLNK: return 'l';
    case USTAR_IFCHR: return 'c';
    case USTAR_IFBLK: return 'b';
    case USTAR_IFIFO: return 'p';
    }
    return '?';
}

/* Depth-first listing; path holds the entry's full name. Visits each entry once: the
 * walk is bounded by the entry count, so a corrupted tree cannot loop. */
static void dump_tree(FILE *f, struct ustar_index *ix, struct ustar_cache *c, uint32_t i,
        char *path, size_t plen, uint32_t *visits)
{
    struct ustar_ent *e = ustar_ent(ix, i);
    if (++*visits > ix->count) {
        fprintf(stderr, "harness: tree has a cycle\n");
        abort();
    }
    fputs(plen ? "" : "/", f);
    print_quoted(f, path, plen);
    fprintf(f, " %c %04o %u:%u nlink=%u mtime=%lld", type_char(e->mode), e->mode & 07777,
            e->uid, e->gid, e->nlink, (long long)e->mtime);
    if (e->flags & USTAR_F_HARDLINK)
        fprintf(f, " hardlink");
    if ((e->mode & USTAR_IFMT) == USTAR_IFREG) {
        uint64_t h = 0;
        long long rc = hash_file(c, e, &h);
        if (rc)
            fprintf(f, " size=%llu err=%lld", (unsigned long long)e->size, -rc);
        else
            fprintf(f, " size=%llu fnv=%016llx", (unsigned long long)e->size,
                    (unsigned long long)h);
    } else if ((e->mode & USTAR_IFMT) == USTAR_IFLNK) {
        fputs(" -> ", f);
        print_quoted(f, e->link, e->link_len);
    } else if ((e->mode & USTAR_IFMT) == USTAR_IFCHR || (e->mode & USTAR_IFMT) == USTAR_IFBLK) {
        fprintf(f, " dev=%u,%u", e->rdev_major, e->rdev_minor);
    }
    fputc('\n', f);
    if ((e->mode & USTAR_IFMT) != USTAR_IFDIR)
        return;
    for (uint32_t ch = e->first_child; ch != USTAR_NONE; ch = ustar_ent(ix, ch)->next_sibling) {
        struct ustar_ent *ce = ustar_ent(ix, ch);
        if (!ce || ce->parent != i) {
            fprintf(stderr, "harness: child %u of %u has parent %u\n", ch, i,
                    ce ? ce->parent : 0);
            abort();
        }
        size_t n = plen;
        if (n + 1 + ce->name_len >= USTAR_PATH_MAX + 300) {
            fprintf(stderr, "harness: path too long in the index\n");
            abort();
        }
        if (n)
            path[n++] = '/';
        memcpy(path + n, ce->name, ce->name_len);
        /* lookups must find what readdir lists */
        if (ustar_lookup(ix, i, ce->name, ce->name_len) != ch ||
                ustar_lookup_path(ix, path, n + ce->name_len) != ch) {
            fprintf(stderr, "harness: lookup of a listed name failed\n");
            abort();
        }
        dump_tree(f, ix, c, ch, path, n + ce->name_len, visits);
    }
}

/* Indexes d; prints the listing (verbose) or a one-line summary to f. */
static int run_one(struct disk *d, FILE *f, int verbose)
{
    struct ustar_io io = {disk_read, disk_alloc, disk_free, d, d->size};
    struct ustar_index ix;
    char err[256];
    d->live = 0;
    int rc = ustar_index_build(&ix, &io, err, sizeof err);
    if (rc) {
        if (d->live) {
            fprintf(stderr, "harness: %zu bytes leaked by a failed build\n", d->live);
            abort();
        }
        if (!err[0] || strlen(err) >= sizeof err - 1) {
            fprintf(stderr, "harness: failure without a message\n");
            abort();
        }
        fprintf(f, "error: %s (%d)\n", err, rc);
        return 1;
    }
    struct ustar_cache c;
    ustar_cache_init(&c, &io);
    static char path[USTAR_PATH_MAX + 300];
    uint32_t visits = 0;
    if (verbose) {
        dump_tree(f, &ix, &c, 0, path, 0, &visits);
    } else {
        FILE *null = fopen("/dev/null", "w");
        dump_tree(null, &ix, &c, 0, path, 0, &visits);
        fclose(null);
        fprintf(f, "ok %u entries\n", ix.count);
    }
    ustar_cache_free(&c);
    ustar_index_free(&ix);
    if (d->live) {
        fprintf(stderr, "harness: %zu bytes leaked\n", d->live);
        abort();
    }
    return 0;
}

#ifdef USTAR_LIBFUZZER
/* clang -fsanitize=fuzzer,address entry (tests/fuzz.sh): the same checks as serve. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    struct disk d = {data, n, 0, SIZE_MAX, 0};
    run_one(&d, null, 0);
    uint64_t h = fnv64(1469598103934665603ULL, data, n < 64 ? n : 64);
    d.budget = 4096 + (size_t)(h % (1u << 20));
    run_one(&d, null, 0);
    return 0;
}
#else
static int serve(void)
{
    uint8_t lenb[4];
    while (fread(lenb, 1, 4, stdin) == 4) {
        uint32_t n = (uint32_t)lenb[0] | (uint32_t)lenb[1] << 8 | (uint32_t)lenb[2] << 16 |
                (uint32_t)lenb[3] << 24;
        uint8_t *data = malloc(n ? n : 1);
        if (!data || fread(data, 1, n, stdin) != n)
            return 2;
        struct disk d = {data, n, 0, SIZE_MAX, 0};
        run_one(&d, stdout, 0);
        /* again with a budget that makes some allocation fail part way */
        uint64_t h = fnv64(1469598103934665603ULL, data, n < 64 ? n : 64);
        d.budget = 4096 + (size_t)(h % (1u << 20));
        run_one(&d, stdout, 0);
        free(data);
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "serve") == 0)
        return serve();
    if (argc != 3 || strcmp(argv[1], "dump") != 0) {
        fprintf(stderr, "usage: ustar_harness dump DISK | serve\n");
        return 2;
    }
    FILE *in = fopen(argv[2], "rb");
    if (!in) {
        perror(argv[2]);
        return 2;
    }
    fseek(in, 0, SEEK_END);
    long sz = ftell(in);
    fseek(in, 0, SEEK_SET);
    uint8_t *data = malloc(sz > 0 ? (size_t)sz : 1);
    if (!data || fread(data, 1, (size_t)sz, in) != (size_t)sz)
        return 2;
    fclose(in);
    struct disk d = {data, (uint64_t)sz, 0, SIZE_MAX, 0};
    run_one(&d, stdout, 1);
    free(data);
    return 0;
}
#endif
