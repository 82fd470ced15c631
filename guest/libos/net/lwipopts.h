/* lwipopts.h: lwIP configured for the libOS: no OS layer (NO_SYS), raw API only, memory
 * from the libOS heap, IPv4 and IPv6 over one Ethernet netif plus loopback. */
#ifndef NET_LWIPOPTS_H
#define NET_LWIPOPTS_H

#include <stddef.h>
#define NO_SYS 1                 /* one host thread; the scheduler drives lwIP */
#define SYS_LIGHTWEIGHT_PROT 0   /* lwIP runs only inside traps and the idle loop */
#define LWIP_SOCKET 0            /* our own socket layer (net/socket.c) over the raw API */
#define LWIP_NETCONN 0
#define LWIP_TIMERS 1

/* Memory: every pool and the heap are kalloc (charged to --mem; NULL is ERR_MEM). */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
void *net_lwip_malloc(size_t n);
void *net_lwip_calloc(size_t n, size_t size);
void net_lwip_free(void *p);
#define mem_clib_malloc net_lwip_malloc
#define mem_clib_calloc net_lwip_calloc
#define mem_clib_free net_lwip_free
#define MEMP_NUM_TCP_PCB 4096
#define MEMP_NUM_TCP_PCB_LISTEN 256
#define MEMP_NUM_UDP_PCB 256
#define MEMP_NUM_TCP_SEG 65535
#define MEMP_NUM_PBUF 4096
#define PBUF_POOL_SIZE 4096
#define PBUF_POOL_BUFSIZE 1536

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
/* Packets sent before the peer's MAC is known wait for the ARP reply (lwIP's default
 * keeps only the last one: a resolver's parallel A and AAAA queries lost one and waited
 * out a 5 s timeout). Linux queues up to 101; 16 per address covers a burst. */
#define ARP_QUEUEING 1
#define ARP_QUEUE_LEN 16
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0               /* names are the app's resolver's job, over UDP/TCP */
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_AUTOCONFIG 0
#define LWIP_IPV6_MLD 0
#define LWIP_IPV6_FRAG 1
#define IPV6_FRAG_COPYHEADER 1     /* 64-bit pointers do not fit the reassembly header */
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_IPV6_NUM_ADDRESSES 3

/* Loopback: 127.0.0.1 and ::1 (lo) and the guest's own address; polled by the idle loop. */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_SINGLE_NETIF 0

/* TCP sized for a server: 256 KiB windows (window scaling). TCP_MSS is the largest
 * segment lwIP uses or advertises; each connection takes the smaller of it and its netif's
 * MTU less the headers, so a 1500-byte tap still gets 1460 and a 9000-byte (jumbo) tap
 * 8960: every frame is one host system call, and the frame size sets the throughput. */
#define TCP_MSS 8960
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 3
#define TCP_WND (256 * 1024)
#define TCP_SND_BUF (256 * 1024)
#define TCP_SND_QUEUELEN 1024
#define TCP_SNDLOWAT 28672         /* writable again below this much queued (u16 in lwIP, 4 MSS below its top) */
#define TCP_SNDQUEUELOWAT (TCP_SND_QUEUELEN / 2)
#define TCP_QUEUE_OOSEQ 1
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff
#define LWIP_TCP_KEEPALIVE 1
/* lwIP's TCP timers tick at this interval (the retransmission timer at twice it), and its
 * RTT estimator bottoms out at 3 slow ticks: at the default 250 ms the smallest RTO is
 * 1.5 s where Linux's is 200 ms, and a lossy link crawls. 50 ms gives 300 ms; the timer
 * only runs while connections exist (an idle listener still has no wake-ups). */
#define TCP_TMR_INTERVAL 50
#define TCP_OVERSIZE 1460         /* bytes allocated ahead per segment for small writes */
#define SO_REUSE 1
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_CALLBACK_API 1

#define LWIP_CHKSUM_ALGORITHM 3
#define LWIP_STATS 0
#define LWIP_NETIF_TX_SINGLE_PBUF 1  /* one contiguous frame per solo5_net_write */
#define ETH_PAD_SIZE 0
#endif
