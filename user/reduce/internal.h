/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared between the reducer's parts: the bounded tables, the per-flow and
 * per-IP state, and the findings handed to the renderers.
 */
#ifndef FLUXTRACE_REDUCE_INTERNAL_H
#define FLUXTRACE_REDUCE_INTERNAL_H

#include <stdbool.h>
#include <linux/types.h>
#include "reduce.h"
#include "format.h"

#define FT_NSEC 1000000000ULL
/* Answers to one request within this are "the same instant". */
#define FT_INSTANT_NS 10000000ULL
/* One packet crossing stacked devices (port + bridge, slave + bond) shows
 * up on each within microseconds; two paths this close with the same L2
 * peer are one path. */
#define FT_STACK_NS 2000000ULL

#define FT_MAX_IFACES 1024
#define FT_FLOW_PATHS 8		/* (side, in/out, interface, MAC) per flow */
#define FT_FLOW_ICMP 3		/* distinct ICMP errors kept per flow */
#define FT_FLOW_DROPS 4		/* distinct (reason, side, interface) drops per flow */
#define FT_IP_MACS 6		/* MACs claiming one IP */
#define FT_CLAIM_IFACES 3	/* interfaces per claiming MAC */
#define FT_NEIGH_HISTORY 6	/* MACs remembered per neighbour entry */
#define FT_LIST_MAX 8		/* interfaces or MACs in one finding field */
#define FT_MAX_FINDINGS_PER_KIND 1000
#define FT_ALLOW_MAX 64
#define FT_STREAM_PORTS_MAX 64
#define FT_PROXY_MIN_IPS 2	/* reply-only answers for this many IPs: proxy ARP */

/* A bounded hash table with LRU order; entries start with ft_slot, then
 * the key. Entries live in fixed chunks, so pointers stay valid. */
struct ft_slot {
	__u32 hnext;		/* index + 1 of the next entry in the bucket */
	__u32 prev, next;	/* LRU, index + 1; head = most recent */
	__u16 used;
	__u16 pinned;		/* judged not evictable; cleared when touched */
};

typedef bool (*ft_evictable_fn)(void *ctx, const void *entry);

struct ft_table {
	unsigned char **chunks;
	__u32 n_chunks;
	__u32 esize, ksize;	/* key at offset sizeof(struct ft_slot) */
	__u32 cap, n_alloc, n_used;
	__u32 *buckets;
	__u32 nbuckets;
	__u32 lru_head, lru_tail;
	__u32 n_pinned;		/* entries judged not evictable */
	__u64 evicted, dropped;
	ft_evictable_fn evictable;
	void *ctx;
};

int ft_table_init(struct ft_table *t, __u32 esize, __u32 ksize, __u32 cap, ft_evictable_fn fn,
		  void *ctx);
void ft_table_free(struct ft_table *t);
void *ft_table_find(struct ft_table *t, const void *key);
/* Finds or inserts (zeroed, key copied); NULL when full and nothing can
 * be evicted (counted in t->dropped). *fresh says which. */
void *ft_table_get(struct ft_table *t, const void *key, bool *fresh);
/* The i-th slot (i < t->n_alloc), NULL if unused. */
void *ft_table_at(const struct ft_table *t, __u32 i);

struct ft_iface {
	__u32 ifindex;
	__u32 hooks;
	__u8 mac[6];
	__u8 removed;
	char name[FT_IFNAMSIZ];
};

/* A path of one flow side: where it entered or left, and the L2 peer. */
struct ft_path {
	__u64 first_ns;		/* first seen */
	__u32 ifindex;
	__u8 mac[6];
	__u8 side;		/* enum ft_side */
	__u8 out;		/* 1: egress hook, 0: ingress */
};

struct ft_icmp_note {
	__u8 from[16];
	__u8 type, code, family, side;
};

/* A packet of the flow the stack dropped after a hook saw it. */
struct ft_drop_note {
	__u64 first_ns;
	__u32 ifindex;
	__u8 reason;		/* enum ft_drop_reason */
	__u8 side;		/* enum ft_side that sent the dropped packet */
	__u8 pad[2];
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
	__u64 first_ns, last_ns;
	__u64 side_first[2], side_last[2];
	__u64 pkts[2];		/* per side: events, or the map's count when larger */
	__u64 pkts_in[2];	/* per side: received at an ingress hook (map count) */
	__u64 dropped[2];	/* per side: dropped by the stack (map count) */
	struct ft_path paths[FT_FLOW_PATHS];
	struct ft_icmp_note icmp[FT_FLOW_ICMP];
	struct ft_drop_note drops[FT_FLOW_DROPS];
};

/* ft_claimer.ops */
#define FT_CLAIM_REPLY 0x01	/* ARP reply, solicited NA */
#define FT_CLAIM_REQUEST 0x02	/* ARP request / NS: the sender uses the IP */
#define FT_CLAIM_GRAT 0x04	/* gratuitous ARP, unsolicited NA */

