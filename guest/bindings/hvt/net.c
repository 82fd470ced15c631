/* net.c: hvt network devices through NET_READ/NET_WRITE (the ring is not used). */
#include "hvt.h"

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf, size_t size)
{
    if (net_write_entry(handle, size) == NULL)
        return SOLO5_R_EINVAL;
    struct hvt_hc_net_write w = { .handle = handle, .data = (hvt_gpa_t)(uintptr_t)buf,
                                  .len = size };
    hvt_hypercall(HVT_HYPERCALL_NET_WRITE, &w);
    return (solo5_result_t)w.ret;
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
        size_t *read_size)
{
    if (net_read_entry(handle, size, read_size) == NULL)
        return SOLO5_R_EINVAL;
    struct hvt_hc_net_read r = { .handle = handle, .data = (hvt_gpa_t)(uintptr_t)buf,
                                 .len = size };
    hvt_hypercall(HVT_HYPERCALL_NET_READ, &r);
    if (r.ret == SOLO5_R_OK)
        *read_size = r.len;
    return (solo5_result_t)r.ret;
}
