/* bindings.h: internal interfaces between the common bindings and a target (spt, hvt). */
#ifndef BINDINGS_H_INCLUDED
#define BINDINGS_H_INCLUDED

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "solo5.h"
#include "mft_abi.h"

#define BINDINGS_VERSION "v0.12.1-nabla"

/* Heap plus stack the application gets at least (upstream's rule). */
#define MIN_FREE_MEMORY (512UL * 1024)

#define PAGE_SIZE 4096UL
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((a)-1))

/* ---- implemented by each target ---- */
/* Writes console output; best effort. */
void platform_puts(const char *buf, size_t n);
/* Ends the guest with status; never returns. */
void platform_exit(int status) __attribute__((noreturn));
/* Sets the thread pointer; 0 on success. */
int platform_set_tls_base(uintptr_t base);

/* ---- common: lib.c ---- */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* ---- common: printf.c (integer-only formatter: %c %s %.Ns %d %i %u %o %x %X %p, l/ll/z) ---- */
int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- common: log.c ---- */
enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };
void log_set_level(enum log_level level);
void log_printf(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- common: exit.c ---- */
/* Prints "Solo5: ABORT: <msg>" and exits with SOLO5_EXIT_ABORT. */
void bindings_panic(const char *msg) __attribute__((noreturn));

/* ---- common: cmdline.c ---- */
/* Applies leading --solo5:<level> options and returns the rest of the command line. */
const char *cmdline_parse(const char *cmdline);

/* ---- common: mft.c ---- */
/* Records the tender's manifest copy; aborts if it is malformed. */
void mft_init(const struct mft *mft);
/* The attached entry named name of the given type, or NULL; *index gets its handle. */
const struct mft_entry *mft_get_by_name(const char *name, enum mft_type type,
        unsigned *index);
/* The attached entry at index of the given type, or NULL. */
const struct mft_entry *mft_get_by_index(solo5_handle_t index, enum mft_type type);
/* Number of entries in the manifest (0 before mft_init). */
unsigned mft_entries(void);

/* ---- common: device.c ---- */
/* The block entry for a request of exactly one aligned, in-range block, or NULL (EINVAL). */
const struct mft_entry *block_request_entry(solo5_handle_t handle, solo5_off_t offset,
        size_t size);
/* The net entry for a write of at most mtu + header bytes, or NULL (EINVAL). */
const struct mft_entry *net_write_entry(solo5_handle_t handle, size_t size);
/* The net entry for a read into a buffer of at least mtu + header bytes, or NULL (EINVAL). */
const struct mft_entry *net_read_entry(solo5_handle_t handle, size_t size,
        const size_t *read_size);

/* ---- common: start.c ---- */
/* Parses the command line, prints the banner, checks memory and runs the application. */
void start_app(const char *cmdline, uint64_t mem_size, const char *target)
    __attribute__((noreturn));

/* Linker script symbols (solo5 image layout). */
extern char _stext[], _etext[], _erodata[], _sdata[], _edata[], _stdata[],
       _etdata[], _sbss[], _ebss[], _end[];

#endif /* BINDINGS_H_INCLUDED */
