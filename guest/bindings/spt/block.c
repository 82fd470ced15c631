/* block.c: spt block devices: pread64/pwrite64 of exactly one aligned, in-range block. */
#include "spt.h"

solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
        const uint8_t *buf, size_t size)
{
    const struct mft_entry *e = block_request_entry(handle, offset, size);
    if (e == NULL)
        return SOLO5_R_EINVAL;
    long r = sys_call4(SYS_pwrite64, e->b.hostfd, buf, size, offset);
    return r == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
        uint8_t *buf, size_t size)
{
    const struct mft_entry *e = block_request_entry(handle, offset, size);
    if (e == NULL)
        return SOLO5_R_EINVAL;
    long r = sys_call4(SYS_pread64, e->b.hostfd, buf, size, offset);
    return r == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}
