/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One cursor-based packet parser for XDP and tc. It never writes to the
 * packet; every header is bounds-checked before it is read. The result is
 * a struct ft_pkt describing what the flow and ARP code needs.
 */
#ifndef FLUXTRACE_PARSE_BPF_H
#define FLUXTRACE_PARSE_BPF_H

#include "vmlinux.h"
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "fluxtrace/events.h"

/* From linux/if_arp.h, icmp.h and icmpv6.h, which drag in libc headers. */
#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMPV6_DEST_UNREACH 1
#define ICMPV6_PARAMPROB 4
#define ICMPV6_ECHO_REQUEST 128
#define ICMPV6_ECHO_REPLY 129
#define ARPHRD_ETHER 1
#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif
#define FT_MAX_VLAN_TAGS 2
#define FT_MAX_IPV6_EXT 4
#define FT_MAX_NDP_OPTS 4

/* What kind of packet the parser found. */
enum ft_pkt_kind {
	FT_PKT_OTHER = 0,	/* not for us: counted, ignored */
	FT_PKT_MALFORMED,	/* truncated or bad header */
	FT_PKT_FRAGMENT,	/* non-first IP fragment */
	FT_PKT_FLOW,		/* TCP, UDP, ICMP echo, other IP protocol */
	FT_PKT_ICMP_ERROR,	/* ICMP error quoting another packet */
	FT_PKT_ARP,		/* ARP or NDP NS/NA */
};

struct ft_cursor {
	void *pos;
	void *end;
};

/* One direction of a flow as seen in a packet, addresses in network order. */
struct ft_tuple {
	__u8 src[16];
	__u8 dst[16];
	__u16 sport;		/* host order */
	__u16 dport;
	__u8 proto;
	__u8 family;
	__u8 icmp_type;		/* ICMP/ICMPv6 type, for echo direction */
	__u8 tcp_flags;
};

struct ft_arp_info {
	__u8 op;
	__u8 flags;
	__u8 family;
	__u8 sender_ip[16];
	__u8 target_ip[16];
	__u8 sender_mac[6];
	__u8 target_mac[6];
};

/* Holds no packet pointers, so the per-kind work can run in global
 * functions the verifier checks once rather than once per parse path. */
struct ft_pkt {
	__u8 eth_src[6];
	__u8 eth_dst[6];
	__u16 vlan;		/* outer VLAN id */
	__u8 kind;		/* enum ft_pkt_kind */
	__u8 icmp_code;
	struct ft_tuple outer;	/* the packet itself */
	union {
		struct ft_tuple quoted;	/* FT_PKT_ICMP_ERROR: the packet it answers */
		struct ft_arp_info arp;	/* FT_PKT_ARP */
	};
};

#define ft_cursor_has(c, n) ((c)->pos + (n) <= (c)->end)

