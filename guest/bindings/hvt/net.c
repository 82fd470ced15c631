/* net.c: hvt network devices through NET_READ/NET_WRITE (the ring is not used). */
#include "hvt.h"

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
    struct hvt_hc_net_write w = { .handle = handle, .data = (hvt_gpa_t)(uintptr_t)buf,
                                  .len = size };
    hvt_hypercall(HVT_HYPERCALL_NET_WRITE, &w);
    return (solo5_result_t)w.ret;
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
        size_t *read_size)
{
    const struct mft_entry *e = mft_get_by_index(handle, MFT_DEV_NET_BASIC);
    if (e == NULL || read_size == NULL
            || size < (size_t)e->u.net_basic.mtu + SOLO5_NET_HLEN)
        return SOLO5_R_EINVAL;
    struct hvt_hc_net_read r = { .handle = handle, .data = (hvt_gpa_t)(uintptr_t)buf,
                                 .len = size };
    hvt_hypercall(HVT_HYPERCALL_NET_READ, &r);
    if (r.ret == SOLO5_R_OK)
        *read_size = r.len;
    return (solo5_result_t)r.ret;
}
