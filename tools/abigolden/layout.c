/* layout.c: prints the size and field offsets of every ABI struct, and the ABI constants,
 * as compiled from guest/include; abi/layout_unsafe_test.go compares the Go mirror. */
#include <stddef.h>
#include <stdio.h>

#include "elf_abi.h"
#include "hvt_abi.h"
#include "mft_abi.h"
#include "spt_abi.h"

#define SIZE(s) printf("%s %zu\n", #s, sizeof(struct s))
#define OFF(s, f) printf("%s.%s %zu\n", #s, #f, offsetof(struct s, f))
#define CONST(c) printf("%s %llu\n", #c, (unsigned long long)(c))

int main(void)
{
    SIZE(abi1_info);
    OFF(abi1_info, abi_target);
    OFF(abi1_info, abi_version);
    OFF(abi1_info, reserved0);
    OFF(abi1_info, reserved1);

    SIZE(mft);
    OFF(mft, version);
    OFF(mft, entries);
    OFF(mft, e);
    SIZE(mft_entry);
    OFF(mft_entry, name);
    OFF(mft_entry, type);
    OFF(mft_entry, u);
    OFF(mft_entry, u.block_basic.capacity);
    OFF(mft_entry, u.block_basic.block_size);
    OFF(mft_entry, u.net_basic.mac);
    OFF(mft_entry, u.net_basic.mtu);
    OFF(mft_entry, b);
    OFF(mft_entry, b.hostfd);
    OFF(mft_entry, attached);
    SIZE(mft_block_basic);
    SIZE(mft_net_basic);

    SIZE(spt_boot_info);
    OFF(spt_boot_info, mem_size);
    OFF(spt_boot_info, kernel_end);
    OFF(spt_boot_info, cmdline);
    OFF(spt_boot_info, mft);
    OFF(spt_boot_info, epollfd);
    OFF(spt_boot_info, timerfd);

    SIZE(hvt_boot_info);
    OFF(hvt_boot_info, mem_size);
    OFF(hvt_boot_info, kernel_end);
    OFF(hvt_boot_info, cpu_cycle_freq);
    OFF(hvt_boot_info, cmdline);
    OFF(hvt_boot_info, mft);
    OFF(hvt_boot_info, host_features);
    OFF(hvt_boot_info, guest_features);
    OFF(hvt_boot_info, net_ring);

    SIZE(hvt_hc_walltime);
    OFF(hvt_hc_walltime, nsecs);
    SIZE(hvt_hc_puts);
    OFF(hvt_hc_puts, data);
    OFF(hvt_hc_puts, len);
    SIZE(hvt_hc_poll);
    OFF(hvt_hc_poll, timeout_nsecs);
    OFF(hvt_hc_poll, ready_set);
    OFF(hvt_hc_poll, ret);
    SIZE(hvt_hc_block_write);
    OFF(hvt_hc_block_write, handle);
    OFF(hvt_hc_block_write, offset);
    OFF(hvt_hc_block_write, data);
    OFF(hvt_hc_block_write, len);
    OFF(hvt_hc_block_write, ret);
    SIZE(hvt_hc_block_read);
    OFF(hvt_hc_block_read, handle);
    OFF(hvt_hc_block_read, offset);
    OFF(hvt_hc_block_read, data);
    OFF(hvt_hc_block_read, len);
    OFF(hvt_hc_block_read, ret);
    SIZE(hvt_hc_net_write);
    OFF(hvt_hc_net_write, handle);
    OFF(hvt_hc_net_write, data);
    OFF(hvt_hc_net_write, len);
    OFF(hvt_hc_net_write, ret);
    SIZE(hvt_hc_net_read);
    OFF(hvt_hc_net_read, handle);
    OFF(hvt_hc_net_read, data);
    OFF(hvt_hc_net_read, len);
    OFF(hvt_hc_net_read, ret);
    SIZE(hvt_hc_halt);
    OFF(hvt_hc_halt, cookie);
    OFF(hvt_hc_halt, exit_status);

    CONST(ABI1_NOTE_TYPE);
    CONST(ABI1_NOTE_MAX_SIZE);
    CONST(ABI1_TARGET_HVT);
    CONST(ABI1_TARGET_SPT);
    CONST(ABI1_TARGET_VIRTIO);
    CONST(ABI1_TARGET_MUEN);
    CONST(ABI1_TARGET_GENODE);
    CONST(ABI1_TARGET_XEN);
    CONST(MFT_VERSION);
    CONST(MFT_MAX_ENTRIES);
    CONST(MFT_NAME_SIZE);
    CONST(MFT1_NOTE_TYPE);
    CONST(MFT1_NOTE_MAX_SIZE);
    CONST(MFT_DEV_BLOCK_BASIC);
    CONST(MFT_DEV_NET_BASIC);
    CONST(MFT_RESERVED_FIRST);
    CONST(SPT_ABI_VERSION);
    CONST(SPT_HOST_MEM_BASE);
    CONST(SPT_BOOT_INFO_BASE);
    CONST(SPT_GUEST_MIN_BASE);
    CONST(SPT_CMDLINE_SIZE);
    CONST(SPT_INTERNAL_TIMERFD);
    CONST(HVT_ABI_VERSION);
    CONST(HVT_GUEST_MIN_BASE);
    CONST(HVT_BOOT_INFO_BASE);
    CONST(HVT_CMDLINE_SIZE);
    CONST(HVT_HALT_COOKIE_MAX);
    CONST(HVT_HYPERCALL_PIO_BASE);
    CONST(HVT_HYPERCALL_MMIO_BASE);
    CONST(HVT_RING_KICK_PIO);
    CONST(HVT_RING_KICK_MMIO);
    CONST(HVT_FEATURE_RING_IO);
    CONST(HVT_HYPERCALL_WALLTIME);
    CONST(HVT_HYPERCALL_PUTS);
    CONST(HVT_HYPERCALL_POLL);
    CONST(HVT_HYPERCALL_BLOCK_WRITE);
    CONST(HVT_HYPERCALL_BLOCK_READ);
    CONST(HVT_HYPERCALL_NET_WRITE);
    CONST(HVT_HYPERCALL_NET_READ);
    CONST(HVT_HYPERCALL_HALT);
    CONST(HVT_HYPERCALL_MAX);
    return 0;
}
