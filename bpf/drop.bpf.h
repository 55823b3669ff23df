/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Drops that explain asymmetry: a reply that reached the interface (so XDP
 * saw it) but died in the stack because of rp_filter or a netfilter rule
 * (conntrack INVALID on an asymmetric path). And drops that explain an
 * unreachable next hop: packets queued on a neighbour entry that never
 * resolved (SKB_DROP_REASON_NEIGH_*), dropped before any interface saw
 * them, so of flows that are usually not tracked. skb:kfree_skb fires on
 * every drop of every namespace: the reason is checked first, so other
 * drops cost a compare.
 */
#ifndef FLUXTRACE_DROP_BPF_H
#define FLUXTRACE_DROP_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "fluxtrace/events.h"
#include "common.bpf.h"
#include "parse.bpf.h"
#include "flow.bpf.h"
#include "scope.bpf.h"
#include "neigh.bpf.h"

/* Room for the largest IPv4 header (60 bytes) or IPv6 (40) plus 8 bytes of
 * L4: the verifier bounds every access by this size, not by the cursor. */
#define FT_DROP_HEADER_BYTES 128

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[FT_DROP_HEADER_BYTES]);
} ft_drop_scratch SEC(".maps");

/* Drops of untracked flows waiting for a neighbour: one event per (flow,
 * reason) and ARP folding window, the drops in between counted into it. */
#define FT_NEIGH_DROP_ENTRIES 4096

struct ft_neigh_drop_key {
	struct ft_flow_key key;
	__u8 reason;
	__u8 pad[3];
};

struct ft_neigh_drop_seen {
	__u64 last_ns;
	__u32 folded;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FT_NEIGH_DROP_ENTRIES);
	__type(key, struct ft_neigh_drop_key);
	__type(value, struct ft_neigh_drop_seen);
} ft_neigh_drops SEC(".maps");

#define FT_RTF_GATEWAY 0x0002

/* Set by the loader: code ranges (ndisc_error_report, neigh_invalidate)
 * whose drops without a reason are packets of a failed resolution. */
const volatile __u64 ft_neigh_fail_lo[2];
const volatile __u64 ft_neigh_fail_hi[2];

static __always_inline int ft_in_neigh_fail(__u64 loc)
{
	return (loc >= ft_neigh_fail_lo[0] && loc < ft_neigh_fail_hi[0]) ||
	       (loc >= ft_neigh_fail_lo[1] && loc < ft_neigh_fail_hi[1]);
}

/* The kernel's values for the reasons, read from its BTF: -1 when it has
 * no such reason (older kernels), which no drop carries. */
#define FT_REASON(name) \
	(bpf_core_enum_value_exists(enum skb_drop_reason, name) \
		 ? bpf_core_enum_value(enum skb_drop_reason, name) : -1)

static __always_inline __u8 ft_drop_reason_of(int reason, __u64 location)
{
	if (reason == FT_REASON(SKB_DROP_REASON_NOT_SPECIFIED) && ft_in_neigh_fail(location))
		return FT_DROP_NEIGH_FAILED;
	if (reason == FT_REASON(SKB_DROP_REASON_NEIGH_FAILED))
		return FT_DROP_NEIGH_FAILED;
	if (reason == FT_REASON(SKB_DROP_REASON_NEIGH_QUEUEFULL))
		return FT_DROP_NEIGH_QUEUEFULL;
	if (reason == FT_REASON(SKB_DROP_REASON_NEIGH_CREATEFAIL))
		return FT_DROP_NEIGH_CREATEFAIL;
	if (reason == FT_REASON(SKB_DROP_REASON_NEIGH_DEAD))
		return FT_DROP_NEIGH_DEAD;
	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_IP_RPFILTER) &&
	    reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_IP_RPFILTER))
		return FT_DROP_RPFILTER;
	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_NETFILTER_DROP) &&
	    reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NETFILTER_DROP))
		return FT_DROP_NETFILTER;
	return 0;
}

/* The next hop a packet waited for: its route's gateway, or the
 * destination itself on-link. Returns the family, 0 when not known. */
