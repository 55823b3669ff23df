/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The event ABI shared by the BPF programs, the loader, the trace file and
 * the reducers. Includes nothing: the BPF side gets __u8..__u64 from
 * vmlinux.h, user space from <linux/types.h> included before this file.
 *
 * Every record starts with a one-byte type tag and has a fixed size per
 * type (ft_record_size()); all padding is explicit so the layout is the
 * same for clang -target bpf and for gcc on x86_64. Records of types
 * below FT_REC_USER_FIRST come from the kernel; the others are written by
 * user space into the same stream (interface table changes, counter
 * snapshots), so a recorded trace carries everything the reducers need.
 */
#ifndef FLUXTRACE_EVENTS_H
#define FLUXTRACE_EVENTS_H

#define FT_ABI_VERSION 2
/* The oldest record ABI a reader still accepts: version 2 only added
 * FT_REC_NEIGH_DROP and ft_neigh_event.flags (a zero pad byte in 1), so a
 * version 1 trace reads as a version 2 one. */
#define FT_ABI_OLDEST 1

/* Record type tags. */
enum ft_rec_type {
	FT_REC_FLOW_NEW = 1,	/* first packet of a flow */
	FT_REC_FLOW_PATH = 2,	/* a (side, hook, interface, MAC) not seen before */
	FT_REC_FLOW_END = 3,	/* first FIN or RST of a side (also when that
				 * packet was reported as NEW or PATH) */
	FT_REC_ICMP_ERROR = 4,	/* ICMP error quoting a tracked flow */
	FT_REC_ARP = 5,		/* ARP or NDP packet on the wire */
	FT_REC_NEIGH = 6,	/* neighbour table entry changed */
	FT_REC_DROP = 7,	/* the kernel dropped a tracked flow's packet */
	FT_REC_NEIGH_DROP = 8,	/* the kernel dropped a packet waiting for a
				 * neighbour (ARP/NDP) that did not resolve */
	FT_REC_USER_FIRST = 64,
	FT_REC_IFACE = 64,	/* interface table entry (user space) */
	FT_REC_FLOW_STATS = 65,	/* flow counters read from the map (user space) */
	FT_REC_COUNTERS = 66,	/* tracer loss/health counters (user space) */
};

/* Where a packet was seen. Ingress hooks see the L2 peer as the source
 * MAC, the egress hook as the destination MAC. */
enum ft_hook {
	FT_HOOK_XDP = 1,
	FT_HOOK_TC_INGRESS = 2,
	FT_HOOK_TC_EGRESS = 3,
	FT_HOOK_NEIGH = 4,
};

#define FT_HOOK_IS_INGRESS(h) ((h) == FT_HOOK_XDP || (h) == FT_HOOK_TC_INGRESS)

enum ft_family {
	FT_FAMILY_IPV4 = 4,
	FT_FAMILY_IPV6 = 6,
};

/*
 * Canonical flow key: the endpoint that sorts lower (address, then port)
 * is "a", the other "b", so both directions of a flow share one key.
 * IPv4 addresses occupy the first 4 bytes of the 16, the rest is zero.
 * ICMP echo uses the echo identifier as both ports.
 */
struct ft_flow_key {
	__u8 addr_a[16];
	__u8 addr_b[16];
	__u16 port_a;		/* host byte order */
	__u16 port_b;
	__u8 proto;		/* IPPROTO_* */
	__u8 family;		/* enum ft_family */
	__u8 pad[2];
};

/* Which endpoint of the key sent a packet: side A is addr_a -> addr_b. */
enum ft_side {
	FT_SIDE_A = 0,
	FT_SIDE_B = 1,
};

/* Who started the flow. */
enum ft_initiator {
	FT_INIT_A = 0,
	FT_INIT_B = 1,
};

/* ft_flow_event.flags */
#define FT_FLOW_INIT_SURE 0x01	/* initiator decided by SYN or echo request */
#define FT_FLOW_L2_GROUP 0x02	/* a packet went to a multicast/broadcast MAC
				 * (checked on a flow's first packet and on
				 * each new path; sticky) */

