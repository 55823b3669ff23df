/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The reducer's own state, shared between its parts (reducer.c, flows.c,
 * neigh.c, findings.c) and nothing else: per-flow and per-IP entries in
 * bounded tables. Everything that leaves the reducer is in model/model.h.
 */
#ifndef FLUXTRACE_REDUCE_INTERNAL_H
#define FLUXTRACE_REDUCE_INTERNAL_H

#include <stdbool.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "model/model.h"
#include "reduce/allow.h"
#include "reduce/reducer.h"
#include "reduce/table.h"

/* Answers to one request within this are "the same instant". */
#define FT_INSTANT_NS 10000000ULL
/* One packet crossing stacked devices (port + bridge, slave + bond) shows
 * up on each within microseconds; two paths this close with the same L2
 * peer are one path. */
#define FT_STACK_NS 2000000ULL

#define FT_FLOW_PATHS 8		/* (side, in/out, interface, MAC) per flow */
#define FT_IP_MACS 6		/* MACs claiming one IP */
#define FT_CLAIM_IFACES 3	/* interfaces per claiming MAC */
#define FT_NEIGH_HISTORY 6	/* MACs remembered per neighbour entry */
#define FT_STREAM_PORTS_MAX 64
#define FT_PROXY_MIN_IPS 2	/* reply-only answers for this many IPs: proxy ARP */
/* A reply answers a request from its asker for that IP seen this close:
 * the kernel folds repeated requests for 1 s, so the request behind a
 * reply may have been reported up to 1 s before the one it answers. */
#define FT_SOLICIT_NS 2000000000ULL
#define FT_IP_ASKERS 4		/* recent askers remembered per requested IP */
/* Unicast answers to a query sent to a group (multicast, broadcast) come
 * within this after it (SSDP's M-SEARCH lets responders wait up to MX,
 * at most 5 s); the one_way grace time when that is longer. */
#define FT_GROUP_ANSWER_NS 5000000000ULL
#define FT_GROUP_QUERIES 4096	/* recent group queries remembered (LRU) */

/* A path of one flow side: where it entered or left, and the L2 peer. */
struct ft_path {
	__u64 first_ns;		/* first seen */
	__u32 ifindex;
	__u8 mac[6];
	__u8 side;		/* enum ft_side */
	__u8 out;		/* 1: egress hook, 0: ingress */
	__u8 tcp_flags;		/* TCP flags of its first packet */
};

struct ft_flow {
	struct ft_slot slot;
	struct ft_flow_key key;
	__u8 initiator;		/* enum ft_initiator */
	__u8 sure;		/* initiator decided by SYN or echo */
	__u8 n_paths;
	__u8 n_icmp;
	__u8 ended;		/* bit per side: FIN or RST */
	__u8 tcp_flags[2];
	__u8 n_drops;
	__u8 guessed;		/* initiator guessed from an ICMP error or a drop */
	__u8 l2_group;		/* a packet went to a multicast/broadcast MAC */
	__u8 answers;		/* bit per side: it answers a group query (UDP) */
	__u64 first_ns, last_ns;
	__u64 side_first[2], side_last[2];
	__u64 pkts[2];		/* per side: events, or the map's count when larger */
	__u64 pkts_in[2];	/* per side: received at an ingress hook (map count) */
	__u64 dropped[2];	/* per side: dropped by the stack (map count) */
	struct ft_path paths[FT_FLOW_PATHS];
	struct ft_icmp_note icmp[FT_FLOW_ICMP];
	struct ft_drop_note drops[FT_FLOW_DROPS];
};

/* A UDP query to a group address: who asked (addr:qport), to which port. */
struct ft_query_key {
	__u8 family;
	__u8 pad;
	__u16 qport;		/* the querier's port: where unicast answers go */
	__u16 gport;		/* the group's port: where they come from */
	__u16 pad2;
	__u8 addr[16];		/* the querier (unspecified: DHCP-like, any address) */
};

struct ft_group_query {
	struct ft_slot slot;
	struct ft_query_key key;
	__u64 last_ns;		/* the latest query */
};

/* ft_claimer.ops */
#define FT_CLAIM_REPLY 0x01	/* ARP reply, solicited NA */
#define FT_CLAIM_REQUEST 0x02	/* ARP request / NS: the sender uses the IP */
#define FT_CLAIM_GRAT 0x04	/* gratuitous ARP, unsolicited NA */
#define FT_CLAIM_UNSOL 0x08	/* ARP reply to an asker who had not asked for the IP */

/* One MAC claiming an IP on the wire. */
struct ft_claimer {
	__u8 mac[6];
	__u8 local;		/* sent by this host */
	__u8 ops;		/* FT_CLAIM_* */
	__u8 l2_mismatch;	/* Ethernet source differed from the claimed MAC */
	__u8 n_if;
	__u8 co;		/* answered one request together with another MAC */
	__u8 pad;
	__u32 ifindex[FT_CLAIM_IFACES];
	__u32 count;
	__u64 first_ns, last_ns;
};