static __always_inline __u8 ft_drop_nexthop(struct sk_buff *skb, const struct ft_tuple *t,
					    __u8 *nh)
{
	unsigned long dst = BPF_CORE_READ(skb, _skb_refdst) & ~1UL;

	if (t->family == FT_FAMILY_IPV4) {
		struct rtable *rt = (struct rtable *)dst;
		__u8 gwf = rt ? BPF_CORE_READ(rt, rt_gw_family) : 0;

		if (gwf == 2 /* AF_INET */) {
			bpf_probe_read_kernel(nh, 4, &rt->rt_gw4);
			return FT_FAMILY_IPV4;
		}
		if (gwf == 10 /* AF_INET6: IPv4 via an IPv6 next hop */) {
			bpf_probe_read_kernel(nh, 16, &rt->rt_gw6);
			return FT_FAMILY_IPV6;
		}
		if (!rt)
			return 0;
		__builtin_memcpy(nh, t->dst, 4);
		return FT_FAMILY_IPV4;
	}
	if (dst) {
		struct rt6_info *rt = (struct rt6_info *)dst;

		if (BPF_CORE_READ(rt, rt6i_flags) & FT_RTF_GATEWAY) {
			bpf_probe_read_kernel(nh, 16, &rt->rt6i_gateway);
			return FT_FAMILY_IPV6;
		}
		__builtin_memcpy(nh, t->dst, 16);
		return FT_FAMILY_IPV6;
	}
	return 0;
}

static __always_inline void ft_neigh_drop(struct sk_buff *skb, const struct ft_tuple *t,
					  const struct ft_flow_key *key, __u8 side, __u8 why)
{
	struct ft_neigh_drop_key dk = { .key = *key, .reason = why };
	struct ft_neigh_drop_seen *seen;
	struct ft_neigh_drop_event *e;
	__u64 now = bpf_ktime_get_ns();
	__u32 count = 1;

	seen = bpf_map_lookup_elem(&ft_neigh_drops, &dk);
	if (seen) {
		if (now - seen->last_ns < ft_arp_window_ns) {
			seen->folded++;
			return;
		}
		count += seen->folded;
		seen->folded = 0;
		seen->last_ns = now;
	} else {
		struct ft_neigh_drop_seen fresh = { .last_ns = now };

		if (bpf_map_update_elem(&ft_neigh_drops, &dk, &fresh, BPF_ANY))
			ft_count(FT_CNT_ARP_MAP_FULL);
	}
	e = ft_event_reserve(sizeof(*e));
	if (!e)
		return;
	e->type = FT_REC_NEIGH_DROP;
	e->reason = why;
	e->side = side;
	e->ifindex = BPF_CORE_READ(skb, dev, ifindex);
	e->ts_ns = now;
	e->key = *key;
	__builtin_memset(e->nexthop, 0, 16);
	e->nh_family = ft_drop_nexthop(skb, t, e->nexthop);
	e->count = count;
	e->pad = 0;
	ft_event_submit(e);
}

/* The dropped packet's IP header is read from kernel memory into a scratch
 * buffer and parsed by the same parser as on the packet hooks (no L2
 * header: a packet waiting for its neighbour has none yet). */
static __always_inline void ft_drop(struct sk_buff *skb, __u8 why)
{
	struct ft_tuple t = {};
	struct ft_flow_key key = {};
	struct ft_flow_state *st;
	struct ft_drop_event *e;
	struct ft_cursor c;
	__u32 zero = 0;
	__u8 *buf = bpf_map_lookup_elem(&ft_drop_scratch, &zero);
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u8 side, version;

	if (!buf || BPF_CORE_READ(skb, dev, nd_net.net, ns.inum) != ft_netns_ino)
		return;
	if (bpf_probe_read_kernel(buf, FT_DROP_HEADER_BYTES, head + BPF_CORE_READ(skb, network_header)))
		return;
	c.pos = buf;
	c.end = buf + FT_DROP_HEADER_BYTES;
	version = buf[0] >> 4;
	if ((version == 4   ? ft_parse_ipv4(&c, &t)
	     : version == 6 ? ft_parse_ipv6_fixed(&c, &t)
			    : FT_PKT_OTHER) != FT_PKT_FLOW)
		return;
	if (ft_parse_l4(&c, &t, 1))	/* like a quoted header: 8 bytes of L4 suffice */
		return;
	if (ft_scope_on && !ft_scope_tuple(&t)) {
		ft_count(FT_CNT_OUT_OF_SCOPE);
		return;
	}
	side = ft_flow_key_of(&t, &key);
	if (FT_DROP_IS_NEIGH(why)) {
		ft_neigh_drop(skb, &t, &key, side, why);
		return;
	}
	st = bpf_map_lookup_elem(&ft_flows, &key);
	if (!st)
		return;
	/* Counted always, so user space can tell "all dropped" from "some". */
	st->side[side & 1].drops++;
	if (st->drops_reported & FT_DROPBIT(why))
		return;
	st->drops_reported |= FT_DROPBIT(why);

	e = ft_event_reserve(sizeof(*e));
	if (!e)
		return;
	e->type = FT_REC_DROP;
	e->reason = why;
	e->side = side;
	e->pad = 0;
	e->ifindex = BPF_CORE_READ(skb, dev, ifindex);
	e->ts_ns = bpf_ktime_get_ns();
	e->key = key;
	ft_event_submit(e);
}

#endif /* FLUXTRACE_DROP_BPF_H */
