/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Per-flow work shared by every packet hook: the canonical key, which side
 * sent the packet, the in-place counter update, and the "is this new?"
 * test that decides whether user space hears about the packet at all.
 */
#ifndef FLUXTRACE_FLOW_BPF_H
#define FLUXTRACE_FLOW_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "fluxtrace/events.h"
#include "common.bpf.h"
#include "parse.bpf.h"

/* Every tracked flow, by canonical key. LRU: when full, the least recently
 * seen flow makes room. The loader resizes it from --max-flows. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FT_DEFAULT_MAX_FLOWS);
	__type(key, struct ft_flow_key);
	__type(value, struct ft_flow_state);
} ft_flows SEC(".maps");

/* Fill key from a tuple, lower endpoint first; returns the packet's side.
 * "Lower" is byte order (as the address reads), then port. */
static __always_inline __u8 ft_flow_key_of(const struct ft_tuple *t, struct ft_flow_key *key)
{
	const __u64 *s = (const __u64 *)t->src, *d = (const __u64 *)t->dst;
	__u64 s0 = bpf_be64_to_cpu(s[0]), d0 = bpf_be64_to_cpu(d[0]);
	__u64 s1 = bpf_be64_to_cpu(s[1]), d1 = bpf_be64_to_cpu(d[1]);
	int src_first;

	if (s0 != d0)
		src_first = s0 < d0;
	else if (s1 != d1)
		src_first = s1 < d1;
	else
		src_first = t->sport <= t->dport;

	key->proto = t->proto;
	key->family = t->family;
	if (src_first) {
		__builtin_memcpy(key->addr_a, t->src, 16);
		__builtin_memcpy(key->addr_b, t->dst, 16);
		key->port_a = t->sport;
		key->port_b = t->dport;
		return FT_SIDE_A;
	}
	__builtin_memcpy(key->addr_a, t->dst, 16);
	__builtin_memcpy(key->addr_b, t->src, 16);
	key->port_a = t->dport;
	key->port_b = t->sport;
	return FT_SIDE_B;
}

/* Who started the flow, judged from its first packet seen. A SYN (without
 * ACK) or an echo request is sure; otherwise the sender of the first
 * packet is assumed, and user space may weigh the ports. */
static __always_inline __u8 ft_initiator_of(const struct ft_tuple *t, __u8 side, __u8 *flags)
{
	__u8 other = side ^ 1;

	if (t->proto == IPPROTO_TCP && (t->tcp_flags & FT_TCP_SYN)) {
		*flags |= FT_FLOW_INIT_SURE;
		return (t->tcp_flags & FT_TCP_ACK) ? other : side;
	}
	if ((t->proto == IPPROTO_ICMP && t->icmp_type == ICMP_ECHO) ||
	    (t->proto == IPPROTO_ICMPV6 && t->icmp_type == ICMPV6_ECHO_REQUEST)) {
		*flags |= FT_FLOW_INIT_SURE;
		return side;
	}
	if ((t->proto == IPPROTO_ICMP && t->icmp_type == ICMP_ECHOREPLY) ||
	    (t->proto == IPPROTO_ICMPV6 && t->icmp_type == ICMPV6_ECHO_REPLY)) {
		*flags |= FT_FLOW_INIT_SURE;
		return other;
	}
	return side;
}

/* A path fingerprint: (hook, interface, L2 peer). Never 0, which marks an
 * empty slot. A 32-bit collision would only hide one path event. */
static __always_inline __u32 ft_path_print(__u8 hook, __u32 ifindex, const __u8 *mac)
{
	__u32 lo;
	__u16 hi;
	__u32 h;

	/* memcpy: the MAC sits at a 2-byte-aligned stack offset. */
	__builtin_memcpy(&lo, mac, 4);
	__builtin_memcpy(&hi, mac + 4, 2);
	h = (lo * 0x9E3779B1u) ^ ((hi | (__u32)hook << 16) * 0x85EBCA77u) ^
		  (ifindex * 0xC2B2AE3Du);

	return h | 1;
}

/* Returns 1 if the path was not yet known for this side (and records it). */
static __always_inline int ft_path_is_new(__u32 paths[FT_PATH_SLOTS], __u32 print)
{
	if (paths[0] == print)	/* the common case: the path every packet takes */
		return 0;
#pragma unroll
	for (int i = 1; i < FT_PATH_SLOTS; i++)
		if (paths[i] == print)
			return 0;
	/* Newest first: shift the others down, forgetting the oldest. */
#pragma unroll
	for (int i = FT_PATH_SLOTS - 1; i > 0; i--)
		paths[i] = paths[i - 1];
	paths[0] = print;
	return 1;
}

static __always_inline void ft_emit_flow(__u8 type, __u8 hook, __u32 ifindex, __u32 len,
					 const struct ft_pkt *p, const struct ft_flow_key *key,
					 __u8 side, const struct ft_flow_state *st)
{
	struct ft_flow_event *e = ft_event_reserve(sizeof(*e));

	if (!e)
		return;
	e->type = type;
	e->hook = hook;
	e->side = side;
	e->initiator = st->initiator;
	e->ifindex = ifindex;
	e->ts_ns = bpf_ktime_get_ns();
	e->key = *key;
	__builtin_memcpy(e->src_mac, p->eth_src, 6);
	__builtin_memcpy(e->dst_mac, p->eth_dst, 6);
	e->tcp_flags = p->outer.tcp_flags;
	e->flags = st->flags;
	e->vlan = p->vlan;
	e->pkt_len = len;
	e->pad = 0;	/* ring-buffer memory is not zeroed */
	ft_event_submit(e);
}

