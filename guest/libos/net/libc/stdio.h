/* stdio.h: lwIP's diagnostics go through LWIP_PLATFORM_DIAG (arch/cc.h), not stdio. */
#ifndef NET_LIBC_STDIO_H
#define NET_LIBC_STDIO_H
#endif
