/* solo5.h: the public guest API (names and semantics of upstream Solo5, ABI version 2). */
#ifndef SOLO5_H_INCLUDED
#define SOLO5_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Results of API calls. Applications should treat anything but OK/AGAIN as fatal. */
typedef enum {
    SOLO5_R_OK = 0,      /* the call succeeded */
    SOLO5_R_AGAIN = 1,   /* nothing to do now (net read with no packet pending) */
    SOLO5_R_EINVAL = 2,  /* bad argument: unknown handle, misaligned or out of range */
    SOLO5_R_EUNSPEC = 3, /* any other failure */
} solo5_result_t;

/* What the bindings hand the application at start. */
struct solo5_start_info {
    const char *cmdline;  /* command line with leading --solo5: options removed */
    uintptr_t heap_start; /* first free page after the image */
    size_t heap_size;     /* bytes from heap_start to the top of memory (stack included) */
};

/* The application's entry point; returning from it is solo5_exit(return value). */
int solo5_app_main(const struct solo5_start_info *info);

#define SOLO5_EXIT_SUCCESS 0
#define SOLO5_EXIT_FAILURE 1
#define SOLO5_EXIT_ABORT 255

/* Ends the unikernel with status & 0xff (statuses >= 255 are reserved). */
void solo5_exit(int status) __attribute__((noreturn));
/* Ends the unikernel abnormally, status SOLO5_EXIT_ABORT. */
void solo5_abort(void) __attribute__((noreturn));

/* Thread-local storage (local-exec model). */
solo5_result_t solo5_set_tls_base(uintptr_t base);
size_t solo5_tls_size(void);
uintptr_t solo5_tls_tp_offset(uintptr_t tls);
solo5_result_t solo5_tls_init(uintptr_t tls);

/* Time, in nanoseconds. */
typedef uint64_t solo5_time_t;
solo5_time_t solo5_clock_monotonic(void);
solo5_time_t solo5_clock_wall(void);

/* A handle is a device's index in the manifest; a set is a bitmask of handles. */
typedef uint64_t solo5_handle_t;
typedef uint64_t solo5_handle_set_t;

/* Blocks until the monotonic deadline passes or a network device has input;
 * ready_set (may be NULL) receives the handles with input. */
void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set);

/* Best-effort console output. */
void solo5_console_write(const char *buf, size_t size);

#define SOLO5_NET_ALEN 6  /* Ethernet address length */
#define SOLO5_NET_HLEN 14 /* Ethernet header length */

struct solo5_net_info {
    uint8_t mac_address[SOLO5_NET_ALEN];
    size_t mtu; /* excluding the Ethernet header */
};

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
        struct solo5_net_info *info);
solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf,
        size_t size);
solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
        size_t *read_size);

typedef uint64_t solo5_off_t;

struct solo5_block_info {
    solo5_off_t capacity;   /* bytes */
    solo5_off_t block_size; /* bytes; every I/O is exactly one block */
};

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
        struct solo5_block_info *info);
solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
        const uint8_t *buf, size_t size);
solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
        uint8_t *buf, size_t size);

#endif /* SOLO5_H_INCLUDED */
