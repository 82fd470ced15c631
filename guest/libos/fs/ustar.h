/* ustar.h: read-only index of a POSIX ustar disk, built at boot through caller callbacks. */
#ifndef USTAR_H_INCLUDED
#define USTAR_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

/*
 * The module is pure: it touches the disk only through io->read and memory only through
 * io->alloc/io->free, so the same file builds for the guest (solo5_block_read, kalloc)
 * and for the host fuzz harness (pread, malloc). The disk is hostile input: every field
 * is checked, every read stays inside [0, disk_size), and the scan advances at least one
 * sector per step, so it ends.
 */

#define USTAR_SECTOR 512u
#define USTAR_PATH_MAX 4096u /* bytes of a path incl. the NUL (Linux PATH_MAX) */
#define USTAR_NAME_MAX 255u  /* bytes of one component (Linux NAME_MAX) */
#define USTAR_NONE 0xffffffffu

struct ustar_io {
    /* Reads len bytes at off into buf; off and len are multiples of USTAR_SECTOR and
     * off + len <= disk_size. Returns 0 or a negative errno. */
    int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
    /* Returns n bytes of memory (any alignment >= 16) or NULL when out of memory. */
    void *(*alloc)(void *ctx, size_t n);
    void (*free)(void *ctx, void *p, size_t n);
    void *ctx;
    uint64_t disk_size; /* bytes; rounded down to a whole sector */
};

/* File types, as the S_IFMT bits of st_mode (Linux values). */
#define USTAR_IFMT 0170000u
#define USTAR_IFREG 0100000u
#define USTAR_IFDIR 0040000u
#define USTAR_IFLNK 0120000u
#define USTAR_IFCHR 0020000u
#define USTAR_IFBLK 0060000u
#define USTAR_IFIFO 0010000u

/* One name in the tree. Pointers stay valid for the index's life (entries live in
 * fixed chunks, never moved). */
struct ustar_ent {
    const char *name;      /* the last component (not NUL-terminated), "" for the root */
    const char *link;      /* symlink target (NUL-terminated) or NULL */
    uint64_t size;         /* bytes of data (regular files), of the target (symlinks) */
    uint64_t data_off;     /* disk byte offset of the data (regular files) */
    uint64_t ino;          /* inode number; hard links share their target's */
    int64_t mtime;         /* seconds since the epoch */
    uint32_t mode;         /* S_IFMT type bits | permission bits (07777) */
    uint32_t uid, gid;
    uint32_t nlink;
    uint32_t rdev_major, rdev_minor;
    uint32_t parent;       /* index of the containing directory (the root's is itself) */
    uint32_t first_child, last_child, next_sibling; /* directory order = archive order */
    uint32_t hash_next;
    uint32_t primary;      /* hard links: the entry the data came from; else itself */
    uint16_t name_len;
    uint16_t link_len;
    int16_t err;           /* 0, or a positive errno that opening this entry gives (EIO) */
    uint16_t flags;        /* USTAR_F_* */
};
#define USTAR_F_IMPLICIT 1u  /* a parent directory the archive never named */
#define USTAR_F_HARDLINK 2u

#define USTAR_CHUNK_ENTS 1024u

struct ustar_index {
    const struct ustar_io *io;
    struct ustar_ent **chunks; /* chunks[i] holds USTAR_CHUNK_ENTS entries */
    uint32_t nchunks, chunks_cap;
    uint32_t count;            /* entries; index 0 is the root directory */
    uint32_t *buckets;         /* hash of (parent, name) -> first entry, USTAR_NONE */
    uint32_t nbuckets;         /* a power of two */
    char *arena;               /* current name arena chunk */
    size_t arena_used, arena_size;
    void **arenas;             /* every arena chunk, for ustar_index_free */
    uint32_t narenas, arenas_cap;
    uint64_t data_bytes;       /* sum of regular file sizes (statfs) */
    uint64_t next_ino;
};

/* Builds the index of the disk io describes (io must outlive the index). Returns 0, or
 * a negative errno with a one-line reason in err (e.g. "entry at byte 5120: bad header
 * checksum"). On failure everything allocated is freed. */
int ustar_index_build(struct ustar_index *ix, const struct ustar_io *io, char *err,
        size_t errlen);
void ustar_index_free(struct ustar_index *ix);

static inline struct ustar_ent *ustar_ent(const struct ustar_index *ix, uint32_t i)
{
    if (i >= ix->count)
        return NULL;
    return &ix->chunks[i / USTAR_CHUNK_ENTS][i % USTAR_CHUNK_ENTS];
}

/* The child called name (len bytes, no '/') of directory dir, or USTAR_NONE. */
uint32_t ustar_lookup(const struct ustar_index *ix, uint32_t dir, const char *name,
        size_t len);
/* The entry for a relative path with '/' separators ("" is the root), following no
 * symlinks, or USTAR_NONE. "." components are skipped; ".." is not resolved (NONE). */
uint32_t ustar_lookup_path(const struct ustar_index *ix, const char *path, size_t len);

/* ---- block cache: file data reads through fixed-size, aligned chunks, LRU ---- */
#define USTAR_CACHE_CHUNK (64u * 1024)
#define USTAR_CACHE_SLOTS 32u /* 2 MiB */

struct ustar_cache {
    const struct ustar_io *io;
    struct {
        uint8_t *buf;         /* USTAR_CACHE_CHUNK bytes, allocated on first use */
        uint64_t off;         /* disk offset of the chunk (aligned) */
        uint64_t used;        /* LRU clock; 0 = slot empty */
        uint32_t len;         /* valid bytes (short at the end of the disk) */
    } slot[USTAR_CACHE_SLOTS];
    uint64_t clock;
    uint64_t hits, misses;
};

void ustar_cache_init(struct ustar_cache *c, const struct ustar_io *io);
void ustar_cache_free(struct ustar_cache *c);
/* Reads up to len bytes of e's data at pos into buf. Returns the bytes read (0 at or past
 * the end), or a negative errno (-EIO for a bad entry or a failed disk read, -EISDIR,
 * -EINVAL for a non-regular entry, -ENOMEM when no cache chunk can be had). */
long ustar_read(struct ustar_cache *c, const struct ustar_ent *e, uint64_t pos, void *buf,
        size_t len);

#endif