static __always_inline void *ft_pull(struct ft_cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

static __always_inline void ft_copy_ip4(__u8 dst[16], const void *src)
{
	__builtin_memcpy(dst, src, 4);
	__builtin_memset(dst + 4, 0, 12);
}

/* Ethernet plus up to two 802.1Q/802.1ad tags; returns the inner EtherType
 * in network order, 0 on truncation. */
static __always_inline __be16 ft_parse_eth(struct ft_cursor *c, struct ft_pkt *p)
{
	struct ethhdr *eth = ft_pull(c, sizeof(*eth));
	__be16 proto;

	if (!eth)
		return 0;
	__builtin_memcpy(p->eth_src, eth->h_source, ETH_ALEN);
	__builtin_memcpy(p->eth_dst, eth->h_dest, ETH_ALEN);
	proto = eth->h_proto;
#pragma unroll
	for (int i = 0; i < FT_MAX_VLAN_TAGS; i++) {
		struct { __be16 tci; __be16 proto; } *tag;

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		tag = ft_pull(c, sizeof(*tag));
		if (!tag)
			return 0;
		if (i == 0)
			p->vlan = bpf_ntohs(tag->tci) & 0x0fff;
		proto = tag->proto;
	}
	return proto;
}

/* Ports (or the echo identifier) of an L4 header; also TCP flags.
 * Returns 0 when the header is complete, -1 when truncated. An ICMP error
 * quotes only the first 8 bytes of L4 (quoted != 0): enough for the ports,
 * not for the TCP flags; a packet's own TCP header must be whole. */
static __always_inline int ft_parse_l4(struct ft_cursor *c, struct ft_tuple *t, int quoted)
{
	switch (t->proto) {
	case IPPROTO_TCP: {
		__u8 *th = c->pos;

		if (!ft_cursor_has(c, quoted ? 8 : sizeof(struct tcphdr)))
			return -1;
		t->sport = bpf_ntohs(*(__be16 *)th);
		t->dport = bpf_ntohs(*(__be16 *)(th + 2));
		if (ft_cursor_has(c, 14))
			t->tcp_flags = th[13];
		return 0;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = c->pos;

		if (!ft_cursor_has(c, sizeof(*uh)))
			return -1;
		t->sport = bpf_ntohs(uh->source);
		t->dport = bpf_ntohs(uh->dest);
		return 0;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		/* type, code, checksum, then identifier for echo */
		__u8 *ih = c->pos;

		if (!ft_cursor_has(c, 8))
			return -1;
		t->icmp_type = ih[0];
		if ((t->proto == IPPROTO_ICMP && (ih[0] == ICMP_ECHO || ih[0] == ICMP_ECHOREPLY)) ||
		    (t->proto == IPPROTO_ICMPV6 &&
		     (ih[0] == ICMPV6_ECHO_REQUEST || ih[0] == ICMPV6_ECHO_REPLY))) {
			t->sport = bpf_ntohs(*(__be16 *)(ih + 4));
			t->dport = t->sport;
		}
		return 0;
	}
	}
	return 0;
}

/* IPv4 header into t; leaves the cursor at L4. Returns the packet kind
 * so far: FLOW, FRAGMENT or MALFORMED. */
static __always_inline int ft_parse_ipv4(struct ft_cursor *c, struct ft_tuple *t)
{
	struct iphdr *iph = c->pos;
	__u32 hlen;

	if (!ft_cursor_has(c, sizeof(*iph)) || iph->version != 4)
		return FT_PKT_MALFORMED;
	hlen = iph->ihl * 4;
	if (hlen < sizeof(*iph) || !ft_pull(c, hlen))
		return FT_PKT_MALFORMED;
	t->family = FT_FAMILY_IPV4;
	t->proto = iph->protocol;
	ft_copy_ip4(t->src, &iph->saddr);
	ft_copy_ip4(t->dst, &iph->daddr);
	if (iph->frag_off & bpf_htons(0x1fff))
		return FT_PKT_FRAGMENT;
	return FT_PKT_FLOW;
}

/* IPv6 header and the common extension headers. */
static __always_inline int ft_parse_ipv6(struct ft_cursor *c, struct ft_tuple *t)
{
	struct ipv6hdr *ip6 = ft_pull(c, sizeof(struct ipv6hdr));
	__u8 next;

	if (!ip6 || ip6->version != 6)
		return FT_PKT_MALFORMED;
	t->family = FT_FAMILY_IPV6;
	__builtin_memcpy(t->src, &ip6->saddr, 16);
	__builtin_memcpy(t->dst, &ip6->daddr, 16);
	next = ip6->nexthdr;
#pragma unroll
	for (int i = 0; i < FT_MAX_IPV6_EXT; i++) {
		__u8 *ext = c->pos;
		__u32 len;

		if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING &&
		    next != IPPROTO_DSTOPTS && next != IPPROTO_FRAGMENT && next != IPPROTO_AH)
			break;
		if (!ft_cursor_has(c, 8))
			return FT_PKT_MALFORMED;
		if (next == IPPROTO_FRAGMENT) {
			if (*(__be16 *)(ext + 2) & bpf_htons(0xfff8))
				return FT_PKT_FRAGMENT;
			len = 8;
		} else if (next == IPPROTO_AH) {
			len = (ext[1] + 2) * 4;
		} else {
			len = (ext[1] + 1) * 8;
		}
		next = ext[0];
		if (!ft_pull(c, len))
			return FT_PKT_MALFORMED;
	}
	t->proto = next;
	return FT_PKT_FLOW;
}

