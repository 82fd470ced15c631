/* test.h: helpers shared by the test unikernels (console output and the bindings' libc bits). */
#ifndef TEST_H_INCLUDED
#define TEST_H_INCLUDED

#include <stdarg.h>
#include "solo5.h"

/* Provided by the bindings (lib.c, printf.c). */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes s to the console. */
void test_puts(const char *s);
/* Formats (integers and strings only) to the console. */
void test_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "FAILURE: <why>" and exits with SOLO5_EXIT_FAILURE. */
void test_fail(const char *why) __attribute__((noreturn));

#endif
