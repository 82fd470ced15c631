/* stdlib.h: lwIP includes it for malloc, which lwipopts.h maps to the libOS heap. */
#ifndef NET_LIBC_STDLIB_H
#define NET_LIBC_STDLIB_H
#include <stddef.h>
int atoi(const char *s); /* netif_find's "en0" parsing; net/lwip_port.c */
#endif