/* TCP flags as on the wire (byte 13 of the header). */
#define FT_TCP_FIN 0x01
#define FT_TCP_SYN 0x02
#define FT_TCP_RST 0x04
#define FT_TCP_ACK 0x10

/* FT_REC_FLOW_NEW, FT_REC_FLOW_PATH, FT_REC_FLOW_END */
struct ft_flow_event {
	__u8 type;
	__u8 hook;		/* enum ft_hook */
	__u8 side;		/* enum ft_side of this packet */
	__u8 initiator;		/* enum ft_initiator */
	__u32 ifindex;
	__u64 ts_ns;		/* CLOCK_MONOTONIC */
	struct ft_flow_key key;
	__u8 src_mac[6];
	__u8 dst_mac[6];
	__u8 tcp_flags;
	__u8 flags;		/* FT_FLOW_* */
	__u16 vlan;		/* outer VLAN id, 0 if untagged */
	__u32 pkt_len;
	__u32 pad;
};

/* FT_REC_ICMP_ERROR: an ICMP/ICMPv6 error whose quoted header matches a
 * tracked flow; key is that flow, side the side that sent the quoted
 * packet. */
struct ft_icmp_event {
	__u8 type;
	__u8 hook;
	__u8 side;
	__u8 icmp_type;
	__u32 ifindex;
	__u64 ts_ns;
	struct ft_flow_key key;
	__u8 from[16];		/* who sent the error */
	__u8 icmp_code;
	__u8 family;		/* of the error packet */
	__u8 pad[6];
};

/* ft_arp_event.op */
enum ft_arp_op {
	FT_ARP_REQUEST = 1,
	FT_ARP_REPLY = 2,
	FT_NDP_NS = 135,
	FT_NDP_NA = 136,
};

/* ft_arp_event.flags */
#define FT_ARP_GRATUITOUS 0x01	/* sender IP == target IP (or unsolicited NA) */
#define FT_ARP_PROBE 0x02	/* sender IP 0.0.0.0 / NDP DAD from :: */
#define FT_NA_ROUTER 0x10
#define FT_NA_SOLICITED 0x20
#define FT_NA_OVERRIDE 0x40

/*
 * FT_REC_ARP: an ARP or NDP packet. For ARP, sender_* and target_* are the
 * ARP fields. For NDP, sender_ip is the IPv6 source, target_ip the target
 * address, sender_mac the link-layer option (source for NS, target for
 * NA; the Ethernet source when the option is absent) and target_mac zero.
 * "claimed" is the IP an answer claims: ARP sender_ip, NA target_ip.
 */
struct ft_arp_event {
	__u8 type;
	__u8 hook;
	__u8 op;		/* enum ft_arp_op */
	__u8 flags;		/* FT_ARP_*, FT_NA_* */
	__u32 ifindex;
	__u64 ts_ns;
	__u8 sender_ip[16];
	__u8 target_ip[16];
	__u8 sender_mac[6];
	__u8 target_mac[6];
	__u8 eth_src[6];
	__u8 eth_dst[6];
	__u8 family;		/* enum ft_family */
	__u8 pad;
	__u16 vlan;
	__u32 repeats;		/* identical packets folded into this one */
};

/* ft_neigh_event.flags */
#define FT_NEIGH_BY_TIMER 0x01	/* resolution gave up (neighbour timer): the
				 * entry went FAILED; old_state is the state
				 * it failed from as far as known (INCOMPLETE
				 * or PROBE) */

/* ft_neigh_event.old_state/new_state: the kernel's NUD_* bits
 * (linux/neighbour.h), as they are in struct neighbour. */
#define FT_NUD_INCOMPLETE 0x01
#define FT_NUD_REACHABLE 0x02
#define FT_NUD_STALE 0x04
#define FT_NUD_DELAY 0x08
#define FT_NUD_PROBE 0x10
#define FT_NUD_FAILED 0x20
#define FT_NUD_NOARP 0x40
#define FT_NUD_PERMANENT 0x80
/* An entry with a usable address (the kernel's NUD_VALID). */
#define FT_NUD_VALID (FT_NUD_PERMANENT | FT_NUD_NOARP | FT_NUD_REACHABLE | FT_NUD_PROBE | \
		      FT_NUD_STALE | FT_NUD_DELAY)

