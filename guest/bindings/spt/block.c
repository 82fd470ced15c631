/* block.c: spt block devices: pread64/pwrite64 of exactly one aligned, in-range block. */
#include "spt.h"

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
        struct solo5_block_info *info)
{
    unsigned index;
    const struct mft_entry *e = mft_get_by_name(name, MFT_DEV_BLOCK_BASIC, &index);
    if (e == NULL || handle == NULL || info == NULL)
        return SOLO5_R_EINVAL;
    *handle = index;
    info->capacity = e->u.block_basic.capacity;
    info->block_size = e->u.block_basic.block_size;
    log_printf(LOG_INFO, "Solo5: Application acquired '%s' as block device\n", name);
    return SOLO5_R_OK;
}

/* The seccomp filter only lets through exactly these requests, so check them here and
 * answer EINVAL instead of being killed. */
static const struct mft_entry *check(solo5_handle_t handle, solo5_off_t offset,
        size_t size)
{
    const struct mft_entry *e = mft_get_by_index(handle, MFT_DEV_BLOCK_BASIC);
    if (e == NULL)
        return NULL;
    uint64_t bs = e->u.block_basic.block_size;
    uint64_t cap = e->u.block_basic.capacity;
    if (bs == 0 || size != bs || offset % bs != 0 || cap < bs || offset > cap - bs)
        return NULL;
    return e;
}

solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
        const uint8_t *buf, size_t size)
{
    const struct mft_entry *e = check(handle, offset, size);
    if (e == NULL)
        return SOLO5_R_EINVAL;
    long r = sys_call4(SYS_pwrite64, e->b.hostfd, buf, size, offset);
    return r == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
        uint8_t *buf, size_t size)
{
    const struct mft_entry *e = check(handle, offset, size);
    if (e == NULL)
        return SOLO5_R_EINVAL;
    long r = sys_call4(SYS_pread64, e->b.hostfd, buf, size, offset);
    return r == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}
