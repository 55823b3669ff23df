/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ARP/NDP on the wire and the neighbour table: what user space needs to
 * see one IP answered from several places, or an entry flipping MACs.
 */
#ifndef FLUXTRACE_NEIGH_BPF_H
#define FLUXTRACE_NEIGH_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "fluxtrace/events.h"
#include "common.bpf.h"
#include "parse.bpf.h"

/* Set by the loader before load: ARP/NDP repeat folding window. */
const volatile __u64 ft_arp_window_ns = 1000000000ULL;

#define FT_ARP_DEDUP_ENTRIES 4096

struct ft_arp_key {
	__u32 ifindex;
	__u8 hook;
	__u8 op;
	__u8 flags;
	__u8 family;
	__u8 sender_ip[16];
	__u8 target_ip[16];
	__u8 sender_mac[6];
	__u8 pad[2];
};

struct ft_arp_seen {
	__u64 last_ns;		/* last time one was reported (coarse clock) */
	__u32 folded;		/* repeats folded since */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FT_ARP_DEDUP_ENTRIES);
	__type(key, struct ft_arp_key);
	__type(value, struct ft_arp_seen);
} ft_arp_dedup SEC(".maps");

/* Report an ARP/NDP packet unless an identical one was reported less than
 * ft_arp_window_ns ago; folded repeats are counted into the next report.
 * Global, not static, like ft_icmp_error(): verified once on its own. */
__noinline int ft_arp_packet(const struct ft_pkt *p, __u32 hook, __u32 ifindex)
{
	const struct ft_arp_info *ai;
	struct ft_arp_key key = { .ifindex = ifindex, .hook = hook };
	struct ft_arp_seen *seen;
	struct ft_arp_event *e;
	/* The window is judged on the coarse clock (one tick, a few ms, is
	 * nothing against a window of a second): a repeat, the common case in
	 * an ARP storm, then reads no fine clock. Only a report reads it. */
	__u64 now = bpf_ktime_get_coarse_ns(), window;
	__u32 folded = 0;

	if (!p)
		return 0;
	ai = &p->arp;
	key.op = ai->op;
	key.flags = ai->flags;
	key.family = ai->family;
	__builtin_memcpy(key.sender_ip, ai->sender_ip, 16);
	__builtin_memcpy(key.target_ip, ai->target_ip, 16);
	__builtin_memcpy(key.sender_mac, ai->sender_mac, 6);

	/* This host's own requests come from its neighbour state machine, at
	 * most one per retransmit time (1 s by default) per address: folded
	 * only when faster than that, so every unanswered request is seen. */
	window = ft_arp_window_ns;
	if (hook == FT_HOOK_TC_EGRESS && !(ai->flags & (FT_ARP_GRATUITOUS | FT_ARP_PROBE)) &&
	    (ai->op == FT_ARP_REQUEST || ai->op == FT_NDP_NS))
		window >>= 2;
	seen = bpf_map_lookup_elem(&ft_arp_dedup, &key);
	if (seen) {
		if (now - seen->last_ns < window) {
			seen->folded++;
			ft_count(FT_CNT_ARP_FOLDED);
			return 0;
		}
		folded = seen->folded;
		seen->folded = 0;
		seen->last_ns = now;
	} else {
		struct ft_arp_seen fresh = { .last_ns = now };

		if (bpf_map_update_elem(&ft_arp_dedup, &key, &fresh, BPF_ANY))
			ft_count(FT_CNT_ARP_MAP_FULL);
	}

	e = ft_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->type = FT_REC_ARP;
	e->hook = hook;
	e->op = ai->op;
	e->flags = ai->flags;
	e->ifindex = ifindex;
	e->ts_ns = bpf_ktime_get_ns();
	__builtin_memcpy(e->sender_ip, ai->sender_ip, 16);
	__builtin_memcpy(e->target_ip, ai->target_ip, 16);
	__builtin_memcpy(e->sender_mac, ai->sender_mac, 6);
	__builtin_memcpy(e->target_mac, ai->target_mac, 6);
	__builtin_memcpy(e->eth_src, p->eth_src, 6);
	__builtin_memcpy(e->eth_dst, p->eth_dst, 6);
	e->family = ai->family;
	e->pad = 0;
	e->vlan = p->vlan;
	e->repeats = folded;
	ft_event_submit(e);
	return 0;
}

/* neigh_update fires before the change, neigh_update_done after it, on the
 * same CPU under the entry's lock: stash the old state in between. */