/* FT_REC_NEIGH: a neighbour entry whose address or state changed. */
struct ft_neigh_event {
	__u8 type;
	__u8 family;		/* enum ft_family */
	__u8 flags;		/* FT_NEIGH_*; 0 in traces written before it */
	__u8 pad;
	__u32 ifindex;
	__u64 ts_ns;
	__u8 ip[16];
	__u8 old_mac[6];
	__u8 new_mac[6];
	__u16 old_state;	/* FT_NUD_* */
	__u16 new_state;
};

/* Why the kernel dropped a packet of a tracked flow (skb:kfree_skb). */
enum ft_drop_reason {
	FT_DROP_RPFILTER = 1,	/* reverse-path filter (rp_filter) */
	FT_DROP_NETFILTER = 2,	/* a netfilter rule or conntrack (e.g. ctstate INVALID) */
	/* FT_REC_NEIGH_DROP only: the packet waited for its next hop's
	 * link-layer address, which never came (SKB_DROP_REASON_NEIGH_*). */
	FT_DROP_NEIGH_FAILED = 3,	/* resolution failed (NEIGH_FAILED) */
	FT_DROP_NEIGH_QUEUEFULL = 4,	/* the unresolved entry's queue was full */
	FT_DROP_NEIGH_CREATEFAIL = 5,	/* no neighbour entry could be made */
	FT_DROP_NEIGH_DEAD = 6,		/* the entry was being destroyed */
};

#define FT_DROP_IS_NEIGH(r) ((r) >= FT_DROP_NEIGH_FAILED && (r) <= FT_DROP_NEIGH_DEAD)

/* FT_REC_DROP: the first drop of each reason per flow. */
struct ft_drop_event {
	__u8 type;
	__u8 reason;		/* enum ft_drop_reason */
	__u8 side;		/* side that sent the dropped packet */
	__u8 pad;
	__u32 ifindex;		/* the device the packet was on */
	__u64 ts_ns;
	struct ft_flow_key key;
};

/*
 * FT_REC_NEIGH_DROP: packets the stack dropped before any interface saw
 * them, because their next hop never resolved; the flow need not be
 * tracked (it usually is not: nothing reached tc egress). Reported on the
 * first drop of a (flow, reason) and then at most once per ARP folding
 * window, count holding the drops since the last report.
 */
struct ft_neigh_drop_event {
	__u8 type;
	__u8 reason;		/* enum ft_drop_reason, FT_DROP_NEIGH_* */
	__u8 side;		/* side of key that sent the dropped packet */
	__u8 nh_family;		/* enum ft_family of nexthop; 0: not known */
	__u32 ifindex;		/* the output device (0: none yet) */
	__u64 ts_ns;
	struct ft_flow_key key;
	__u8 nexthop[16];	/* the route's gateway, or the destination on-link */
	__u32 count;		/* drops folded into this record, >= 1 */
	__u32 pad;
};

/* FT_REC_IFACE: one interface the tracer saw, with the hooks attached. */
#define FT_IFNAMSIZ 16
#define FT_HOOKBIT(h) (1u << (h))
struct ft_iface_record {
	__u8 type;
	__u8 removed;		/* 1: interface gone */
	__u8 mac[6];
	__u32 ifindex;
	__u32 hooks;		/* FT_HOOKBIT(enum ft_hook) */
	__u32 netns_ino;
	__u32 pad;
	__u64 ts_ns;
	char name[FT_IFNAMSIZ];
};

/* Per-side counters of one flow as kept in the kernel map. */
struct ft_side_stats {
	__u64 pkts_in;		/* seen at an ingress hook */
	__u64 pkts_out;		/* seen at the egress hook */
	__u64 bytes_in;
	__u64 bytes_out;
	__u64 first_ns;
	__u64 last_ns;
	__u8 tcp_flags;		/* OR of all flags seen */
	__u8 pad[3];
	__u32 drops;		/* dropped by the stack (rp_filter, netfilter) */
};

/* How many distinct (hook, interface, MAC) paths a flow side remembers;
 * a path beyond these is reported and replaces the oldest. */
#define FT_PATH_SLOTS 3

