/* device.c: acquiring block and net devices, and the API's request rules, for every target. */
#include "bindings.h"

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

/* The API moves exactly one aligned block inside the device. The spt filter lets only
 * such requests through and the hvt tender checks only the range, so the rule is kept
 * here: a request outside it is EINVAL, never a kill. */
const struct mft_entry *block_request_entry(solo5_handle_t handle, solo5_off_t offset,
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

const struct mft_entry *net_write_entry(solo5_handle_t handle, size_t size)
{
    const struct mft_entry *e = mft_get_by_index(handle, MFT_DEV_NET_BASIC);
    if (e == NULL || size > (size_t)e->u.net_basic.mtu + SOLO5_NET_HLEN)
        return NULL;
    return e;
}

const struct mft_entry *net_read_entry(solo5_handle_t handle, size_t size,
        const size_t *read_size)
{
    const struct mft_entry *e = mft_get_by_index(handle, MFT_DEV_NET_BASIC);
    if (e == NULL || read_size == NULL || size < (size_t)e->u.net_basic.mtu + SOLO5_NET_HLEN)
        return NULL;
    return e;
}
