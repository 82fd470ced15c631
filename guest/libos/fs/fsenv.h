/* fsenv.h: what the file system needs from the rest of the libOS (memory, time, identity, errno), so it also builds on the host for tests. */
#ifndef FSENV_H_INCLUDED
#define FSENV_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

/* Implemented by fs/env_libos.c in the guest (kalloc, charged to --mem) and by the host
 * test harness (malloc with a budget). */
void *fs_alloc(size_t n);            /* zeroed; NULL when --mem is used up */
void fs_free(void *p, size_t n);
void fs_now(int64_t *sec, int64_t *nsec);
/* The caller's identity for permission checks. */
uint32_t fs_uid(void);
uint32_t fs_gid(void);
int fs_in_group(uint32_t gid);
uint32_t fs_umask(void);
uint32_t fs_set_umask(uint32_t m); /* returns the old mask */
struct node;
struct node **fs_cwd_slot(void);  /* the calling process's cwd */

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Linux errno values (identical redefinitions of the libOS's are harmless). */
#define FS_EPERM 1
#define FS_ENOENT 2
#define FS_EIO 5
#define FS_EBADF 9
#define FS_ENOMEM 12
#define FS_EACCES 13
#define FS_EFAULT 14
#define FS_EBUSY 16
#define FS_EEXIST 17
#define FS_EXDEV 18
#define FS_ENOTDIR 20
#define FS_EISDIR 21
#define FS_EINVAL 22
#define FS_EFBIG 27
#define FS_ENOSPC 28
#define FS_ESPIPE 29
#define FS_EROFS 30
#define FS_EMLINK 31
#define FS_ERANGE 34
#define FS_ENAMETOOLONG 36
#define FS_ENOTEMPTY 39
#define FS_ELOOP 40
#define FS_ENOTSUP 95

/* st_mode bits */
#define FS_IFMT 0170000u
#define FS_IFSOCK 0140000u
#define FS_IFLNK 0120000u
#define FS_IFREG 0100000u
#define FS_IFBLK 0060000u
#define FS_IFDIR 0040000u
#define FS_IFCHR 0020000u
#define FS_IFIFO 0010000u
#define FS_ISDIR(m) (((m) & FS_IFMT) == FS_IFDIR)
#define FS_ISREG(m) (((m) & FS_IFMT) == FS_IFREG)
#define FS_ISLNK(m) (((m) & FS_IFMT) == FS_IFLNK)

#endif