/* Value of the kernel's flow map (key: struct ft_flow_key). Counters are
 * updated without atomics: concurrent CPUs may lose an increment. */
struct ft_flow_state {
	struct ft_side_stats side[2];
	__u32 paths[2][FT_PATH_SLOTS];	/* path fingerprints per side, 0 = empty */
	__u8 initiator;
	__u8 flags;			/* FT_FLOW_* */
	__u8 icmp_type;			/* last ICMP error reported */
	__u8 icmp_code;
	__u8 drops_reported;		/* FT_DROPBIT() of reasons already reported */
	__u8 pad[3];
};

#define FT_DROPBIT(r) (1u << (r))

/* Entries of the kernel's flow map unless --max-flows says otherwise: the
 * size compiled into the BPF object and the default the loader applies,
 * so the two cannot disagree. */
#define FT_DEFAULT_MAX_FLOWS 65536

/* FT_REC_FLOW_STATS: counters of one flow, read in batches from the map. */
struct ft_flow_stats_record {
	__u8 type;
	__u8 initiator;
	__u8 flags;
	__u8 pad[5];
	__u64 ts_ns;		/* when read */
	struct ft_flow_key key;
	struct ft_side_stats side[2];
};

/* Tracer health counters (per-CPU array in the kernel, summed by user
 * space). Every loss has one. */
enum ft_counter {
	FT_CNT_PACKETS,		/* packets parsed at any hook */
	FT_CNT_RINGBUF_FULL,	/* event dropped: ring buffer reserve failed */
	FT_CNT_FLOW_MAP_FULL,	/* new flow not tracked: map update failed */
	FT_CNT_ARP_MAP_FULL,	/* ARP dedup entry not stored */
	FT_CNT_MALFORMED,	/* truncated or malformed header */
	FT_CNT_NON_IP,		/* neither IP nor ARP: ignored */
	FT_CNT_ICMP_UNMATCHED,	/* ICMP error quoting an unknown flow */
	FT_CNT_ARP_FOLDED,	/* ARP/NDP repeats folded in the dedup window */
	FT_CNT_NEIGH_OTHER_NETNS, /* neighbour updates of other namespaces */
	FT_CNT_FRAGMENTS,	/* non-first IP fragments: no ports, not tracked */
	FT_CNT_NONLINEAR,	/* headers outside the skb's linear data: skipped */
	FT_CNT_OTHERHOST,	/* IP frames for another host's MAC (promiscuous): ignored */
	FT_CNT_OUT_OF_SCOPE,	/* packets and neighbour updates outside --filter: ignored */
	FT_CNT_MAX,
};

/* Room in the record for counters added later without a new ABI. */
#define FT_CNT_SLOTS 24

/* FT_REC_COUNTERS: the summed counters, plus user-space losses. */
struct ft_counters_record {
	__u8 type;
	__u8 pad[7];
	__u64 ts_ns;
	__u64 kernel[FT_CNT_SLOTS];	/* indexed by enum ft_counter */
	__u64 flows_tracked;	/* entries in the flow map when read */
	__u64 flow_map_capacity;
};

#define FT_MAX_RECORD 256

#ifndef __bpf__
static inline unsigned int ft_record_size(unsigned char type)
{
	switch (type) {
	case FT_REC_FLOW_NEW:
	case FT_REC_FLOW_PATH:
	case FT_REC_FLOW_END:
		return sizeof(struct ft_flow_event);
	case FT_REC_ICMP_ERROR:
		return sizeof(struct ft_icmp_event);
	case FT_REC_ARP:
		return sizeof(struct ft_arp_event);
	case FT_REC_NEIGH:
		return sizeof(struct ft_neigh_event);
	case FT_REC_DROP:
		return sizeof(struct ft_drop_event);
	case FT_REC_NEIGH_DROP:
		return sizeof(struct ft_neigh_drop_event);
	case FT_REC_IFACE:
		return sizeof(struct ft_iface_record);
	case FT_REC_FLOW_STATS:
		return sizeof(struct ft_flow_stats_record);
	case FT_REC_COUNTERS:
		return sizeof(struct ft_counters_record);
	}
	return 0;
}
#endif

#endif /* FLUXTRACE_EVENTS_H */