/* IPv6 without walking extension headers: for copies of headers (quoted
 * in ICMP errors, read from a dropped skb) where the walk cannot be
 * bounds-checked or rarely matters. */
static __always_inline int ft_parse_ipv6_fixed(struct ft_cursor *c, struct ft_tuple *t)
{
	struct ipv6hdr *ip6 = ft_pull(c, sizeof(*ip6));

	if (!ip6 || ip6->version != 6)
		return FT_PKT_MALFORMED;
	t->family = FT_FAMILY_IPV6;
	t->proto = ip6->nexthdr;
	__builtin_memcpy(t->src, &ip6->saddr, 16);
	__builtin_memcpy(t->dst, &ip6->daddr, 16);
	return FT_PKT_FLOW;
}

static __always_inline int ft_is_icmp_error(const struct ft_tuple *t)
{
	if (t->proto == IPPROTO_ICMP)
		return t->icmp_type == ICMP_DEST_UNREACH || t->icmp_type == ICMP_TIME_EXCEEDED ||
		       t->icmp_type == ICMP_PARAMETERPROB;
	if (t->proto == IPPROTO_ICMPV6)
		return t->icmp_type >= ICMPV6_DEST_UNREACH && t->icmp_type <= ICMPV6_PARAMPROB;
	return 0;
}

/* The header an ICMP error quotes: IP header plus the first 8 bytes of L4. */
static __always_inline int ft_parse_quoted(struct ft_cursor *c, struct ft_pkt *p)
{
	__u8 *icmp = ft_pull(c, 8);	/* the error's own ICMP header */
	int kind;

	if (!icmp)
		return FT_PKT_MALFORMED;
	p->icmp_code = icmp[1];
	if (p->outer.family == FT_FAMILY_IPV4) {
		kind = ft_parse_ipv4(c, &p->quoted);
	} else {
		/* Quoted IPv6 headers rarely carry extensions; not walked. */
		kind = ft_parse_ipv6_fixed(c, &p->quoted);
	}
	/* A quoted non-first fragment has no ports: it can still match a
	 * flow without ports, and is unmatched otherwise. */
	if (kind == FT_PKT_FRAGMENT)
		return FT_PKT_ICMP_ERROR;
	if (kind != FT_PKT_FLOW)
		return FT_PKT_MALFORMED;
	if (ft_parse_l4(c, &p->quoted, 1))
		return FT_PKT_MALFORMED;
	return FT_PKT_ICMP_ERROR;
}

static __always_inline int ft_parse_arp(struct ft_cursor *c, struct ft_pkt *p)
{
	struct {
		struct {
			__be16 ar_hrd, ar_pro;
			__u8 ar_hln, ar_pln;
			__be16 ar_op;
		} h;
		__u8 sha[ETH_ALEN];
		__u8 sip[4];
		__u8 tha[ETH_ALEN];
		__u8 tip[4];
	} __attribute__((packed)) *a = ft_pull(c, sizeof(*a));
	struct ft_arp_info *ai = &p->arp;

	if (!a)
		return FT_PKT_MALFORMED;
	if (a->h.ar_hrd != bpf_htons(ARPHRD_ETHER) || a->h.ar_pro != bpf_htons(ETH_P_IP) ||
	    a->h.ar_hln != ETH_ALEN || a->h.ar_pln != 4)
		return FT_PKT_OTHER;
	if (a->h.ar_op != bpf_htons(ARPOP_REQUEST) && a->h.ar_op != bpf_htons(ARPOP_REPLY))
		return FT_PKT_OTHER;
	ai->op = bpf_ntohs(a->h.ar_op);
	ai->family = FT_FAMILY_IPV4;
	ft_copy_ip4(ai->sender_ip, a->sip);
	ft_copy_ip4(ai->target_ip, a->tip);
	__builtin_memcpy(ai->sender_mac, a->sha, ETH_ALEN);
	__builtin_memcpy(ai->target_mac, a->tha, ETH_ALEN);
	if (*(__u32 *)a->sip == 0)
		ai->flags |= FT_ARP_PROBE;
	else if (*(__u32 *)a->sip == *(__u32 *)a->tip)
		ai->flags |= FT_ARP_GRATUITOUS;
	return FT_PKT_ARP;
}

