/* net.c: spt network devices: read/write on the non-blocking tap fd. */
#include "spt.h"

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
        struct solo5_net_info *info)
{
    unsigned index;
    const struct mft_entry *e = mft_get_by_name(name, MFT_DEV_NET_BASIC, &index);
    if (e == NULL || handle == NULL || info == NULL)
        return SOLO5_R_EINVAL;
    *handle = index;
    memcpy(info->mac_address, e->u.net_basic.mac, SOLO5_NET_ALEN);
    info->mtu = e->u.net_basic.mtu;
    log_printf(LOG_INFO, "Solo5: Application acquired '%s' as network device\n", name);
    return SOLO5_R_OK;
}

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf, size_t size)
{
    const struct mft_entry *e = mft_get_by_index(handle, MFT_DEV_NET_BASIC);
    if (e == NULL || size > (size_t)e->u.net_basic.mtu + SOLO5_NET_HLEN)
        return SOLO5_R_EINVAL;
    long r = sys_call3(SYS_write, e->b.hostfd, buf, size);
    return r == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
        size_t *read_size)
{
    const struct mft_entry *e = mft_get_by_index(handle, MFT_DEV_NET_BASIC);
    if (e == NULL || read_size == NULL
            || size < (size_t)e->u.net_basic.mtu + SOLO5_NET_HLEN)
        return SOLO5_R_EINVAL;
    long r = sys_call3(SYS_read, e->b.hostfd, buf, size);
    if (r == -SYS_EAGAIN)
        return SOLO5_R_AGAIN;
    if (r < 0)
        return SOLO5_R_EUNSPEC;
    *read_size = (size_t)r;
    return SOLO5_R_OK;
}
