/* stack.c: lwIP's life in the libOS: started on first use, driven from the scheduler's idle
 * loop (loopback queues, received frames, timers), never by busy polling. */
#include "libos.h"
#include "net/net.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

static int started;

/* The NIC (netif.c): attaches it when the image declares one; polls its frames. */
int nic_start(solo5_handle_set_t *handles);
int nic_poll(void);

#define BUSY_POLL_NS 1000000ULL /* with threads running, the NIC is read at most this often */
static uint64_t last_nic;

int net_start(void)
{
    if (started)
        return 0;
    lwip_init(); /* also brings up lo: 127.0.0.1/8 and ::1 */
    started = 1;
    solo5_handle_set_t h = 0;
    nic_start(&h);
    sched_idle_handles = h;
    sched_idle_poll = net_poll;
    return 0;
}

uint64_t net_poll(int idle)
{
    /* The NIC: when solo5_yield said it is ready (idle), or now and then while threads run
     * (yield is not called then). A poll that stopped at its budget comes back soon. */
    int more = 0;
    if (sched_idle_handles) {
        uint64_t now = now_ns();
        if ((sched_idle_ready & sched_idle_handles) || (!idle && now - last_nic >= BUSY_POLL_NS)) {
            sched_idle_ready = 0;
            last_nic = now;
            more = nic_poll();
        }
    }
    /* What the guest sent itself: answers queue more (a SYN's SYN-ACK), so run until quiet. */
    int pending = 1;
    for (int i = 0; i < 64 && pending; i++) {
        netif_poll_all();
        pending = 0;
        struct netif *n;
        NETIF_FOREACH(n)
            pending |= n->loop_first != NULL;
    }
    sys_check_timeouts();
    if (pending || more) {
        sched_idle_ready |= more ? sched_idle_handles : 0;
        return now_ns();
    }
    uint32_t ms = sys_timeouts_sleeptime();
    if (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
        return NO_DEADLINE;
    return deadline_after(now_ns(), (uint64_t)ms * 1000000ULL);
}

/* At boot: an image that declares a NIC gets its stack up now (it answers ARP and ping
 * before the app opens a socket); others start lwIP on their first socket. */
void net_boot(void)
{
    for (unsigned i = 1; i < mft_entries(); i++) {
        if (mft_get_by_index(i, MFT_DEV_NET_BASIC)) {
            net_start();
            return;
        }
    }
}