struct ft_neigh_before {
	__u64 neigh;		/* which entry the stash belongs to */
	__u8 ha[6];
	__u8 nud_state;
	__u8 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ft_neigh_before);
} ft_neigh_stash SEC(".maps");

static __always_inline int ft_neigh_in_netns(struct neighbour *n)
{
	if (BPF_CORE_READ(n, dev, nd_net.net, ns.inum) == ft_netns_ino)
		return 1;
	ft_count(FT_CNT_NEIGH_OTHER_NETNS);
	return 0;
}

static __always_inline void ft_neigh_before(struct neighbour *n)
{
	__u32 zero = 0;
	struct ft_neigh_before *b = bpf_map_lookup_elem(&ft_neigh_stash, &zero);

	if (!b)
		return;
	b->neigh = 0;
	if (!ft_neigh_in_netns(n))
		return;
	b->neigh = (__u64)n;
	b->nud_state = BPF_CORE_READ(n, nud_state);
	bpf_probe_read_kernel(b->ha, 6, &n->ha);
}

static __always_inline int ft_mac_eq(const __u8 *a, const __u8 *b)
{
	return *(const __u32 *)a == *(const __u32 *)b &&
	       *(const __u16 *)(a + 4) == *(const __u16 *)(b + 4);
}

/* A neighbour event for n, its header and address filled in; NULL for a
 * family other than IPv4/IPv6 or a full ring buffer (counted there). */
static __always_inline struct ft_neigh_event *ft_neigh_event_start(struct neighbour *n, __u8 flags)
{
	struct ft_neigh_event *e;
	int family = BPF_CORE_READ(n, tbl, family);

	if (family != 2 /* AF_INET */ && family != 10 /* AF_INET6 */)
		return NULL;
	e = ft_event_reserve(sizeof(*e));
	if (!e)
		return NULL;
	e->type = FT_REC_NEIGH;
	e->family = family == 2 ? FT_FAMILY_IPV4 : FT_FAMILY_IPV6;
	e->flags = flags;
	e->pad = 0;
	e->ifindex = BPF_CORE_READ(n, dev, ifindex);
	e->ts_ns = bpf_ktime_get_ns();
	__builtin_memset(e->ip, 0, 16);
	bpf_probe_read_kernel(e->ip, family == 2 ? 4 : 16,
			      (void *)n + bpf_core_field_offset(struct neighbour, primary_key));
	return e;
}

static __always_inline void ft_neigh_after(struct neighbour *n)
{
	__u32 zero = 0;
	struct ft_neigh_before *b = bpf_map_lookup_elem(&ft_neigh_stash, &zero);
	struct ft_neigh_event *e;
	__u8 ha[6];
	__u8 state;

	if (!b || b->neigh != (__u64)n)
		return;
	b->neigh = 0;
	state = BPF_CORE_READ(n, nud_state);
	bpf_probe_read_kernel(ha, 6, &n->ha);
	/* Most updates confirm what is there: not news. */
	if (state == b->nud_state && ft_mac_eq(ha, b->ha))
		return;

	e = ft_neigh_event_start(n, 0);
	if (!e)
		return;
	__builtin_memcpy(e->old_mac, b->ha, 6);
	__builtin_memcpy(e->new_mac, ha, 6);
	e->old_state = b->nud_state;
	e->new_state = state;
	ft_event_submit(e);
}

/* Resolution giving up does not go through neigh_update: the neighbour
 * timer sets NUD_FAILED itself after its last unanswered probe. The
 * timer's tracepoint fires after each run; report the run that left the
 * entry FAILED (the timer is not re-armed then, so once per failure). */
static __always_inline void ft_neigh_timer(struct neighbour *n)
{
	struct ft_neigh_event *e;

	if (BPF_CORE_READ(n, nud_state) != FT_NUD_FAILED || !ft_neigh_in_netns(n))
		return;
	e = ft_neigh_event_start(n, FT_NEIGH_BY_TIMER);
	if (!e)
		return;
	/* The address it had, if any (a PROBE that failed keeps it). */
	bpf_probe_read_kernel(e->old_mac, 6, &n->ha);
	__builtin_memcpy(e->new_mac, e->old_mac, 6);
	e->old_state = FT_NUD_INCOMPLETE;
	e->new_state = FT_NUD_FAILED;
	ft_event_submit(e);
}

#endif /* FLUXTRACE_NEIGH_BPF_H */
