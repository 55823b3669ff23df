/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Drops that explain asymmetry: a reply that reached the interface (so XDP
 * saw it) but died in the stack because of rp_filter or a netfilter rule
 * (conntrack INVALID on an asymmetric path). skb:kfree_skb fires on every
 * drop of every namespace: the reason is checked first, so other drops
 * cost a compare.
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

/* Room for the largest IPv4 header (60 bytes) or IPv6 (40) plus 8 bytes of
 * L4: the verifier bounds every access by this size, not by the cursor. */
#define FT_DROP_HEADER_BYTES 128

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[FT_DROP_HEADER_BYTES]);
} ft_drop_scratch SEC(".maps");

static __always_inline __u8 ft_drop_reason_of(int reason)
{
	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_IP_RPFILTER) &&
	    reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_IP_RPFILTER))
		return FT_DROP_RPFILTER;
	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_NETFILTER_DROP) &&
	    reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NETFILTER_DROP))
		return FT_DROP_NETFILTER;
	return 0;
}

/* The dropped packet's IP header is read from kernel memory into a scratch
 * buffer and parsed by the same parser as on the packet hooks. */
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
