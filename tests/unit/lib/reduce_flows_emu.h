/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Synthetic traffic for the asymmetry reducer's tests. Packets go through a
 * small model of the kernel's flow map (first packet: FLOW_NEW; a new
 * (side, hook, interface, MAC): FLOW_PATH; first FIN/RST: FLOW_END; map
 * counters as FLOW_STATS), so every test reads as the traffic it shows.
 */
#ifndef FLUXTRACE_TEST_REDUCE_FLOWS_EMU_H
#define FLUXTRACE_TEST_REDUCE_FLOWS_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <stdio.h>
#include "common/format.h"
#include "explain/explain.h"
#include "reduce/internal.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define T0 (100 * SEC)

enum { ETH0 = 2, ETH1 = 3, ETH2 = 4, BR0 = 5 };

#define MAC_R1 "02:00:00:00:01:01" /* router / load balancer */
#define MAC_R2 "02:00:00:00:01:02" /* another router */
#define MAC_C "02:00:00:00:0c:0c"  /* the client on the LAN */
#define MAC_VRRP "00:00:5e:00:01:07"

#define SYNACK (FT_TCP_SYN | FT_TCP_ACK)
#define IN FT_HOOK_XDP
#define OUT FT_HOOK_TC_EGRESS

struct pkt {
	__u64 ts;
	__u8 hook;
	__u32 ifindex;
	const char *src, *dst;
	__u16 sport, dport;
	__u8 proto;
	__u8 tcp;	 /* TCP flags */
	__u8 icmp;	 /* ICMP type for echo flows */
	const char *mac; /* the L2 peer: source at ingress, destination at egress */
	const char *l2dst; /* ingress: the frame's destination MAC (NULL: ours) */
};

/* The reducer under test, and the findings of the last find_kind(). */
extern struct ft_reducer *R;
extern struct ft_findings FS;

/* A reducer with eth0, eth1, eth2 and br0 listed (o NULL: defaults). */
void emu_setup_opts(const struct ft_reduce_opts *o);
void emu_setup(void);
void emu_teardown(void);

void emu_feed(const void *rec, size_t len);
/* The kernel's canonical key of a packet; returns its side. */
__u8 emu_canon(const struct pkt *p, struct ft_flow_key *k);
void send_pkt(const struct pkt *p);
void tcp(__u64 ts, __u8 hook, __u32 ifindex, const char *src, __u16 sport, const char *dst,
	 __u16 dport, __u8 flags, const char *mac);
/* UDP packets leaving eth0, 10 ms apart. */
void udp(__u64 ts, const char *src, __u16 sport, const char *dst, __u16 dport, int n);
/* An echo request from 10.0.0.2 out eth0, and its reply if answered. */
void ping(const char *dst, bool answered);
/* An ICMP error quoting a UDP packet (TCP when the port is 80). */
void icmp_error(__u64 ts, const char *src, __u16 sport, const char *dst, __u16 dport, __u8 type,
		__u8 code, const char *from);
/* The stack dropped a packet src -> dst of protocol proto on ifindex
 * (counted in the flow's map entry, as the kernel does). */
void drop(__u64 ts, __u8 reason, __u32 ifindex, __u8 proto, const char *src, __u16 sport,
	  const char *dst, __u16 dport);

/* Only the "now" marker, no map read. */
void mark(__u64 ts);
/* The consumer's batch read of the flow map, then the "now" marker. */
void now(__u64 ts);

/* The first finding of a kind, NULL if none. */
const struct ft_finding *find_kind(unsigned int kind);
/* The first finding of a kind, which must exist. */
const struct ft_finding *found(unsigned int kind);
__u32 n_alarms(void);
const char *ifname(const struct ft_iflist *l, int i);

/* The standard flow: client 10.0.1.5:43210 -> server 10.0.0.2:80. */
void req(__u64 ts, __u8 hook, __u32 ifindex, __u8 flags, const char *mac);
void rep(__u64 ts, __u8 hook, __u32 ifindex, __u8 flags, const char *mac);
void handshake(__u32 in_if, __u32 out_if, const char *in_mac, const char *out_mac);

#endif /* FLUXTRACE_TEST_REDUCE_FLOWS_EMU_H */
