/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The few kernel-internal types fluxtrace reads, declared by hand with
 * preserve_access_index so libbpf relocates every field against the
 * running kernel's BTF (CO-RE). Packet-side types come from the UAPI
 * headers, which are stable.
 */
#ifndef FLUXTRACE_VMLINUX_H
#define FLUXTRACE_VMLINUX_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/in6.h>

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct ns_common {
	unsigned int inum;
};

struct net {
	struct ns_common ns;
};

typedef struct {
	struct net *net;
} possible_net_t;

struct net_device {
	int ifindex;
	possible_net_t nd_net;
};

struct neigh_table {
	int family;
};

struct neighbour {
	struct neigh_table *tbl;
	__u8 nud_state;
	unsigned char ha[32];
	struct net_device *dev;
	__u8 primary_key[0];
};

struct sk_buff {
	struct net_device *dev;
	unsigned char *head;
	__u16 network_header;
	unsigned long _skb_refdst;	/* struct dst_entry *, bit 0: no reference */
};

/* A route as an skb carries it: the IPv4 and IPv6 routes start with their
 * struct dst_entry, so the skb's dst pointer is the route. */
struct dst_entry {
	struct net_device *dev;
};

struct rtable {
	struct dst_entry dst;
	__u8 rt_gw_family;	/* 0: on-link, AF_INET or AF_INET6 (RFC 5549) */
	union {
		__be32 rt_gw4;
		struct in6_addr rt_gw6;
	};
};

struct rt6_info {
	struct dst_entry dst;
	struct in6_addr rt6i_gateway;
	__u32 rt6i_flags;	/* RTF_* */
};

#pragma clang attribute pop

/* Values are placeholders: relocated to the running kernel's by name. */
enum skb_drop_reason {
	SKB_DROP_REASON_NOT_SPECIFIED = 2,
	SKB_DROP_REASON_NETFILTER_DROP = 12,
	SKB_DROP_REASON_IP_RPFILTER = 16,
	SKB_DROP_REASON_NEIGH_CREATEFAIL = 50,
	SKB_DROP_REASON_NEIGH_FAILED = 51,
	SKB_DROP_REASON_NEIGH_QUEUEFULL = 52,
	SKB_DROP_REASON_NEIGH_DEAD = 53,
};

#endif /* FLUXTRACE_VMLINUX_H */
