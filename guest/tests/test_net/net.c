/* net.c: answers ARP and ICMP echo for the IPv4 address in its arguments ("IP [limit=N]"),
 * and exits with SUCCESS after answering N echo requests (never, without a limit). It
 * also echoes every UDP datagram to that address back to its sender, unchanged (the
 * network fault tests put their own sequence numbers and checks in the payload). */
#include "test.h"

#define ETH_HLEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ARP_LEN 28
#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP 17
#define UDP_HLEN 8
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8

static uint8_t buf[9216 + ETH_HLEN];
static uint8_t our_mac[6];
static uint8_t our_ip[4];

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* Internet checksum (RFC 1071) of n bytes. */
static uint16_t checksum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (; n > 1; n -= 2, p += 2)
        sum += get16(p);
    if (n)
        sum += (uint32_t)p[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Parses "a.b.c.d" at s into ip; returns the end of the address or NULL. */
static const char *parse_ip(const char *s, uint8_t ip[4])
{
    for (int i = 0; i < 4; i++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (digits == 0 || v > 255)
            return NULL;
        ip[i] = (uint8_t)v;
        if (i < 3 && *s++ != '.')
            return NULL;
    }
    return s;
}

/* Parses "IP [limit=N]"; returns the limit (0: none) or -1 on bad arguments. */
static long parse_args(const char *s)
{
    long limit = 0;
    s = parse_ip(s, our_ip);
    if (s == NULL)
        return -1;
    while (*s == ' ')
        s++;
    if (*s == '\0')
        return 0;
    if (strncmp(s, "limit=", 6) != 0)
        return -1;
    s += 6;
    if (*s < '0' || *s > '9')
        return -1;
    while (*s >= '0' && *s <= '9' && limit < 1000000000L)
        limit = limit * 10 + (*s++ - '0');
    return *s == '\0' || *s == ' ' ? limit : -1;
}

static void send(solo5_handle_t h, size_t len)
{
    if (solo5_net_write(h, buf, len) != SOLO5_R_OK)
        test_fail("solo5_net_write failed");
}

/* Turns an ARP request for our address into the reply; returns 1 if one was sent. */
static int handle_arp(solo5_handle_t h, size_t len)
{
    uint8_t *arp = buf + ETH_HLEN;
    if (len < ETH_HLEN + ARP_LEN || get16(arp) != 1 || get16(arp + 2) != ETHERTYPE_IPV4
            || arp[4] != 6 || arp[5] != 4 || get16(arp + 6) != 1
            || memcmp(arp + 24, our_ip, 4) != 0)
        return 0;
    memcpy(buf, arp + 8, 6);        /* to the sender */
    memcpy(buf + 6, our_mac, 6);
    put16(arp + 6, 2);              /* reply */
    memcpy(arp + 18, arp + 8, 10);  /* target = sender (MAC and IP) */
    memcpy(arp + 8, our_mac, 6);
    memcpy(arp + 14, our_ip, 4);
    send(h, ETH_HLEN + ARP_LEN);
    return 1;
}

/* Sends a UDP datagram (checked by the caller: header lengths) back where it came
 * from. Swapping the addresses and the ports leaves both the IP header checksum and the
 * UDP checksum (a one's complement sum over them) valid. */
static void echo_udp(solo5_handle_t h, uint8_t *ip, size_t ihl, size_t total)
{
    uint8_t *udp = ip + ihl;
    if (total - ihl < UDP_HLEN || get16(udp + 4) != total - ihl)
        return;
    uint8_t tmp[6];
    memcpy(buf, buf + 6, 6);        /* Ethernet: back to the sender */
    memcpy(buf + 6, our_mac, 6);
    memcpy(tmp, ip + 12, 4);        /* IP addresses */
    memcpy(ip + 12, ip + 16, 4);
    memcpy(ip + 16, tmp, 4);
    memcpy(tmp, udp, 2);            /* ports */
    memcpy(udp, udp + 2, 2);
    memcpy(udp + 2, tmp, 2);
    send(h, ETH_HLEN + total);
}

/* Turns an ICMP echo request to our address into the reply and echoes UDP; returns 1
 * if an echo reply was sent. */
static int handle_ipv4(solo5_handle_t h, size_t len)
{
    uint8_t *ip = buf + ETH_HLEN;
    if (len < ETH_HLEN + 20 || (ip[0] >> 4) != 4)
        return 0;
    size_t ihl = (size_t)(ip[0] & 0xf) * 4;
    size_t total = get16(ip + 2);
    if (ihl < 20 || total < ihl + 8 || ETH_HLEN + total > len
            || (ip[9] != IP_PROTO_ICMP && ip[9] != IP_PROTO_UDP)
            || memcmp(ip + 16, our_ip, 4) != 0
            || (get16(ip + 6) & 0x3fff) != 0 /* fragments */
            || checksum(ip, ihl) != 0)
        return 0;
    if (ip[9] == IP_PROTO_UDP) {
        echo_udp(h, ip, ihl, total);
        return 0;
    }
    uint8_t *icmp = ip + ihl;
    size_t icmp_len = total - ihl;
    if (icmp[0] != ICMP_ECHO_REQUEST || icmp[1] != 0 || checksum(icmp, icmp_len) != 0)
        return 0;

    uint8_t tmp[6];
    memcpy(buf, buf + 6, 6);        /* Ethernet: back to the sender */
    memcpy(buf + 6, our_mac, 6);
    memcpy(tmp, ip + 12, 4);        /* IP: swap addresses (header sum unchanged) */
    memcpy(ip + 12, ip + 16, 4);
    memcpy(ip + 16, tmp, 4);
    icmp[0] = ICMP_ECHO_REPLY;
    put16(icmp + 2, 0);
    put16(icmp + 2, checksum(icmp, icmp_len));
    send(h, ETH_HLEN + total);
    return 1;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    long limit = parse_args(si->cmdline);
    if (limit < 0)
        test_fail("usage: IPV4ADDR [limit=N]");

    solo5_handle_t h;
    struct solo5_net_info info;
    if (solo5_net_acquire("service", &h, &info) != SOLO5_R_OK)
        test_fail("solo5_net_acquire(service) failed");
    if (info.mtu + ETH_HLEN > sizeof buf)
        test_fail("MTU larger than the test's buffer");
    memcpy(our_mac, info.mac_address, 6);
    test_printf("Serving ping on %u.%u.%u.%u\n", our_ip[0], our_ip[1], our_ip[2],
            our_ip[3]);

    long answered = 0;
    for (;;) {
        solo5_handle_set_t ready = 0;
        solo5_yield(solo5_clock_monotonic() + 1000000000ULL, &ready);
        if (!(ready & (1ULL << h)))
            continue;
        for (;;) {
            size_t len = 0;
            solo5_result_t r = solo5_net_read(h, buf, sizeof buf, &len);
            if (r == SOLO5_R_AGAIN)
                break;
            if (r != SOLO5_R_OK)
                test_fail("solo5_net_read failed");
            if (len < ETH_HLEN)
                continue;
            uint16_t type = get16(buf + 12);
            if (type == ETHERTYPE_ARP) {
                handle_arp(h, len);
            } else if (type == ETHERTYPE_IPV4 && handle_ipv4(h, len)) {
                answered++;
                if (limit > 0 && answered >= limit) {
                    test_puts("SUCCESS\n");
                    return SOLO5_EXIT_SUCCESS;
                }
            }
        }
    }
}
