/* net.c: spt network devices: read/write on the non-blocking tap fd. */
#include "spt.h"

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf, size_t size)
{
    const struct mft_entry *e = net_write_entry(handle, size);
    if (e == NULL)
        return SOLO5_R_EINVAL;
    long r = sys_call3(SYS_write, e->b.hostfd, buf, size);
    return r == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
        size_t *read_size)
{
    const struct mft_entry *e = net_read_entry(handle, size, read_size);
    if (e == NULL)
        return SOLO5_R_EINVAL;
    long r = sys_call3(SYS_read, e->b.hostfd, buf, size);
    if (r == -SYS_EAGAIN)
        return SOLO5_R_AGAIN;
    if (r < 0)
        return SOLO5_R_EUNSPEC;
    *read_size = (size_t)r;
    return SOLO5_R_OK;
}
