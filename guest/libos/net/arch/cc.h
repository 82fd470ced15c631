/* cc.h: lwIP's compiler and platform definitions for the freestanding libOS build. */
#ifndef NET_ARCH_CC_H
#define NET_ARCH_CC_H
#include <stddef.h>
#include <stdint.h>

/* No <inttypes.h> or <ctype.h> in a freestanding build: the formats lwIP prints with. */
#define LWIP_NO_INTTYPES_H 1
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "lu"
#define LWIP_NO_CTYPE_H 1

#define BYTE_ORDER LITTLE_ENDIAN /* x86_64 and aarch64 as the libOS runs them */
#define LWIP_ERR_T int

void net_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void net_lwip_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
#define LWIP_PLATFORM_DIAG(x) do { net_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) net_lwip_assert((x), __FILE__, __LINE__)

/* lwIP's random numbers (TCP initial sequence numbers, ports) from the libOS's generator. */
uint32_t net_rand32(void);
#define LWIP_RAND() net_rand32()
#endif