/* One MAC claiming an IP on the wire. */
struct ft_claimer {
	__u8 mac[6];
	__u8 local;		/* sent by this host */
	__u8 ops;		/* FT_CLAIM_* */
	__u8 l2_mismatch;	/* Ethernet source differed from the claimed MAC */
	__u8 n_if;
	__u8 pad[2];
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
	__u8 hist[FT_NEIGH_HISTORY][6];
};

struct ft_allow {
	__u8 is_mac;
	__u8 family;
	__u8 plen;
	__u8 mac[6];
	__u8 ip[16];
};

struct ft_reducer {
	struct ft_reduce_opts opts;
	struct ft_allow allow[FT_ALLOW_MAX];
	__u32 n_allow;
	__u16 stream_ports[FT_STREAM_PORTS_MAX];
	__u32 n_stream_ports;

	struct ft_iface ifaces[FT_MAX_IFACES];
	__u32 n_ifaces;
	__u64 ifaces_dropped;

	struct ft_table flows, claims, neighs;

	bool have_time;
	__u64 first_ns, now_ns;
	__u64 records, events, bad_records;
	__u64 flows_seen;
	__u64 paths_dropped, macs_dropped;
	bool have_counters;
	struct ft_counters_record counters;
};

/* ft_finding.cls: why a finding is listed but not alarmed on. */
enum ft_class {
	FT_CLASS_NONE,
	FT_CLASS_VRRP,
	FT_CLASS_PROXY_ARP,
	FT_CLASS_NLB,
	FT_CLASS_ALLOWED,
};

enum ft_oneway_reason {
	FT_OW_NONE,
	FT_OW_SYN,		/* TCP SYN never answered */
	FT_OW_MIDSTREAM,	/* TCP seen mid-stream in one direction */
	FT_OW_ECHO,		/* ICMP echo never answered */
	FT_OW_UDP,		/* UDP request without response */
	FT_OW_REPLY_ONLY,	/* only the answering direction seen */
	/* The stack dropped that direction and it never got through. */
	FT_OW_REQUEST_DROPPED_RPF,
	FT_OW_REQUEST_DROPPED_NF,
	FT_OW_REPLY_DROPPED_RPF,
	FT_OW_REPLY_DROPPED_NF,
};

/* For a one_way reason: the drop reason behind it (0: none), and whether
 * the request (true) or the reply direction was dropped. */
static inline __u8 ft_oneway_drop_reason(unsigned int reason, bool *request)
{
	*request = reason == FT_OW_REQUEST_DROPPED_RPF || reason == FT_OW_REQUEST_DROPPED_NF;
	switch (reason) {
	case FT_OW_REQUEST_DROPPED_RPF:
	case FT_OW_REPLY_DROPPED_RPF:
		return FT_DROP_RPFILTER;
	case FT_OW_REQUEST_DROPPED_NF:
	case FT_OW_REPLY_DROPPED_NF:
		return FT_DROP_NETFILTER;
	}
	return 0;
}

enum ft_dup_verdict {
	FT_DUP_SEVERAL_OWNERS,
	FT_DUP_ONE_HOST,
};

struct ft_iflist {
	__u32 n;
	__u32 ifindex[FT_LIST_MAX];
};

struct ft_maclist {
	__u32 n;
	__u8 mac[FT_LIST_MAX][6];
};

struct ft_finding {
	__u8 kind;		/* enum ft_finding_kind */
	__u8 cls;		/* enum ft_class */
	__u8 reason;		/* one_way: ft_oneway_reason; duplicate_ip: ft_dup_verdict */
	__u8 family;		/* enum ft_family */
	__u8 proto;
	__u8 client_side;
	__u8 n_icmp;
	__u8 mac_evidence;	/* duplicate_ip: FT_EVID_* */
	__u64 first_ns, last_ns;
	__u64 weight;		/* orders findings of a kind: most first */
	/* asymmetry */
	const struct ft_flow *flow;
	__u8 client_ip[16], server_ip[16];
	__u16 client_port, server_port;
	struct ft_iflist req_in, req_out, rep_in, rep_out;
	struct ft_maclist req_src, req_dst, rep_src, rep_dst;
	__u64 pkts_req, pkts_rep;
	struct ft_icmp_note icmp[FT_FLOW_ICMP];
	__u8 n_drops;
	struct ft_drop_note drops[FT_FLOW_DROPS];
	__u8 multi_dir;		/* multipath: bit 0 request, bit 1 reply */
	/* arp_flux */
	__u8 ip[16];
	struct ft_maclist macs;
	struct ft_iflist ifaces;
	__u32 changes;
	__u32 co_answers;
};

/* ft_finding.mac_evidence */
#define FT_EVID_SAME_OUI 0x01
#define FT_EVID_LOCAL_ADMIN 0x02
#define FT_EVID_SHARED_IPS 0x04
#define FT_EVID_GRAT_SEVERAL 0x08
#define FT_EVID_LOCAL_AND_REMOTE 0x10

