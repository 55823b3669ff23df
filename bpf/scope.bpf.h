/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Scope (--filter): whether a packet, an ARP/NDP packet or a neighbour
 * entry concerns what the user asked to trace. User space compiles the
 * expression (user/common/scope.c) into:
 *   - ft_scope_prefixes: LPM trie (family, prefix) -> bitmask of the
 *     host/net atoms that contain the longest matching prefix;
 *   - port and protocol atoms as rodata, compared without a lookup;
 *   - truth tables over the atom mask: ft_scope_tt for packets with ports,
 *     ft_scope_tt_addr over the address atoms alone ("could be in scope")
 *     for ARP/NDP and neighbour entries.
 * Without --filter, ft_scope_on is 0 and the verifier drops every call.
 */
#ifndef FLUXTRACE_SCOPE_BPF_H
#define FLUXTRACE_SCOPE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "fluxtrace/events.h"
#include "common.bpf.h"
#include "parse.bpf.h"

#define FT_SCOPE_MAX_ATOMS 16
#define FT_SCOPE_TT_BYTES ((1u << FT_SCOPE_MAX_ATOMS) / 8)

/* Set by the loader before load. */
const volatile __u8 ft_scope_on;		/* a --filter was given */
const volatile __u8 ft_scope_has_addr;		/* it has host/net atoms */
const volatile __u8 ft_scope_n_ports;
const volatile __u16 ft_scope_port[FT_SCOPE_MAX_ATOMS];
const volatile __u32 ft_scope_port_bit[FT_SCOPE_MAX_ATOMS];
const volatile __u32 ft_scope_proto_bits[256];
const volatile __u8 ft_scope_tt[FT_SCOPE_TT_BYTES];
const volatile __u8 ft_scope_tt_addr[FT_SCOPE_TT_BYTES];

struct ft_scope_key {
	__u32 prefixlen;	/* 8 (family) + prefix length */
	__u8 family;
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FT_SCOPE_MAX_ATOMS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ft_scope_key);
	__type(value, __u32);
} ft_scope_prefixes SEC(".maps");

/* Bits of the host/net atoms containing addr (16 bytes, IPv4 in the first 4). */
static __always_inline __u32 ft_scope_addr(__u8 family, const __u8 *addr)
{
	struct ft_scope_key k;
	__u32 *bits;

	__builtin_memset(&k, 0, sizeof(k));
	k.prefixlen = 8 + 128;
	k.family = family;
	__builtin_memcpy(k.addr, addr, 16);
	bits = bpf_map_lookup_elem(&ft_scope_prefixes, &k);
	return bits ? *bits : 0;
}

static __always_inline int ft_scope_tt_get(const volatile __u8 *tt, __u32 mask)
{
	mask &= (1u << FT_SCOPE_MAX_ATOMS) - 1;
	return (tt[mask >> 3] >> (mask & 7)) & 1;
}

/* A flow's tuple (or the one an ICMP error quotes). Ports count for TCP
 * and UDP only, as in tcpdump. */
static __always_inline int ft_scope_tuple(const struct ft_tuple *t)
{
	__u32 mask = ft_scope_proto_bits[t->proto];

	if (ft_scope_has_addr)
		mask |= ft_scope_addr(t->family, t->src) | ft_scope_addr(t->family, t->dst);
	if (ft_scope_n_ports && (t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP)) {
#pragma unroll
		for (int i = 0; i < FT_SCOPE_MAX_ATOMS; i++) {
			if (i >= ft_scope_n_ports)
				break;
			if (t->sport == ft_scope_port[i] || t->dport == ft_scope_port[i])
				mask |= ft_scope_port_bit[i];
		}
	}
	return ft_scope_tt_get(ft_scope_tt, mask);
}

/* Addresses without ports: could the expression hold for them? */
static __always_inline int ft_scope_addrs(__u8 family, const __u8 *a, const __u8 *b)
{
	__u32 mask = 0;

	if (ft_scope_has_addr)
		mask = ft_scope_addr(family, a) | (b ? ft_scope_addr(family, b) : 0);
	return ft_scope_tt_get(ft_scope_tt_addr, mask);
}

/* ft_packet: 1 when the parsed packet is in scope (or has no addresses to
 * judge: fragments, malformed, non-IP are only counted anyway). */
static __always_inline int ft_scope_pkt(const struct ft_pkt *p, int kind)
{
	switch (kind) {
	case FT_PKT_FLOW:
		return ft_scope_tuple(&p->outer);
	case FT_PKT_ICMP_ERROR:
		return ft_scope_tuple(&p->quoted);
	case FT_PKT_ARP:
		return ft_scope_addrs(p->arp.family, p->arp.sender_ip, p->arp.target_ip);
	}
	return 1;
}

/* The neighbour tracepoints: the entry's IP. Entries of other namespaces
 * are left to the netns check (and its counter). */
static __always_inline int ft_scope_neigh(struct neighbour *n)
{
	__u8 ip[16] = {};
	__u32 mask = 0;
	int family;

	if (BPF_CORE_READ(n, dev, nd_net.net, ns.inum) != ft_netns_ino)
		return 1;
	if (ft_scope_has_addr) {
		family = BPF_CORE_READ(n, tbl, family);
		if (family != 2 /* AF_INET */ && family != 10 /* AF_INET6 */)
			return 1;
		bpf_probe_read_kernel(ip, family == 2 ? 4 : 16,
				      (void *)n + bpf_core_field_offset(struct neighbour, primary_key));
		mask = ft_scope_addr(family == 2 ? FT_FAMILY_IPV4 : FT_FAMILY_IPV6, ip);
	}
	if (ft_scope_tt_get(ft_scope_tt_addr, mask))
		return 1;
	ft_count(FT_CNT_OUT_OF_SCOPE);
	return 0;
}

#endif /* FLUXTRACE_SCOPE_BPF_H */