/* NDP neighbour solicitation/advertisement: target and link-layer option. */
static __always_inline int ft_parse_ndp(struct ft_cursor *c, struct ft_pkt *p, __u8 type)
{
	struct {
		__u8 type, code;
		__be16 csum;
		__u8 flags;
		__u8 reserved[3];
		__u8 target[16];
	} *nd = ft_pull(c, 24);
	struct ft_arp_info *ai = &p->arp;
	__u8 want = type == FT_NDP_NS ? 1 : 2;	/* source / target link-layer option */

	if (!nd)
		return FT_PKT_MALFORMED;
	ai->op = type;
	ai->family = FT_FAMILY_IPV6;
	__builtin_memcpy(ai->sender_ip, p->outer.src, 16);
	__builtin_memcpy(ai->target_ip, nd->target, 16);
	__builtin_memcpy(ai->sender_mac, p->eth_src, ETH_ALEN);
	__builtin_memset(ai->target_mac, 0, ETH_ALEN);
	if (type == FT_NDP_NA) {
		ai->flags |= (nd->flags & 0x80 ? FT_NA_ROUTER : 0) |
			     (nd->flags & 0x40 ? FT_NA_SOLICITED : FT_ARP_GRATUITOUS) |
			     (nd->flags & 0x20 ? FT_NA_OVERRIDE : 0);
	} else {
		__u64 *s = (__u64 *)p->outer.src;

		if (s[0] == 0 && s[1] == 0)
			ai->flags |= FT_ARP_PROBE;	/* duplicate address detection */
	}
#pragma unroll
	for (int i = 0; i < FT_MAX_NDP_OPTS; i++) {
		__u8 *opt = c->pos;

		if (!ft_cursor_has(c, 8) || opt[1] == 0)
			break;
		if (opt[0] == want) {
			__builtin_memcpy(ai->sender_mac, opt + 2, ETH_ALEN);
			break;
		}
		if (!ft_pull(c, opt[1] * 8))
			break;
	}
	return FT_PKT_ARP;
}

/* Parse one frame. Returns enum ft_pkt_kind (also left in p->kind). */
static __always_inline int ft_parse(void *data, void *data_end, struct ft_pkt *p)
{
	struct ft_cursor c = { .pos = data, .end = data_end };
	__be16 proto = ft_parse_eth(&c, p);
	int kind;

	if (!proto)
		kind = FT_PKT_MALFORMED;
	else if (proto == bpf_htons(ETH_P_ARP))
		kind = ft_parse_arp(&c, p);
	else if (proto == bpf_htons(ETH_P_IP))
		kind = ft_parse_ipv4(&c, &p->outer);
	else if (proto == bpf_htons(ETH_P_IPV6))
		kind = ft_parse_ipv6(&c, &p->outer);
	else
		kind = FT_PKT_OTHER;

	if (kind == FT_PKT_FLOW) {
		if (ft_parse_l4(&c, &p->outer, 0))
			kind = FT_PKT_MALFORMED;
		else if (ft_is_icmp_error(&p->outer))
			kind = ft_parse_quoted(&c, p);
		else if (p->outer.proto == IPPROTO_ICMPV6 &&
			 (p->outer.icmp_type == FT_NDP_NS || p->outer.icmp_type == FT_NDP_NA))
			kind = ft_parse_ndp(&c, p, p->outer.icmp_type);
	}
	p->kind = kind;
	return kind;
}

#endif /* FLUXTRACE_PARSE_BPF_H */