/* A busy flow's first/last seen are refreshed every FT_TIME_EVERY packets
 * only: the clock read is the dearest part of an established packet. A
 * short flow (fewer packets) gets every packet's time. */
#define FT_TIME_EVERY 16

/* The per-packet work for TCP, UDP, ICMP echo and other IP protocols:
 * inlined, as it is the hot path (the rarer kinds are global functions). */
static __always_inline void ft_flow_packet(const struct ft_pkt *p, __u32 hook, __u32 ifindex,
					   __u32 len)
{
	int ingress = FT_HOOK_IS_INGRESS(hook);
	const __u8 *peer = ingress ? p->eth_src : p->eth_dst;
	struct ft_flow_key key = {};
	struct ft_flow_state *st;
	struct ft_side_stats *ss;
	__u8 fresh_flags, side;
	__u64 pkts;
	__u32 print;

	side = ft_flow_key_of(&p->outer, &key);
	print = ft_path_print(hook, ifindex, peer);
	st = bpf_map_lookup_elem(&ft_flows, &key);
	if (!st) {
		struct ft_flow_state init = {};
		__u64 now = bpf_ktime_get_coarse_ns();

		init.initiator = ft_initiator_of(&p->outer, side, &init.flags);
		if (p->eth_dst[0] & 1)	/* multicast or broadcast MAC */
			init.flags |= FT_FLOW_L2_GROUP;
		init.paths[side][0] = print;
		ss = &init.side[side];
		ss->first_ns = now;
		ss->last_ns = now;
		ss->tcp_flags = p->outer.tcp_flags;
		if (ingress) {
			ss->pkts_in = 1;
			ss->bytes_in = len;
		} else {
			ss->pkts_out = 1;
			ss->bytes_out = len;
		}
		/* NOEXIST: another CPU may have created it a moment ago; then
		 * its event stands for both packets. */
		if (bpf_map_update_elem(&ft_flows, &key, &init, BPF_NOEXIST)) {
			st = bpf_map_lookup_elem(&ft_flows, &key);
			if (!st)
				ft_count(FT_CNT_FLOW_MAP_FULL);
			return;
		}
		ft_emit_flow(FT_REC_FLOW_NEW, hook, ifindex, len, p, &key, side, &init);
		if (p->outer.tcp_flags & (FT_TCP_FIN | FT_TCP_RST))
			ft_emit_flow(FT_REC_FLOW_END, hook, ifindex, len, p, &key, side, &init);
		return;
	}

	ss = &st->side[side];
	if (ingress) {
		pkts = ++ss->pkts_in;
		ss->bytes_in += len;
	} else {
		pkts = ++ss->pkts_out;
		ss->bytes_out += len;
	}
	if (pkts < FT_TIME_EVERY || !(pkts % FT_TIME_EVERY) || !ss->first_ns) {
		__u64 now = bpf_ktime_get_coarse_ns();

		if (!ss->first_ns)
			ss->first_ns = now;
		ss->last_ns = now;
	}

	fresh_flags = p->outer.tcp_flags & ~ss->tcp_flags;
	if (fresh_flags)
		ss->tcp_flags |= fresh_flags;

	if (ft_path_is_new(st->paths[side], print)) {
		/* Only news pays: a group MAC is looked at on a new path. */
		if (p->eth_dst[0] & 1)
			st->flags |= FT_FLOW_L2_GROUP;
		ft_emit_flow(FT_REC_FLOW_PATH, hook, ifindex, len, p, &key, side, st);
	}
	if (fresh_flags & (FT_TCP_FIN | FT_TCP_RST))
		ft_emit_flow(FT_REC_FLOW_END, hook, ifindex, len, p, &key, side, st);
}

/* An ICMP error: attach it to the flow whose header it quotes. Global, not
 * static, on purpose: the verifier checks a global function once on its
 * own instead of again for each caller's state (static costs the tc
 * programs 10-14% more verified instructions); hence the NULL check. */
__noinline int ft_icmp_error(const struct ft_pkt *p, __u32 hook, __u32 ifindex)
{
	struct ft_flow_key key = {};
	struct ft_flow_state *st;
	struct ft_icmp_event *e;
	__u8 side;

	if (!p)
		return 0;
	side = ft_flow_key_of(&p->quoted, &key);
	st = bpf_map_lookup_elem(&ft_flows, &key);
	if (!st) {
		ft_count(FT_CNT_ICMP_UNMATCHED);
		return 0;
	}
	/* One event per distinct error per flow: a flood of identical
	 * unreachables says nothing more. */
	if (st->icmp_type == p->outer.icmp_type && st->icmp_code == p->icmp_code)
		return 0;
	st->icmp_type = p->outer.icmp_type;
	st->icmp_code = p->icmp_code;

	e = ft_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->type = FT_REC_ICMP_ERROR;
	e->hook = hook;
	e->side = side;
	e->icmp_type = p->outer.icmp_type;
	e->ifindex = ifindex;
	e->ts_ns = bpf_ktime_get_ns();
	e->key = key;
	__builtin_memcpy(e->from, p->outer.src, 16);
	e->icmp_code = p->icmp_code;
	e->family = p->outer.family;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	ft_event_submit(e);
	return 0;
}

#endif /* FLUXTRACE_FLOW_BPF_H */
