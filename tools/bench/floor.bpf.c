// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The benchmark floor: the least any flow tracker must do per packet.
 * Parse Ethernet -> IPv4/IPv6 -> TCP/UDP ports, build a 5-tuple key with
 * 16-byte addresses (the size of fluxtrace's key), one hash lookup, one
 * counter update (insert on a miss). No direction normalisation, no
 * events, no loss counters, no IPv6 extension headers, no VLANs.
 *
 * Also the empty programs that measure the harness (and the hook) itself.
 * Built with -DFLOOR_LRU the flow map is an LRU hash, like fluxtrace's.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TC_ACT_UNSPEC (-1)

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct floor_key {
	__u8 src[16];
	__u8 dst[16];
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct floor_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
#ifdef FLOOR_LRU
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
#else
	__uint(type, BPF_MAP_TYPE_HASH);
#endif
	__uint(max_entries, 65536);
	__type(key, struct floor_key);
	__type(value, struct floor_stats);
} floor_flows SEC(".maps");

static __always_inline void floor_packet(void *data, void *data_end, __u32 len)
{
	struct ethhdr *eth = data;
	struct floor_key key = {};
	struct floor_stats *st;
	void *l4;

	if ((void *)(eth + 1) > data_end)
		return;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > data_end || iph->ihl < 5)
			return;
		__builtin_memcpy(key.src, &iph->saddr, 4);
		__builtin_memcpy(key.dst, &iph->daddr, 4);
		key.proto = iph->protocol;
		l4 = (void *)iph + iph->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return;
		__builtin_memcpy(key.src, &ip6->saddr, 16);
		__builtin_memcpy(key.dst, &ip6->daddr, 16);
		key.proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		return;
	}
	if (key.proto == IPPROTO_TCP || key.proto == IPPROTO_UDP) {
		/* Ports lead both headers. */
		__be16 *ports = l4;

		if ((void *)(ports + 2) > data_end)
			return;
		key.sport = ports[0];
		key.dport = ports[1];
	}

	st = bpf_map_lookup_elem(&floor_flows, &key);
	if (st) {
		st->packets++;
		st->bytes += len;
		return;
	}
	struct floor_stats init = { .packets = 1, .bytes = len };

	bpf_map_update_elem(&floor_flows, &key, &init, BPF_NOEXIST);
}

SEC("xdp")
int floor_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	floor_packet(data, data_end, data_end - data);
	return XDP_PASS;
}

/* One program per tc hook, so bpf_stats tell the hooks apart. */
static __always_inline int floor_tc(struct __sk_buff *skb)
{
	floor_packet((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int floor_tc_in(struct __sk_buff *skb)
{
	return floor_tc(skb);
}

SEC("tc")
int floor_tc_out(struct __sk_buff *skb)
{
	return floor_tc(skb);
}

SEC("xdp")
int empty_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int empty_tc_in(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

SEC("tc")
int empty_tc_out(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}
