/* sockaddr.c: the app's sockaddr_in and sockaddr_in6 to and from lwIP's ip_addr_t, as Linux
 * maps them: an AF_INET6 socket that is not IPV6_V6ONLY carries IPv4 as ::ffff:a.b.c.d. */
#include "libos.h"
#include "net/sock.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"

struct k_sockaddr_in6 {
    uint16_t sin6_family;
    uint16_t sin6_port;     /* network order */
    uint32_t sin6_flowinfo;
    uint8_t sin6_addr[16];
    uint32_t sin6_scope_id; /* the interface index: lo 1, the NIC 2 (lwIP's netif indexes) */
};
#define SIN6_LEN_RFC2133 24 /* Linux takes a sockaddr_in6 without sin6_scope_id */

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int sa_parse(const struct sock *s, const void *sa, uint32_t len, ip_addr_t *ip, uint16_t *port)
{
    uint16_t fam = 0;
    if (len >= 2)
        memcpy(&fam, sa, 2);
    if (s->family == AF_INET || (fam == AF_INET && s->type == SOCK_DGRAM)) {
        /* An AF_INET6 datagram socket also sends to and connects to an AF_INET address. */
        struct k_sockaddr_in in;
        if (len < sizeof in - sizeof in.sin_zero)
            return -EINVAL;
        memset(&in, 0, sizeof in);
        memcpy(&in, sa, len < sizeof in ? len : sizeof in);
        if (in.sin_family != AF_INET)
            return -EAFNOSUPPORT;
        if (s->family == AF_INET6 && s->v6only)
            return -ENETUNREACH;
        ip_addr_set_ip4_u32_val(*ip, in.sin_addr);
        *port = lwip_ntohs(in.sin_port);
        return 0;
    }
    struct k_sockaddr_in6 in6;
    if (len < SIN6_LEN_RFC2133)
        return -EINVAL;
    memset(&in6, 0, sizeof in6);
    memcpy(&in6, sa, len < sizeof in6 ? len : sizeof in6);
    if (in6.sin6_family != AF_INET6)
        return -EAFNOSUPPORT;
    *port = lwip_ntohs(in6.sin6_port);
    if (!memcmp(in6.sin6_addr, v4mapped_prefix, sizeof v4mapped_prefix)) {
        if (s->v6only)
            return -ENETUNREACH;
        uint32_t a;
        memcpy(&a, in6.sin6_addr + 12, 4);
        ip_addr_set_ip4_u32_val(*ip, a);
        return 0;
    }
    uint32_t w[4];
    memcpy(w, in6.sin6_addr, 16);
    if (!(w[0] | w[1] | w[2] | w[3]) && !s->v6only) {
        ip_addr_copy(*ip, *IP_ANY_TYPE); /* [::] of a dual-stack socket: IPv4 too */
        return 0;
    }
    IP_ADDR6(ip, w[0], w[1], w[2], w[3]);
    if (ip6_addr_islinklocal(ip_2_ip6(ip))) {
        if (in6.sin6_scope_id > 255)
            return -ENODEV;
        ip6_addr_set_zone(ip_2_ip6(ip), (u8_t)in6.sin6_scope_id);
    }
    return 0;
}

uint32_t sa_format(const struct sock *s, void *sa, uint32_t cap, const ip_addr_t *ip, uint16_t port)
{
    if (s->family == AF_INET) {
        struct k_sockaddr_in in;
        memset(&in, 0, sizeof in);
        in.sin_family = AF_INET;
        in.sin_port = lwip_htons(port);
        in.sin_addr = IP_IS_V4(ip) ? ip4_addr_get_u32(ip_2_ip4(ip)) : 0;
        memcpy(sa, &in, cap < sizeof in ? cap : sizeof in);
        return sizeof in;
    }
    struct k_sockaddr_in6 in6;
    memset(&in6, 0, sizeof in6);
    in6.sin6_family = AF_INET6;
    in6.sin6_port = lwip_htons(port);
    if (IP_IS_V4(ip)) {
        uint32_t a = ip4_addr_get_u32(ip_2_ip4(ip));
        memcpy(in6.sin6_addr, v4mapped_prefix, sizeof v4mapped_prefix);
        memcpy(in6.sin6_addr + 12, &a, 4);
    } else if (IP_IS_V6(ip)) {
        memcpy(in6.sin6_addr, ip_2_ip6(ip)->addr, 16);
        if (ip6_addr_islinklocal(ip_2_ip6(ip)))
            in6.sin6_scope_id = ip6_addr_zone(ip_2_ip6(ip));
    } /* else the dual-stack any address: [::] */
    memcpy(sa, &in6, cap < sizeof in6 ? cap : sizeof in6);
    return sizeof in6;
}

/* Connecting to the any address means this host (Linux): 127.0.0.1 or ::1. */
void sa_any_to_loopback(ip_addr_t *ip)
{
    if (IP_IS_V4(ip) && ip4_addr_isany(ip_2_ip4(ip)))
        ip_addr_set_ip4_u32_val(*ip, lwip_htonl(0x7f000001));
    else if (!IP_IS_V4(ip) && ip_addr_isany(ip))
        IP_ADDR6_HOST(ip, 0, 0, 0, 1);
}

/* An address the guest has: any, IPv4 loopback, or one of its interfaces'. */
int sa_local_ok(const ip_addr_t *ip)
{
    if (ip_addr_isany(ip))
        return 1;
    if (IP_IS_V4(ip) && (lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(ip))) >> 24) == 127)
        return 1;
    struct netif *n;
    NETIF_FOREACH(n) {
        if (IP_IS_V4(ip) && ip4_addr_cmp(netif_ip4_addr(n), ip_2_ip4(ip)))
            return 1;
        if (IP_IS_V6(ip) && netif_get_ip6_addr_match(n, ip_2_ip6(ip)) >= 0)
            return 1;
    }
    return 0;
}

const ip_addr_t *sock_any(const struct sock *s)
{
    if (s->family == AF_INET)
        return IP4_ADDR_ANY;
    return s->v6only ? IP6_ADDR_ANY : IP_ANY_TYPE;
}
