// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* fluxtrace entry points: XDP, tc ingress/egress, neighbour tracepoints.
 * Every program observes only: packets always continue unchanged. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "fluxtrace/events.h"
#include "common.bpf.h"
#include "parse.bpf.h"
#include "flow.bpf.h"
#include "neigh.bpf.h"
#include "drop.bpf.h"
#include "scope.bpf.h"

#define TC_ACT_UNSPEC (-1)	/* == TCX_NEXT: let later filters run */

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Each traced interface's own MAC, by ifindex, so ingress hooks can ignore
 * unicast frames for other hosts (an interface in promiscuous mode sees
 * them; the stack would drop them). Filled by the loader. */
#define FT_MAX_IFINDEX 4096

struct ft_if_mac {
	__u8 mac[6];
	__u8 filter;		/* 1: drop others' unicast from flow tracking */
	__u8 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FT_MAX_IFINDEX);
	__type(key, __u32);
	__type(value, struct ft_if_mac);
} ft_if_macs SEC(".maps");

/* Every link's MAC in the traced network namespace, traced or not: macvlan,
 * macvtap and VLAN children, ipvlan's shared MAC, a bridge or bond master.
 * A frame for any of them is this host's traffic, whichever interface it
 * came in on. Key: the MAC in the first 6 bytes of 8 (the rest zero).
 * Filled and kept current by the loader (rtnetlink link changes). */
#define FT_MAX_LOCAL_MACS 4096

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FT_MAX_LOCAL_MACS);
	__type(key, __u64);
	__type(value, __u8);
} ft_local_macs SEC(".maps");

/* A unicast frame for a MAC of no link of this host, seen only because the
 * interface is promiscuous (or a switch flooded it): not this host's
 * traffic, so not its flows. XDP has no pkt_type, so both ingress hooks
 * compare: the interface's own MAC first (the common case, no lookup),
 * then the host's other MACs (a frame for a macvlan child, a VLAN device
 * with its own MAC, a bridge or bond master). */
static __always_inline int ft_other_host(const struct ft_pkt *p, __u32 ifindex)
{
	struct ft_if_mac *own;
	__u64 key = 0;

	if (p->eth_dst[0] & 1)	/* multicast or broadcast */
		return 0;
	own = bpf_map_lookup_elem(&ft_if_macs, &ifindex);
	if (!own || !own->filter)
		return 0;
	if (*(__u32 *)own->mac == *(__u32 *)p->eth_dst &&
	    *(__u16 *)(own->mac + 4) == *(__u16 *)(p->eth_dst + 4))
		return 0;
	__builtin_memcpy(&key, p->eth_dst, 6);
	return !bpf_map_lookup_elem(&ft_local_macs, &key);
}

/* accel_vlan: the outer tag the stack already took off the frame (tc
 * ingress sees it in skb->vlan_tci, no longer in the data). */
static __always_inline void ft_packet(void *data, void *data_end, __u32 len, __u8 hook,
				      __u32 ifindex, int nonlinear, __u16 accel_vlan)
{
	struct ft_pkt p = {};
	int kind;

	ft_count(FT_CNT_PACKETS);
	kind = ft_parse(data, data_end, &p);
	if (accel_vlan)
		p.vlan = accel_vlan;
	if ((kind == FT_PKT_FLOW || kind == FT_PKT_ICMP_ERROR) && FT_HOOK_IS_INGRESS(hook) &&
	    ft_other_host(&p, ifindex)) {
		ft_count(FT_CNT_OTHERHOST);
		return;
	}
	if (ft_scope_on && !ft_scope_pkt(&p, kind)) {
		ft_count(FT_CNT_OUT_OF_SCOPE);
		return;
	}
	switch (kind) {
	case FT_PKT_FLOW:
		ft_flow_packet(&p, hook, ifindex, len);
		break;
	case FT_PKT_ICMP_ERROR:
		ft_icmp_error(&p, hook, ifindex);
		break;
	case FT_PKT_ARP:
		ft_arp_packet(&p, hook, ifindex);
		break;
	case FT_PKT_FRAGMENT:
		ft_count(FT_CNT_FRAGMENTS);
		break;
	case FT_PKT_MALFORMED:
		/* Headers past the linear part of an skb are not malformed. */
		ft_count(nonlinear ? FT_CNT_NONLINEAR : FT_CNT_MALFORMED);
		break;
	default:
		ft_count(FT_CNT_NON_IP);
	}
}

/* xdp.frags: the program copes with multi-buffer packets (it reads only
 * the headers in the first buffer). Without it, attaching to a veth turns
 * off GSO on the peer and TCP throughput collapses; drivers may likewise
 * refuse jumbo MTUs. Bytes count the first buffer: bpf_xdp_get_buff_len()
 * would cost 5 ns a packet for a figure no finding uses. */
SEC("xdp.frags")
int ft_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	ft_packet(data, data_end, data_end - data, FT_HOOK_XDP, ctx->ingress_ifindex, 0, 0);
	return XDP_PASS;
}

static __always_inline int ft_tc(struct __sk_buff *skb, __u8 hook)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	ft_packet(data, data_end, skb->len, hook, skb->ifindex,
		  skb->len > (__u32)(data_end - data),
		  skb->vlan_present ? skb->vlan_tci & 0x0fff : 0);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int ft_tc_ingress(struct __sk_buff *skb)
{
	return ft_tc(skb, FT_HOOK_TC_INGRESS);
}

SEC("tc")
int ft_tc_egress(struct __sk_buff *skb)
{
	return ft_tc(skb, FT_HOOK_TC_EGRESS);
}

SEC("raw_tp/neigh_update")
int BPF_PROG(ft_neigh_update, struct neighbour *n)
{
	/* Out of scope: nothing stashed, so neigh_update_done reports nothing. */
	if (ft_scope_on && !ft_scope_neigh(n))
		return 0;
	ft_neigh_before(n);
	return 0;
}

SEC("raw_tp/neigh_update_done")
int BPF_PROG(ft_neigh_update_done, struct neighbour *n)
{
	ft_neigh_after(n);
	return 0;
}

SEC("raw_tp/neigh_timer_handler")
int BPF_PROG(ft_neigh_timer_handler, struct neighbour *n)
{
	ft_neigh_timer(n);
	return 0;
}

SEC("raw_tp/kfree_skb")
int BPF_PROG(ft_kfree_skb, struct sk_buff *skb, void *location, int reason)
{
	__u8 why = ft_drop_reason_of(reason, (__u64)location);

	if (why)
		ft_drop(skb, why);
	return 0;
}
