/* hvt_abi.h: the hvt boot info and hypercall ABI (ABI version 2), data only. */
#ifndef HVT_ABI_H_INCLUDED
#define HVT_ABI_H_INCLUDED

#include <stdint.h>

#define HVT_ABI_VERSION 2

#define HVT_GUEST_MIN_BASE 0x100000UL
#define HVT_BOOT_INFO_BASE 0x10000UL   /* struct hvt_boot_info; mft copy then cmdline follow */
#define HVT_CMDLINE_SIZE 8192          /* including the NUL */
#define HVT_HALT_COOKIE_MAX 512

/* Hypercall transport: x86_64 outl of the argument's 32-bit guest physical address
 * to port HVT_HYPERCALL_PIO_BASE + nr; aarch64 a 32-bit store of it to
 * HVT_HYPERCALL_MMIO_BASE + (nr << 3). */
#define HVT_HYPERCALL_PIO_BASE 0x500
#define HVT_HYPERCALL_MMIO_BASE 0x100000000UL
#define HVT_HYPERCALL_ADDRESS(nr) (HVT_HYPERCALL_MMIO_BASE + ((uint64_t)(nr) << 3))
#define HVT_HYPERCALL_PIO_PORT(nr) (HVT_HYPERCALL_PIO_BASE + (nr))
/* Net ring kick (v0.11 extension). */
#define HVT_RING_KICK_PIO 0x600
#define HVT_RING_KICK_MMIO (HVT_HYPERCALL_MMIO_BASE + 0x100)

#define HVT_FEATURE_RING_IO (1U << 0)

enum hvt_hypercall {
    HVT_HYPERCALL_RESERVED = 0,
    HVT_HYPERCALL_WALLTIME = 1,
    HVT_HYPERCALL_PUTS = 2,
    HVT_HYPERCALL_POLL = 3,
    HVT_HYPERCALL_BLOCK_WRITE = 4,
    HVT_HYPERCALL_BLOCK_READ = 5,
    HVT_HYPERCALL_NET_WRITE = 6,
    HVT_HYPERCALL_NET_READ = 7,
    HVT_HYPERCALL_HALT = 8,
    HVT_HYPERCALL_MAX = 9,
};

/* Guest physical address inside a hypercall argument. */
typedef uint64_t hvt_gpa_t;

/* 56 bytes at HVT_BOOT_INFO_BASE. */
struct hvt_boot_info {
    uint64_t mem_size;       /* 0 */
    uint64_t kernel_end;     /* 8 */
    uint64_t cpu_cycle_freq; /* 16: TSC Hz (x86_64), CNTFRQ_EL0 (aarch64) */
    hvt_gpa_t cmdline;       /* 24 */
    hvt_gpa_t mft;           /* 32 */
    uint32_t host_features;  /* 40: HVT_FEATURE_* offered by the tender */
    uint32_t guest_features; /* 44 */
    hvt_gpa_t net_ring;      /* 48: 0 when the ring is not offered */
};

struct hvt_hc_walltime {
    uint64_t nsecs; /* OUT */
};

struct hvt_hc_puts {
    hvt_gpa_t data; /* IN */
    uint64_t len;   /* IN */
};

struct hvt_hc_poll {
    uint64_t timeout_nsecs; /* IN, relative */
    uint64_t ready_set;     /* OUT */
    int ret;                /* OUT: ready devices, the timer not counted */
};

struct hvt_hc_block_write {
    uint64_t handle; /* IN */
    uint64_t offset; /* IN */
    hvt_gpa_t data;  /* IN */
    uint64_t len;    /* IN */
    int ret;         /* OUT: solo5_result_t */
};

struct hvt_hc_block_read {
    uint64_t handle; /* IN */
    uint64_t offset; /* IN */
    hvt_gpa_t data;  /* IN */
    uint64_t len;    /* IN/OUT */
    int ret;         /* OUT */
};

struct hvt_hc_net_write {
    uint64_t handle; /* IN */
    hvt_gpa_t data;  /* IN */
    uint64_t len;    /* IN */
    int ret;         /* OUT */
};

struct hvt_hc_net_read {
    uint64_t handle; /* IN */
    hvt_gpa_t data;  /* IN */
    uint64_t len;    /* IN/OUT */
    int ret;         /* OUT */
};

struct hvt_hc_halt {
    hvt_gpa_t cookie; /* IN: up to HVT_HALT_COOKIE_MAX bytes, or 0 */
    int exit_status;  /* IN */
};

#endif /* HVT_ABI_H_INCLUDED */
