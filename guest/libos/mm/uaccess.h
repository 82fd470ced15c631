/* uaccess.h: the one checked path for app pointers: copy-in and copy-out (a bad pointer is
 * -EFAULT, never a libOS fault). */
#ifndef MM_UACCESS_H
#define MM_UACCESS_H
#include <stddef.h>
#include <stdint.h>

/* [p, p+len) is app memory the libOS may read (user_ok) or write (user_writable). */
int user_ok(uint64_t p, uint64_t len);
int user_writable(uint64_t p, uint64_t len);
int user_rw(uint64_t p, uint64_t len); /* mm.c: not code pages (read-execute in the host) */
/* 0, or -EFAULT (nothing copied). */
int copy_from_user(void *dst, uint64_t src, size_t n);
int copy_to_user(uint64_t dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most size-1 bytes: its length, -EFAULT, or
 * -ENAMETOOLONG when no NUL comes within size bytes. */
long strncpy_from_user(char *dst, uint64_t src, size_t size);
/* Records the app's read-only and executable segments (not writable by copy_to_user). */
void uaccess_init_app(void);
#endif
