/* netif.c: the Solo5 net device (the first NET_BASIC of the manifest) as lwIP's Ethernet
 * netif, configured from the "net" key; frames are read when solo5_yield reports it ready. */
#include "libos.h"
#include "lwip/netif.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/ip4_addr.h"
#include "netif/ethernet.h"

#define FRAME_MAX 9018  /* the largest MTU Solo5 reports plus the Ethernet header */
#define READ_BUDGET 256 /* frames per poll: the rest on the next (other work runs between) */

/* timewait.c: a SYN that reopens a connection held in TIME_WAIT frees it first. */
void tcp_timewait_syn(const uint8_t *frame, size_t len);

static struct netif nic;
static solo5_handle_t nic_h;
static struct solo5_net_info nic_info;
static int nic_up;
static uint8_t rxbuf[FRAME_MAX], txbuf[FRAME_MAX];

static err_t nic_linkoutput(struct netif *n, struct pbuf *p)
{
    (void)n;
    if (p->tot_len > sizeof txbuf)
        return ERR_BUF;
    const uint8_t *buf = p->payload;
    if (p->next) {
        pbuf_copy_partial(p, txbuf, p->tot_len, 0);
        buf = txbuf;
    }
    /* A full host queue drops the frame, as a NIC does: TCP retransmits. */
    solo5_net_write(nic_h, buf, p->tot_len);
    return ERR_OK;
}

static err_t nic_init(struct netif *n)
{
    n->name[0] = 'e';
    n->name[1] = 'n';
    n->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(n->hwaddr, nic_info.mac_address, ETH_HWADDR_LEN);
    n->mtu = (u16_t)(nic_info.mtu > FRAME_MAX - 18 ? FRAME_MAX - 18 : nic_info.mtu);
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    n->output = etharp_output;
    n->output_ip6 = ethip6_output;
    n->linkoutput = nic_linkoutput;
    return ERR_OK;
}

/* A mask as a prefix length ("24") or dotted ("255.255.255.0"): 0, or -1. */
static int parse_mask(const char *s, ip4_addr_t *m)
{
    int dots = 0;
    for (const char *p = s; *p; p++)
        dots += *p == '.';
    if (dots)
        return ip4addr_aton(s, m) ? 0 : -1;
    int v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (*s - '0')) > 32)
            return -1;
    }
    ip4_addr_set_u32(m, v ? lwip_htonl(0xffffffffu << (32 - v)) : 0);
    return 0;
}

int nic_start(solo5_handle_set_t *handles)
{
    const char *name = NULL;
    for (unsigned i = 1; i < mft_entries(); i++) {
        const struct mft_entry *e = mft_get_by_index(i, MFT_DEV_NET_BASIC);
        if (e) {
            name = e->name;
            break;
        }
    }
    if (!name)
        return -1; /* no NIC: loopback only */
    if (solo5_net_acquire(name, &nic_h, &nic_info) != SOLO5_R_OK) {
        LOG("libos: net: cannot acquire %s\n", name);
        return -1;
    }
    ip4_addr_t a, m, g;
    ip4_addr_set_zero(&a);
    ip4_addr_set_zero(&m);
    ip4_addr_set_zero(&g);
    const struct libos_config *c = &libos_cfg;
    if (c->net_addr && !ip4addr_aton(c->net_addr, &a))
        LOG("libos: net: bad address \"%s\": the NIC has none\n", c->net_addr);
    if (c->net_mask && parse_mask(c->net_mask, &m) != 0)
        LOG("libos: net: bad mask \"%s\"\n", c->net_mask);
    if (c->net_gw && !ip4addr_aton(c->net_gw, &g))
        LOG("libos: net: bad gateway \"%s\"\n", c->net_gw);
    if (!netif_add(&nic, &a, &m, &g, NULL, nic_init, ethernet_input)) {
        LOG("libos: net: netif_add failed\n");
        return -1;
    }
    netif_create_ip6_linklocal_address(&nic, 1);
    netif_set_default(&nic);
    netif_set_link_up(&nic);
    netif_set_up(&nic);
    nic_up = 1;
    *handles = 1ULL << nic_h;
    return 0;
}

/* Reads what the device has (up to the budget) into lwIP. 1 if frames may be left. */
int nic_poll(void)
{
    if (!nic_up)
        return 0;
    for (int i = 0; i < READ_BUDGET; i++) {
        size_t len = 0;
        if (solo5_net_read(nic_h, rxbuf, sizeof rxbuf, &len) != SOLO5_R_OK)
            return 0;
        if (len == 0 || len > sizeof rxbuf)
            continue;
        tcp_timewait_syn(rxbuf, len);
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
        if (!p)
            return 1; /* out of memory: the frame is dropped, as a NIC would */
        pbuf_take(p, rxbuf, (u16_t)len);
        if (nic.input(p, &nic) != ERR_OK)
            pbuf_free(p);
    }
    return 1;
}
