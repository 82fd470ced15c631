/* frames_fuzz.c: a libFuzzer harness that feeds hostile Ethernet frames through the libOS's
 * own NIC code (net/netif.c) into lwIP built with the libOS's options, with a TCP listener
 * and a UDP socket open, so that every frame a tap can carry reaches the guest's parsers.
 *
 * An input is a sequence of records: u8 flags, u16 length (little endian), then that many
 * bytes of frame. flags bit 0: the TCP acknowledgement number is taken relative to the last
 * initial sequence number the guest sent (so the fuzzer can complete handshakes and carry
 * data without guessing it); bits 1-7: milliseconds the clock advances before the frame
 * (lwIP timers, retransmissions, reassembly timeouts run). Checksum checks are compiled off
 * here (see the Makefile) so that mutated frames get past them to the deeper code.
 *
 * Built on the host (clang -fsanitize=fuzzer,address,undefined) by `make -C guest/libos
 * fuzz-net`; run over the committed corpus by tests/libos/netfuzz_test.go. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libos.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/timeouts.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/etharp.h"
#include "lwip/nd6.h"

int nic_start(solo5_handle_set_t *handles);
int nic_poll(void);

/* ---- what netif.c and lwip_port.c take from the rest of the libOS and from Solo5 ---- */
struct libos_config libos_cfg;
static uint64_t clock_ns = 1000000000ULL;
static const uint8_t *frame;       /* the frame solo5_net_read hands out next, if any */
static size_t frame_len;
static uint32_t guest_isn;          /* from the last SYN-ACK the guest sent */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;
static const struct mft_entry nic_entry = { .name = "service", .type = MFT_DEV_NET_BASIC };

solo5_time_t solo5_clock_monotonic(void) { return clock_ns; }
unsigned mft_entries(void) { return 2; }
const struct mft_entry *mft_get_by_index(solo5_handle_t i, enum mft_type t)
{
    return i == 1 && t == MFT_DEV_NET_BASIC ? &nic_entry : NULL;
}

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *h, struct solo5_net_info *info)
{
    (void)name;
    static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 2 };
    memcpy(info->mac_address, mac, 6);
    info->mtu = 1500;
    *h = 1;
    return SOLO5_R_OK;
}

solo5_result_t solo5_net_read(solo5_handle_t h, uint8_t *buf, size_t size, size_t *len)
{
    (void)h;
    if (!frame)
        return SOLO5_R_AGAIN;
    size_t n = frame_len < size ? frame_len : size;
    memcpy(buf, frame, n);
    *len = n;
    frame = NULL;
    return SOLO5_R_OK;
}

/* What the guest sends: checked for sanity, and its SYN-ACKs' sequence numbers kept. */
solo5_result_t solo5_net_write(solo5_handle_t h, const uint8_t *buf, size_t len)
{
    (void)h;
    if (len < 14 || len > 1514)
        abort(); /* the guest must never emit a runt or an oversized frame */
    if (len >= 14 + 20 + 20 && buf[12] == 0x08 && buf[13] == 0x00 && buf[14 + 9] == 6) {
        const uint8_t *tcp = buf + 14 + (buf[14] & 15) * 4;
        if (tcp + 20 <= buf + len && (tcp[13] & 0x12) == 0x12)
            guest_isn = (uint32_t)tcp[4] << 24 | tcp[5] << 16 | tcp[6] << 8 | tcp[7];
    }
    return SOLO5_R_OK;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
    (void)level;
    (void)fmt; /* quiet: the fuzzer runs millions of frames */
}
int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return vsnprintf(buf, size, fmt, ap);
}
void rnd_fill(void *buf, size_t n)
{
    uint8_t *b = buf;
    for (size_t i = 0; i < n; i++) {
        rnd_state ^= rnd_state << 13, rnd_state ^= rnd_state >> 7, rnd_state ^= rnd_state << 17;
        b[i] = (uint8_t)rnd_state;
    }
}
/* A failed lwIP assertion ends the guest (exit 134): for the fuzzer that is a crash. */
void libos_exit(int status)
{
    fprintf(stderr, "frames_fuzz: the guest would have exited with %d\n", status);
    abort();
}
void *kalloc(size_t n) { return malloc(n); }
void *kcalloc(size_t n, size_t size) { return calloc(n, size); }
void kfree(void *p) { free(p); }

/* ---- the guest's side: an echoing TCP server on :80 and a UDP socket on :53 ---- */
static err_t srv_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (!p) {
        tcp_close(pcb);
        return ERR_OK;
    }
    uint8_t buf[512];
    u16_t n = pbuf_copy_partial(p, buf, sizeof buf, 0);
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    if (n && tcp_sndbuf(pcb) >= n)
        tcp_write(pcb, buf, n, TCP_WRITE_FLAG_COPY);
    return ERR_OK;
}

static err_t srv_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    tcp_recv(pcb, srv_recv);
    return ERR_OK;
}

static void udp_echo(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *a, u16_t port)
{
    (void)arg;
    udp_sendto(pcb, p, a, port);
    pbuf_free(p);
}

static struct tcp_pcb *listener;

static void setup(void)
{
    static char addr[] = "10.0.0.2", mask[] = "24", gw[] = "10.0.0.1";
    libos_cfg.net_addr = addr;
    libos_cfg.net_mask = mask;
    libos_cfg.net_gw = gw;
    lwip_init();
    solo5_handle_set_t h;
    if (nic_start(&h) != 0)
        abort();
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, 80) != ERR_OK || !(listener = tcp_listen(pcb)))
        abort();
    tcp_accept(listener, srv_accept);
    struct udp_pcb *u = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (!u || udp_bind(u, IP_ANY_TYPE, 53) != ERR_OK)
        abort();
    udp_recv(u, udp_echo, NULL);
}

/* Between inputs: every connection aborted, so one input's state does not leak into the next. */
static void reset_connections(void)
{
    while (tcp_active_pcbs)
        tcp_abort(tcp_active_pcbs);
    while (tcp_tw_pcbs)
        tcp_abort(tcp_tw_pcbs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    uint8_t buf[1600];
    while (size >= 3) {
        uint8_t flags = data[0];
        size_t len = data[1] | (size_t)data[2] << 8;
        data += 3, size -= 3;
        if (len > size)
            len = size;
        if (len > sizeof buf)
            len = sizeof buf;
        memcpy(buf, data, len);
        data += len, size -= len;
        clock_ns += (uint64_t)(flags >> 1) * 1000000ULL;
        sys_check_timeouts();
        if ((flags & 1) && len >= 14 + 20 + 20 && buf[12] == 0x08 && buf[13] == 0x00) {
            uint8_t *tcp = buf + 14 + (buf[14] & 15) * 4;
            if (tcp + 20 <= buf + len) {
                uint32_t ack = (uint32_t)tcp[8] << 24 | tcp[9] << 16 | tcp[10] << 8 | tcp[11];
                ack += guest_isn;
                tcp[8] = ack >> 24, tcp[9] = ack >> 16, tcp[10] = ack >> 8, tcp[11] = ack;
            }
        }
        frame = buf;
        frame_len = len;
        nic_poll();
        netif_poll_all(); /* what the guest sent itself */
    }
    /* Let this input's timers run out (ARP and neighbour queues, reassembly, TIME_WAIT) in
     * steps: lwIP runs a late cyclic timer once, not once per missed period. */
    for (int i = 0; i < 150; i++) {
        clock_ns += 200ULL * 1000000ULL;
        sys_check_timeouts();
    }
    reset_connections();
    etharp_cleanup_netif(netif_default);
    nd6_cleanup_netif(netif_default);
    return 0;
}
