/* stat.c: struct kstat written out as the arch's struct stat (abi.h) or as struct statx. */
#include "libos.h"
#include "fd/file.h"
#include "mm/uaccess.h"

int kstat_to_user(const struct kstat *k, uint64_t ustat)
{
    struct k_stat s;
    memset(&s, 0, sizeof s);
    s.st_dev = k->dev;
    s.st_ino = k->ino;
    s.st_nlink = (__typeof__(s.st_nlink))k->nlink;
    s.st_mode = k->mode;
    s.st_uid = k->uid;
    s.st_gid = k->gid;
    s.st_rdev = k->rdev;
    s.st_size = k->size;
    s.st_blksize = (__typeof__(s.st_blksize))k->blksize;
    s.st_blocks = k->blocks;
    s.st_atime = k->atime_sec;
    s.st_atime_nsec = k->atime_nsec;
    s.st_mtime = k->mtime_sec;
    s.st_mtime_nsec = k->mtime_nsec;
    s.st_ctime = k->ctime_sec;
    s.st_ctime_nsec = k->ctime_nsec;
    return copy_to_user(ustat, &s, sizeof s);
}

int kstat_to_statx(const struct kstat *k, uint32_t mask, uint64_t ustatx)
{
    (void)mask; /* everything basic is always known */
    struct k_statx x;
    memset(&x, 0, sizeof x);
    x.stx_mask = STATX_BASIC_STATS;
    x.stx_blksize = (uint32_t)k->blksize;
    x.stx_nlink = (uint32_t)k->nlink;
    x.stx_uid = k->uid;
    x.stx_gid = k->gid;
    x.stx_mode = (uint16_t)k->mode;
    x.stx_ino = k->ino;
    x.stx_size = (uint64_t)k->size;
    x.stx_blocks = (uint64_t)k->blocks;
    x.stx_atime.tv_sec = k->atime_sec;
    x.stx_atime.tv_nsec = k->atime_nsec;
    x.stx_mtime.tv_sec = k->mtime_sec;
    x.stx_mtime.tv_nsec = k->mtime_nsec;
    x.stx_ctime.tv_sec = k->ctime_sec;
    x.stx_ctime.tv_nsec = k->ctime_nsec;
    x.stx_rdev_major = (uint32_t)(k->rdev >> 8) & 0xfff;
    x.stx_rdev_minor = (uint32_t)(k->rdev & 0xff);
    x.stx_dev_major = (uint32_t)(k->dev >> 8) & 0xfff;
    x.stx_dev_minor = (uint32_t)(k->dev & 0xff);
    return copy_to_user(ustatx, &x, sizeof x);
}
