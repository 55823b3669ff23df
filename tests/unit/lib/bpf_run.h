/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Runs fluxtrace's real BPF programs on crafted frames through
 * BPF_PROG_TEST_RUN and exposes what they left behind: ring-buffer events,
 * flow map entries and the per-CPU counters. Failures of the harness itself
 * abort the running criterion test.
 */
#ifndef FT_TEST_BPF_RUN_H
#define FT_TEST_BPF_RUN_H

#include <linux/types.h>
#include "fluxtrace/events.h"
#include "lib/frames.h"

#define BT_MAX_EVENTS 64

union bt_event {
	__u8 type;
	struct ft_flow_event flow;
	struct ft_icmp_event icmp;
	struct ft_arp_event arp;
	struct ft_neigh_event neigh;
};

struct ft_scope;

struct bt_opts {
	__u64 arp_window_ns;	/* 0: the program's default */
	__u32 ringbuf_bytes;	/* 0: the harness default (256 KiB) */
	int hold_events;	/* leave records in the ring buffer until taken */
	const struct ft_scope *scope;	/* a compiled --filter; NULL: none */
};

/* Fresh skeleton with small maps; suites call these from .init/.fini. */
void bt_load(const struct bt_opts *opts);
void bt_setup(void);
void bt_teardown(void);

/* Empty every map, the counters and the event queue (between table rows). */
void bt_reset(void);

/* Run the program of hook on the frame as if received on / sent from
 * ifindex (0: loopback). Asserts the verdict is XDP_PASS / TC_ACT_UNSPEC,
 * then moves new ring-buffer records into the event queue. */
void bt_run(enum ft_hook hook, const struct frame *f, __u32 ifindex);
/* The same, returning -errno when BPF_PROG_TEST_RUN refuses the frame. */
int bt_try_run(enum ft_hook hook, const struct frame *f, __u32 ifindex);

/* Whether skb test runs can carry the frame: net/bpf/test_run.c refuses
 * IPv4/IPv6 EtherType frames shorter than the fixed IP header (EINVAL),
 * so such frames reach only ft_xdp here, though on a real link tc sees
 * them too. */
int bt_skb_can_carry(const struct frame *f);

/* Events not yet taken, oldest first. bt_take() returns NULL when empty. */
int bt_pending(void);
const union bt_event *bt_take(void);

__u64 bt_counter(enum ft_counter c);
/* Every counter, for "exactly this one moved" checks. */
void bt_counters(__u64 out[FT_CNT_MAX]);

int bt_flow_count(void);
/* 0 and *st filled when the key is in ft_flows, -1 when not. */
int bt_flow_get(const struct ft_flow_key *key, struct ft_flow_state *st);

/* A key as events.h defines it: the endpoint whose (address, port) sorts
 * lower as bytes on the wire is "a". */
void bt_key(struct ft_flow_key *key, int family, __u8 proto, const char *ip1, __u16 port1,
	    const char *ip2, __u16 port2);
/* Which side (FT_SIDE_*) a packet from ip1:port1 is on in that key. */
int bt_side_of(const struct ft_flow_key *key, int family, const char *ip1, __u16 port1);

/* The other-host filter as the loader sets it: ifindex's own MAC (filter
 * 0: a bridge or bond port, never filtered), and one more MAC of this
 * host's links (a macvlan or VLAN child, a master). bt_reset forgets both. */
void bt_set_own_mac(__u32 ifindex, const __u8 mac[6], int filter);
void bt_add_local_mac(const __u8 mac[6]);

/* An existing interface other than lo (test_run needs a real device), or 0. */
__u32 bt_other_ifindex(void);

const char *bt_hook_name(enum ft_hook hook);

#endif /* FT_TEST_BPF_RUN_H */