struct ft_ip_key {
	__u8 family;
	__u8 pad[3];
	__u32 ifindex;		/* neighbour entries only; 0 for claims */
	__u8 ip[16];
};

struct ft_ipclaim {
	struct ft_slot slot;
	struct ft_ip_key key;
	__u8 n_macs;
	__u8 macs_dropped;
	__u8 last_mac[6];
	__u8 last_reply_mac[6];
	__u8 last_reply_dst[6];	/* who asked: the reply's Ethernet destination */
	__u32 co_answers;	/* one request answered by several MACs at once */
	__u32 changes;		/* claims from another MAC than the one before */
	__u64 last_reply_ns;
	struct ft_claimer macs[FT_IP_MACS];
	/* Who recently asked for this IP (ARP requests with it as target):
	 * tells answers from unsolicited replies. */
	struct {
		__u8 mac[6];
		__u64 ns;
	} askers[FT_IP_ASKERS];
};

/* Unanswered requests that make a neighbour unresolved without a FAILED
 * entry seen: the kernel's default for a first resolution (mcast_solicit,
 * ndisc_notify's MAX_MULTICAST_SOLICIT) is 3 before it gives up. */
#define FT_UNRES_MIN_REQUESTS 3

/* The current resolution episode of a neighbour: from the first request
 * after the last answer. An answer (reply, NA, the address using itself,
 * an entry with an address) ends it. */
struct ft_unres {
	__u32 requests;		/* this host's requests, folded repeats included */
	__u8 failed;		/* the entry went FAILED */
	__u8 active;		/* requests or drops since the last answer */
	__u8 n_flows;
	__u8 pad;
	__u32 flows_total;
	__u64 drops;
	__u64 first_ns, last_ns;
	struct ft_unres_flow flows[FT_UNRES_FLOWS];
};

struct ft_neighst {
	struct ft_slot slot;
	struct ft_ip_key key;
	__u8 cur[6];
	__u8 n_hist;
	__u8 hist_dropped;
	__u32 changes;		/* MAC replaced */
	__u32 flips;		/* replaced by a MAC it had before */
	__u64 first_ns, last_ns;
	__u64 changed_ns;	/* the latest MAC replacement */
	__u8 hist[FT_NEIGH_HISTORY][6];
	struct ft_unres unres;
};

struct ft_groups;

struct ft_reducer {
	struct ft_reduce_opts opts;
	struct ft_allowlist allow;
	__u16 stream_ports[FT_STREAM_PORTS_MAX];
	__u32 n_stream_ports;

	struct ft_iftable ifaces;

	struct ft_table flows, claims, neighs;
	struct ft_table queries;	/* struct ft_group_query */

	bool have_time;
	__u64 first_ns, now_ns;
	__u64 records, events, bad_records;
	__u64 flows_seen;
	__u64 paths_dropped, macs_dropped;
	bool have_counters;
	struct ft_counters_record counters;
	struct ft_groups *groups;	/* while findings are collected */
};

/* reducer.c */
bool ft_mac_is_zero(const __u8 *mac);
bool ft_mac_is_local(const struct ft_reducer *r, const __u8 *mac);
bool ft_mac_is_vrrp(const __u8 *mac);
bool ft_mac_is_nlb(const __u8 *mac);
__u64 ft_lost_events(const struct ft_reducer *r);

/* findings.c */
struct ft_finding *ft_findings_add(struct ft_findings *fs);
int ft_findings_collect(struct ft_reducer *r, struct ft_findings *fs, bool hints);
/* Called by collectors between entries: folds pending asymmetry findings
 * into their groups, which bounds the memory of a flood. */
int ft_findings_checkpoint(struct ft_reducer *r, struct ft_findings *fs);
void ft_findings_free(struct ft_findings *fs);

/* flows.c */
int ft_flows_init(struct ft_reducer *r);
int ft_flows_feed_flow(struct ft_reducer *r, const struct ft_flow_event *e);
int ft_flows_feed_icmp(struct ft_reducer *r, const struct ft_icmp_event *e);
int ft_flows_feed_stats(struct ft_reducer *r, const struct ft_flow_stats_record *s);
int ft_flows_feed_drop(struct ft_reducer *r, const struct ft_drop_event *e);
int ft_flows_collect(struct ft_reducer *r, struct ft_findings *fs);

/* neigh.c */
int ft_neigh_init(struct ft_reducer *r);
int ft_neigh_feed_arp(struct ft_reducer *r, const struct ft_arp_event *e);
int ft_neigh_feed_neigh(struct ft_reducer *r, const struct ft_neigh_event *e);
int ft_neigh_feed_drop(struct ft_reducer *r, const struct ft_neigh_drop_event *e);
int ft_neigh_collect(struct ft_reducer *r, struct ft_findings *fs);

#endif /* FLUXTRACE_REDUCE_INTERNAL_H */
