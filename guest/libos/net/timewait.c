/* timewait.c: a new SYN for a connection the guest still holds in TIME_WAIT replaces it,
 * as Linux does when the SYN's sequence number is past the old connection's, where lwIP
 * alone would answer with a reset or an ACK: a client that reuses its port soon (curl
 * --local-port, load balancers, probes from one source) then fails to connect. */
#include "libos.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/ip_addr.h"

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_ACK 0x10

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Whether address a (a pcb's) is the 4 (IPv4) or 16 (IPv6) bytes at p. */
static int addr_is(const ip_addr_t *a, const uint8_t *p, int v6)
{
    if (!v6)
        return IP_IS_V4_VAL(*a) && ip4_addr_get_u32(ip_2_ip4(a)) == lwip_htonl(be32(p));
    if (!IP_IS_V6_VAL(*a))
        return 0;
    const ip6_addr_t *b = ip_2_ip6(a); /* zones aside: the frame came in on the one NIC */
    for (int i = 0; i < 4; i++) {
        if (b->addr[i] != lwip_htonl(be32(p + 4 * i)))
            return 0;
    }
    return 1;
}

void tcp_timewait_syn(const uint8_t *f, size_t len)
{
    if (!tcp_tw_pcbs || len < 14)
        return;
    const uint8_t *ip = f + 14, *src, *dst, *tcp;
    size_t iplen = len - 14;
    int v6;
    switch (be16(f + 12)) {
    case 0x0800: {
        size_t ihl = (size_t)(ip[0] & 15) * 4;
        if (iplen < 20 || ip[0] >> 4 != 4 || ihl < 20 || iplen < ihl + 20 || ip[9] != 6)
            return;
        if ((be16(ip + 6) & 0x3fff) != 0)
            return; /* a fragment: lwIP reassembles it; the rare SYN so sent keeps lwIP's way */
        src = ip + 12, dst = ip + 16, tcp = ip + ihl, v6 = 0;
        break;
    }
    case 0x86dd:
        if (iplen < 40 + 20 || ip[0] >> 4 != 6 || ip[6] != 6)
            return; /* extension headers: lwIP's way */
        src = ip + 8, dst = ip + 24, tcp = ip + 40, v6 = 1;
        break;
    default:
        return;
    }
    if ((tcp[13] & (TCPF_SYN | TCPF_ACK | TCPF_RST | TCPF_FIN)) != TCPF_SYN)
        return;
    uint16_t sport = be16(tcp), dport = be16(tcp + 2);
    uint32_t seq = be32(tcp + 4);
    for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next) {
        if (p->remote_port != sport || p->local_port != dport || !addr_is(&p->remote_ip, src, v6) ||
                !addr_is(&p->local_ip, dst, v6))
            continue;
        /* Past what the old connection received: a new one (RFC 6191's test, Linux's). The
         * abort frees the TIME_WAIT pcb without a reset; the SYN then finds the listener. */
        if (TCP_SEQ_GT(seq, p->rcv_nxt))
            tcp_abort(p);
        return;
    }
}