struct ft_findings {
	struct ft_finding *v;
	size_t n, cap;
	__u32 per_kind[FT_KIND_MAX];	/* alarmed, before truncation */
	__u32 classified;
	__u64 truncated;
	__u32 over[FT_KIND_MAX][2];	/* trimmed away: [kind][classified] */
};

/* reduce.c */
const struct ft_iface *ft_iface_get(const struct ft_reducer *r, __u32 ifindex);
/* Interface name, or "if<N>" for one the tracer never listed. */
const char *ft_iface_name(const struct ft_reducer *r, __u32 ifindex, char *buf, size_t len);
bool ft_mac_is_local(const struct ft_reducer *r, const __u8 *mac);
bool ft_allowed_ip(const struct ft_reducer *r, __u8 family, const __u8 *ip);
bool ft_allowed_mac(const struct ft_reducer *r, const __u8 *mac);
struct ft_finding *ft_findings_add(struct ft_findings *fs);
int ft_findings_collect(struct ft_reducer *r, struct ft_findings *fs);
/* Called by collectors between entries: bounds the memory of a flood. */
void ft_findings_checkpoint(struct ft_findings *fs);
void ft_findings_free(struct ft_findings *fs);
__u64 ft_lost_events(const struct ft_reducer *r);
void ft_iflist_add(struct ft_iflist *l, __u32 ifindex);
void ft_maclist_add(struct ft_maclist *l, const __u8 *mac);
bool ft_mac_is_zero(const __u8 *mac);
bool ft_mac_is_vrrp(const __u8 *mac);
bool ft_mac_is_nlb(const __u8 *mac);
/* The hint of one finding: one sentence, host facts when ctx allows. */
void ft_finding_hint(const struct ft_reducer *r, const struct ft_finding *f,
		     const struct ft_report_ctx *ctx, char *buf, size_t len);

/* Append a printf to buf at *off, never past len. */
#define FT_APPEND(buf, len, off, ...)                                                \
	do {                                                                        \
		int n_ = snprintf((buf) + (off), (off) < (len) ? (len) - (off) : 0, \
				  __VA_ARGS__);                                     \
		if (n_ > 0)                                                         \
			(off) += (size_t)n_;                                        \
	} while (0)

/* "eth0,eth1" / "aa:..,bb:.." / "-" when empty. */
const char *ft_iflist_str(const struct ft_reducer *r, const struct ft_iflist *l, char *buf,
			  size_t len);
const char *ft_maclist_str(const struct ft_maclist *l, char *buf, size_t len);
/* Effective sysctls (FT_SC_* of hostfacts.h) of the interfaces, read
 * from this host. */
const char *ft_sysctl_str(const struct ft_reducer *r, const struct ft_iflist *l, unsigned int which,
			  char *buf, size_t len);
/* The notice for hints without host facts. */
#define FT_NO_FACTS "host facts unavailable: the trace was not recorded live on this host"
const char *ft_class_name(unsigned int cls);
const char *ft_oneway_reason_name(unsigned int reason);
/* "rp_filter", "netfilter" (JSON drops[].reason). */
const char *ft_drop_reason_name(unsigned int reason);

/* reduce_flows.c */
int ft_flows_init(struct ft_reducer *r);
int ft_flows_feed_flow(struct ft_reducer *r, const struct ft_flow_event *e);
int ft_flows_feed_icmp(struct ft_reducer *r, const struct ft_icmp_event *e);
int ft_flows_feed_stats(struct ft_reducer *r, const struct ft_flow_stats_record *s);
int ft_flows_feed_drop(struct ft_reducer *r, const struct ft_drop_event *e);
int ft_flows_collect(struct ft_reducer *r, struct ft_findings *fs);
/* Did the request (or the reply) direction of a flow whose client is side c
 * reach its socket at least once, as far as the other side's answers tell? */
bool ft_flow_got_through(const struct ft_flow *f, __u8 c, bool request);

/* reduce_flows_hint.c */
void ft_flows_hint(const struct ft_reducer *r, const struct ft_finding *f,
		   const struct ft_report_ctx *ctx, char *buf, size_t len);

/* reduce_neigh.c */
int ft_neigh_init(struct ft_reducer *r);
int ft_neigh_feed_arp(struct ft_reducer *r, const struct ft_arp_event *e);
int ft_neigh_feed_neigh(struct ft_reducer *r, const struct ft_neigh_event *e);
int ft_neigh_collect(struct ft_reducer *r, struct ft_findings *fs);
void ft_neigh_hint(const struct ft_reducer *r, const struct ft_finding *f,
		   const struct ft_report_ctx *ctx, char *buf, size_t len);

#endif /* FLUXTRACE_REDUCE_INTERNAL_H */
