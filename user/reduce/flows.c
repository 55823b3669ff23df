// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Asymmetry: per flow, the interfaces and L2 peers each direction used,
 * and the verdicts return_path_mismatch, next_hop_mismatch, multipath and
 * one_way, with the ICMP errors that quote the flow and the stack's drops
 * of its packets attached. The hints are in explain/flows.c.
 *
 * The request is the initiator's direction, the reply the other one. A
 * packet at an ingress hook has its L2 peer as source MAC, at the egress
 * hook as destination MAC.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "reduce/internal.h"

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMP_ 1
#define IPPROTO_ICMPV6_ 58

struct flow_eval {
	__u8 client; /* enum ft_side of the client */
	bool mismatch;
	bool next_hop;
	bool next_hop_vrrp; /* a virtual router MAC on one end */
	__u8 multi_dir;	    /* bit 0: request, bit 1: reply */
	__u8 oneway;	    /* enum ft_oneway_reason */
	__u32 reaction;	    /* bit per path: the client's reaction to a reply */
};

static const __u8 *side_addr(const struct ft_flow_key *k, int side)
{
	return side == FT_SIDE_A ? k->addr_a : k->addr_b;
}

static __u16 side_port(const struct ft_flow_key *k, int side)
{
	return side == FT_SIDE_A ? k->port_a : k->port_b;
}

/* The kernel takes the first sender as client unless a SYN or an echo
 * said otherwise; a flow caught mid-stream from a service port to an
 * ephemeral one is turned around. A unicast answer to a group query is
 * no client: the querier is. */
static __u8 client_side(const struct ft_flow *f)
{
	__u8 c = f->initiator & 1;
	const struct ft_flow_key *k = &f->key;

	if (f->answers == 1u << FT_SIDE_A || f->answers == 1u << FT_SIDE_B)
		return f->answers == 1u << FT_SIDE_A ? FT_SIDE_B : FT_SIDE_A;
	if (f->sure || (k->proto != IPPROTO_TCP_ && k->proto != IPPROTO_UDP_))
		return c;
	if (side_port(k, c) < 1024 && side_port(k, c ^ 1) >= 1024)
		return c ^ 1;
	return c;
}

static bool addr_is_group(__u8 family, const __u8 *a)
{
	static const __u8 bcast[4] = { 255, 255, 255, 255 };

	if (family == FT_FAMILY_IPV6)
		return a[0] == 0xff;
	return (a[0] >= 224 && a[0] <= 239) || !memcmp(a, bcast, 4);
}

/* A group flow: to a multicast or broadcast address, or sent to a group
 * MAC and never answered on the same 5-tuple. The MAC is the only sign
 * of a subnet-directed broadcast (10.0.0.255), in a replay too; a flow
 * answered on its own 5-tuple is unicast IP over a group MAC (e.g. NLB
 * in multicast mode) and stays one. */
static bool flow_is_group(const struct ft_flow *f)
{
	const struct ft_flow_key *k = &f->key;

	if (addr_is_group(k->family, k->addr_a) || addr_is_group(k->family, k->addr_b))
		return true;
	return f->l2_group && (!f->pkts[0] || !f->pkts[1]);
}

/* ---- feeding ---- */

static bool flow_evictable(void *ctx, const void *entry);

int ft_flows_init(struct ft_reducer *r)
{
	int err = ft_table_init(&r->flows, sizeof(struct ft_flow), sizeof(struct ft_flow_key),
				r->opts.max_flows, flow_evictable, r);

	/* Any query may be forgotten: the oldest first. */
	return err ? err
		   : ft_table_init(&r->queries, sizeof(struct ft_group_query),
				   sizeof(struct ft_query_key), FT_GROUP_QUERIES, NULL, NULL);
}

/* guess: the record (an ICMP error, a drop) only guesses the initiator;
 * the first packet event or map read of the flow corrects it. */
static struct ft_flow *flow_get(struct ft_reducer *r, const struct ft_flow_key *key, __u8 initiator,
				bool sure, bool guess, __u64 ts)
{
	struct ft_flow_key k = *key;
	struct ft_flow *f;
	bool fresh;

	memset(k.pad, 0, sizeof(k.pad));
	f = ft_table_get(&r->flows, &k, &fresh);
	if (!f)
		return NULL;
	if (fresh) {
		r->flows_seen++;
		f->initiator = initiator & 1;
		f->sure = sure;
		f->guessed = guess && !sure;
		f->first_ns = f->last_ns = ts;
	} else if (!guess && (f->guessed || (sure && !f->sure))) {
		f->initiator = initiator & 1;
		f->sure |= sure;
		f->guessed = 0;
	}
	if (ts && (!f->first_ns || ts < f->first_ns))
		f->first_ns = ts;
	if (ts > f->last_ns)
		f->last_ns = ts;
	return f;
}

static void side_seen(struct ft_flow *f, int side, __u64 first, __u64 last)
{
	if (first && (!f->side_first[side] || first < f->side_first[side]))
		f->side_first[side] = first;
	if (last > f->side_last[side])
		f->side_last[side] = last;
}

static void add_path(struct ft_reducer *r, struct ft_flow *f, const struct ft_flow_event *e)
{
	__u8 out = e->hook == FT_HOOK_TC_EGRESS;
	const __u8 *mac = out ? e->dst_mac : e->src_mac;
	struct ft_path *p;

	if (e->hook != FT_HOOK_XDP && e->hook != FT_HOOK_TC_INGRESS && !out)
		return;
	/* Our own frame flooded back by a switch to another traced port
	 * (broadcast, multicast, unknown unicast) is not a path. */
	if (!out && ft_mac_is_local(r, mac))
		return;
	for (int i = 0; i < f->n_paths; i++) {
		p = &f->paths[i];
		if (p->side == e->side && p->out == out && p->ifindex == e->ifindex &&
		    !memcmp(p->mac, mac, 6)) {
			if (e->ts_ns < p->first_ns) {
				p->first_ns = e->ts_ns;
				p->tcp_flags = e->tcp_flags;
			}
			return;
		}
	}
	if (f->n_paths == FT_FLOW_PATHS) {
		r->paths_dropped++;
		return;
	}
	p = &f->paths[f->n_paths++];
	p->first_ns = e->ts_ns;
	p->ifindex = e->ifindex;
	memcpy(p->mac, mac, 6);
	p->side = e->side & 1;
	p->out = out;
	p->tcp_flags = e->tcp_flags;
}

/* ---- group queries and their unicast answers ---- */

static void query_key(struct ft_query_key *q, __u8 family, const __u8 *addr, __u16 qport,
		      __u16 gport)
{
	memset(q, 0, sizeof(*q));
	q->family = family;
	memcpy(q->addr, addr, 16);
	q->qport = qport;
	q->gport = gport;
}

/* A UDP packet addr:qport -> group:gport, a query answers may follow. */
static void query_seen(struct ft_reducer *r, const struct ft_flow_key *k, int side, __u64 ts)
{
	struct ft_group_query *q;
	struct ft_query_key key;
	bool fresh;

	query_key(&key, k->family, side_addr(k, side), side_port(k, side), side_port(k, side ^ 1));
	q = ft_table_get(&r->queries, &key, &fresh);
	if (q && ts > q->last_ns)
		q->last_ns = ts;
}

/* Does a unicast UDP flow side, first seen at ts, X:p -> L:q, answer a
 * query L:q -> group:p sent shortly before (conntrack's broadcast helper
 * relates them the same way)? A query from the unspecified address
 * (DHCP's 0.0.0.0:68 -> 255.255.255.255:67) is answered to the address
 * it is given. */
static bool answers_query(struct ft_reducer *r, const struct ft_flow_key *k, int side, __u64 ts)
{
	static const __u8 any[16];
	__u64 window = FT_GROUP_ANSWER_NS > r->opts.oneway_after_ns ? FT_GROUP_ANSWER_NS
								   : r->opts.oneway_after_ns;

	for (int i = 0; i < 2; i++) {
		const struct ft_group_query *q;
		struct ft_query_key key;

		query_key(&key, k->family, i ? any : side_addr(k, side ^ 1), side_port(k, side ^ 1),
			  side_port(k, side));
		q = ft_table_find(&r->queries, &key);
		/* Events of several CPUs may interleave by a hair. */
		if (q && q->last_ns <= ts + FT_STACK_NS && ts - q->last_ns <= window)
			return true;
	}
	return false;
}

int ft_flows_feed_flow(struct ft_reducer *r, const struct ft_flow_event *e)
{
	struct ft_flow *f =
		flow_get(r, &e->key, e->initiator, e->flags & FT_FLOW_INIT_SURE, false, e->ts_ns);
	int side = e->side & 1;
	bool to_group;

	if (!f)
		return -ENOMEM;
	side_seen(f, side, e->ts_ns, e->ts_ns);
	if (!f->pkts[side])
		f->pkts[side] = 1; /* the map's counters will say how many */
	if ((e->flags & FT_FLOW_L2_GROUP) || (e->dst_mac[0] & 1))
		f->l2_group = 1;
	if (e->key.proto == IPPROTO_UDP_) {
		to_group = addr_is_group(e->key.family, side_addr(&e->key, side ^ 1)) ||
			   (e->dst_mac[0] & 1) || (f->l2_group && !f->pkts[side ^ 1]);
		if (to_group)
			query_seen(r, &e->key, side, e->ts_ns);
		else if (!(f->answers & (1u << side)) &&
			 answers_query(r, &e->key, side, f->side_first[side]))
			f->answers |= 1u << side;
	}
	f->tcp_flags[side] |= e->tcp_flags;
	if (e->type == FT_REC_FLOW_END)
		f->ended |= 1 << side;
	add_path(r, f, e);
	return 0;
}

int ft_flows_feed_icmp(struct ft_reducer *r, const struct ft_icmp_event *e)
{
	struct ft_flow *f = flow_get(r, &e->key, e->side, false, true, e->ts_ns);
	struct ft_icmp_note *n;

	if (!f)
		return -ENOMEM;
	for (int i = 0; i < f->n_icmp; i++) {
		n = &f->icmp[i];
		if (n->type == e->icmp_type && n->code == e->icmp_code &&
		    !memcmp(n->from, e->from, 16))
			return 0;
	}
	if (f->n_icmp == FT_FLOW_ICMP)
		return 0;
	n = &f->icmp[f->n_icmp++];
	memcpy(n->from, e->from, 16);
	n->type = e->icmp_type;
	n->code = e->icmp_code;
	n->family = e->family;
	n->side = e->side & 1;
	return 0;
}

/* The kernel reports the first drop of each reason per flow; a replay or
 * a recreated kernel entry may repeat one, which is folded here. */
int ft_flows_feed_drop(struct ft_reducer *r, const struct ft_drop_event *e)
{
	struct ft_flow *f = flow_get(r, &e->key, e->side, false, true, e->ts_ns);
	struct ft_drop_note *d;

	if (!f)
		return -ENOMEM;
	for (int i = 0; i < f->n_drops; i++) {
		d = &f->drops[i];
		if (d->reason == e->reason && d->side == (e->side & 1) &&
		    d->ifindex == e->ifindex) {
			if (e->ts_ns < d->first_ns)
				d->first_ns = e->ts_ns;
			return 0;
		}
	}
	if (f->n_drops == FT_FLOW_DROPS)
		return 0; /* the first drops explain the flow */
	d = &f->drops[f->n_drops++];
	d->first_ns = e->ts_ns;
	d->ifindex = e->ifindex;
	d->reason = e->reason;
	d->side = e->side & 1;
	return 0;
}

/* A later snapshot of a flow supersedes the earlier one; counters only
 * grow, so the larger figure is the newer (the kernel entry may also have
 * been recreated, then the older total stays). */
int ft_flows_feed_stats(struct ft_reducer *r, const struct ft_flow_stats_record *s)
{
	__u64 first = 0;
	struct ft_flow *f;

	for (int i = 0; i < 2; i++)
		if (s->side[i].first_ns && (!first || s->side[i].first_ns < first))
			first = s->side[i].first_ns;
	f = flow_get(r, &s->key, s->initiator, s->flags & FT_FLOW_INIT_SURE, false, first);
	if (!f)
		return -ENOMEM;
	if (s->flags & FT_FLOW_L2_GROUP)
		f->l2_group = 1;
	for (int i = 0; i < 2; i++) {
		const struct ft_side_stats *ss = &s->side[i];
		__u64 pkts = ss->pkts_in > ss->pkts_out ? ss->pkts_in : ss->pkts_out;

		if (!pkts)
			continue;
		if (pkts > f->pkts[i])
			f->pkts[i] = pkts;
		f->pkts_in[i] = ss->pkts_in;
		f->dropped[i] = ss->drops;
		side_seen(f, i, ss->first_ns, ss->last_ns);
		f->tcp_flags[i] |= ss->tcp_flags;
		if (ss->last_ns > f->last_ns)
			f->last_ns = ss->last_ns;
	}
	return 0;
}

/* ---- verdicts ---- */

/*
 * Paths are judged by the exchange, not by every packet. A client-side
 * path is the client's reaction to a reply, not a path its requests take,
 * when its first packet is a TCP RST (with or without ACK) and the reply
 * had already been sent to that same L2 peer on that interface: a host
 * that gets a SYN-ACK or segment it never asked for (a load balancer's
 * DNATed flow answered directly) resets it straight back to the sender.
 * ICMP errors never make paths. Reactions are left out of the return
 * path, next hop and multipath verdicts and out of the finding's lists.
 * Returns a bit per path.
 */
_Static_assert(FT_FLOW_PATHS <= 32, "a bit per path in a __u32");

static __u32 reactions(const struct ft_flow *f, __u8 c)
{
	__u32 mask = 0;

	if (f->key.proto != IPPROTO_TCP_)
		return 0;
	for (int i = 0; i < f->n_paths; i++) {
		const struct ft_path *p = &f->paths[i];

		if (p->side != c || !(p->tcp_flags & FT_TCP_RST) ||
		    (p->tcp_flags & ~(FT_TCP_RST | FT_TCP_ACK)))
			continue;
		for (int j = 0; j < f->n_paths; j++) {
			const struct ft_path *q = &f->paths[j];

			if (q->side != c && q->out != p->out && q->ifindex == p->ifindex &&
			    !memcmp(q->mac, p->mac, 6) && q->first_ns <= p->first_ns) {
				mask |= 1u << i;
				break;
			}
		}
	}
	return mask;
}

static int grp_find(__u8 *g, int i)
{
	while (g[i] != i)
		i = g[i] = g[g[i]];
	return i;
}

/* Paths of one direction and hook class are one group when they share an
 * interface, or when they are one packet crossing stacked devices (same
 * L2 peer, first seen within FT_STACK_NS). */
static void path_groups(const struct ft_flow *f, __u32 skip, __u8 *g)
{
	for (int i = 0; i < f->n_paths; i++)
		g[i] = i;
	for (int i = 0; i < f->n_paths; i++) {
		for (int j = i + 1; j < f->n_paths; j++) {
			const struct ft_path *a = &f->paths[i], *b = &f->paths[j];
			__u64 d = a->first_ns > b->first_ns ? a->first_ns - b->first_ns
							    : b->first_ns - a->first_ns;

			if (a->side != b->side || a->out != b->out || ((skip >> i) & 1) ||
			    ((skip >> j) & 1))
				continue;
			if (a->ifindex == b->ifindex ||
			    (!memcmp(a->mac, b->mac, 6) && d <= FT_STACK_NS))
				g[grp_find(g, j)] = grp_find(g, i);
		}
	}
}

/* Does the group of path q use one of the interfaces of set? */
static bool group_hits(const struct ft_flow *f, __u8 *g, int q, const struct ft_iflist *set)
{
	int gq = grp_find(g, q);

	for (int i = 0; i < f->n_paths; i++) {
		if (grp_find(g, i) != gq)
			continue;
		for (__u32 k = 0; k < set->n; k++)
			if (set->ifindex[k] == f->paths[i].ifindex)
				return true;
	}
	return false;
}

static void iflist_of(const struct ft_flow *f, __u32 skip, int side, int out, struct ft_iflist *l)
{
	memset(l, 0, sizeof(*l));
	for (int i = 0; i < f->n_paths; i++)
		if (f->paths[i].side == side && f->paths[i].out == out && !((skip >> i) & 1))
			ft_iflist_add(l, f->paths[i].ifindex);
}

/* Same interface, disjoint L2 peers: request side (side c, class out_c)
 * against reply side (other side, the opposite class); the client's
 * reactions (ev->reaction) are no request peers. */
static void check_next_hop(const struct ft_flow *f, int c, int out_c, struct flow_eval *ev)
{
	for (int i = 0; i < f->n_paths; i++) {
		const struct ft_path *p = &f->paths[i];
		bool have_rep = false, common = false, vrrp = false;

		if (p->side != c || p->out != out_c || ((ev->reaction >> i) & 1))
			continue;
		for (int j = 0; j < f->n_paths; j++) {
			const struct ft_path *q = &f->paths[j];

			if (q->side == c || q->out == out_c || q->ifindex != p->ifindex)
				continue;
			have_rep = true;
			vrrp |= ft_mac_is_vrrp(q->mac);
			/* any request peer on this interface matching this reply peer */
			for (int k = 0; k < f->n_paths; k++) {
				const struct ft_path *o = &f->paths[k];

				if ((ev->reaction >> k) & 1)
					continue;
				if (o->side == c && o->out == out_c && o->ifindex == p->ifindex &&
				    !memcmp(o->mac, q->mac, 6))
					common = true;
				if (o->side == c && o->out == out_c && o->ifindex == p->ifindex)
					vrrp |= ft_mac_is_vrrp(o->mac);
			}
		}
		if (have_rep && !common) {
			ev->next_hop = true;
			ev->next_hop_vrrp |= vrrp;
		}
	}
}

static bool icmp_unreachable(const struct ft_flow *f, bool *only_ttl)
{
	bool unreach = false;

	*only_ttl = f->n_icmp > 0;
	for (int i = 0; i < f->n_icmp; i++) {
		const struct ft_icmp_note *n = &f->icmp[i];
		bool v6 = n->family == FT_FAMILY_IPV6;

		if ((!v6 && n->type == 3 && n->code != 4) || (v6 && n->type == 1))
			unreach = true;
		if (!((!v6 && n->type == 11) || (v6 && n->type == 3)))
			*only_ttl = false;
	}
	return unreach;
}

static bool stream_port(const struct ft_reducer *r, __u16 port)
{
	for (__u32 i = 0; i < r->n_stream_ports; i++)
		if (r->stream_ports[i] == port)
			return true;
	return false;
}

/*
 * one_way: one direction seen and nothing back for oneway_after_ns before
 * "now". TCP: a SYN never answered, or a flow seen mid-stream one way
 * (a lone RST is an answer, not a flow). ICMP: echo requests unanswered.
 * UDP: a request with no response, unless it looks like a one-way
 * stream: a well-known one-way port (syslog, SNMP traps, NetFlow/IPFIX/
 * sFlow, statsd, collectd, GELF, VXLAN/Geneve, plus the configured ones),
 * or more than oneway_udp_max_pkts packets. An ICMP unreachable for a UDP
 * flow always counts (a failed exchange); one that drew only TTL-exceeded
 * errors is a traceroute probe. Never one_way: a group flow (a multicast
 * or broadcast address or MAC), and a unicast answer to a group query.
 */
static __u8 oneway_reason(const struct ft_reducer *r, const struct ft_flow *f, __u8 c, __u64 now)
{
	const struct ft_flow_key *k = &f->key;
	bool seen_c = f->pkts[c] > 0, seen_s = f->pkts[c ^ 1] > 0, only_ttl;
	int s = seen_c ? c : c ^ 1;

	if (seen_c == seen_s)
		return FT_OW_NONE;
	if (now < f->side_first[s] || now - f->side_first[s] < r->opts.oneway_after_ns)
		return FT_OW_NONE;
	if (flow_is_group(f))
		return FT_OW_NONE;

	switch (k->proto) {
	case IPPROTO_TCP_:
		if (!seen_c)
			return FT_OW_REPLY_ONLY;
		if (f->sure && (f->tcp_flags[c] & FT_TCP_SYN))
			return FT_OW_SYN;
		if ((f->tcp_flags[c] & FT_TCP_RST) &&
		    !(f->tcp_flags[c] & ~(FT_TCP_RST | FT_TCP_ACK)) && f->pkts[c] <= 2)
			return FT_OW_NONE;
		return FT_OW_MIDSTREAM;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		if (!f->sure)
			return FT_OW_NONE; /* not an echo */
		return seen_c ? FT_OW_ECHO : FT_OW_REPLY_ONLY;
	case IPPROTO_UDP_:
		/* The answer to a group query (even one the querier no longer
		 * listens for: its port unreachable) completes that exchange. */
		if (f->answers)
			return FT_OW_NONE;
		if (icmp_unreachable(f, &only_ttl))
			return seen_c ? FT_OW_UDP : FT_OW_REPLY_ONLY;
		if (only_ttl)
			return FT_OW_NONE;
		if (stream_port(r, side_port(k, c ^ 1)))
			return FT_OW_NONE;
		if (f->pkts[s] > r->opts.oneway_udp_max_pkts)
			return FT_OW_NONE;
		return seen_c ? FT_OW_UDP : FT_OW_REPLY_ONLY;
	}
	return FT_OW_NONE;
}

/* Did the direction that suffered a drop reach its socket at least once?
 * An answer proves it: the request did when the server answered (TCP: with
 * an ACK, i.e. a SYN-ACK or later; else any packet back), a TCP reply when
 * the client acknowledged it. UDP and ICMP clients never acknowledge: there
 * the kernel's per-side counts tell, once read from the map, whether more
 * packets arrived than the stack dropped. */
static bool flow_got_through(const struct ft_flow *f, __u8 c, bool request)
{
	__u8 side = request ? c : c ^ 1;

	if (f->key.proto == IPPROTO_TCP_)
		return f->tcp_flags[request ? c ^ 1 : c] & FT_TCP_ACK;
	if (request && f->pkts[c ^ 1] > 0)
		return true;
	return f->dropped[side] && f->pkts_in[side] > f->dropped[side];
}

/*
 * one_way because the stack dropped one direction (rp_filter, netfilter)
 * and it never got through: the earliest such drop names the reason. As
 * for unanswered requests, oneway_after_ns must pass after the drop, so a
 * retransmission has its chance. A one-off drop in a flow that works (a
 * late retransmission found INVALID by conntrack) is no finding.
 */
static __u8 drop_reason(const struct ft_reducer *r, const struct ft_flow *f, __u8 c, __u64 now)
{
	const struct ft_drop_note *first = NULL;

	for (int i = 0; i < f->n_drops; i++) {
		const struct ft_drop_note *d = &f->drops[i];

		if (flow_got_through(f, c, d->side == c))
			continue;
		if (now < d->first_ns || now - d->first_ns < r->opts.oneway_after_ns)
			continue;
		if (!first || d->first_ns < first->first_ns)
			first = d;
	}
	if (!first)
		return FT_OW_NONE;
	if (first->side == c)
		return first->reason == FT_DROP_RPFILTER ? FT_OW_REQUEST_DROPPED_RPF
							 : FT_OW_REQUEST_DROPPED_NF;
	return first->reason == FT_DROP_RPFILTER ? FT_OW_REPLY_DROPPED_RPF : FT_OW_REPLY_DROPPED_NF;
}

static void evaluate(const struct ft_reducer *r, const struct ft_flow *f, __u64 now,
		     struct flow_eval *ev)
{
	struct ft_iflist req_in, req_out;
	__u8 g[FT_FLOW_PATHS];
	__u8 c, dropped;

	memset(ev, 0, sizeof(*ev));
	c = ev->client = client_side(f);
	/* Return paths and next hops are unicast notions. */
	if (flow_is_group(f))
		return;
	ev->reaction = reactions(f, c);
	path_groups(f, ev->reaction, g);
	iflist_of(f, ev->reaction, c, 0, &req_in);
	iflist_of(f, ev->reaction, c, 1, &req_out);

	/* Return path: each reply path must share an interface (or a stacked
	 * device) with the request path it mirrors. End host: reply out vs
	 * request in, or reply in vs request out; a forwarding host has both. */
	for (int i = 0; i < f->n_paths; i++) {
		const struct ft_path *q = &f->paths[i];

		if (q->side == c)
			continue;
		if (q->out && req_in.n && !group_hits(f, g, i, &req_in))
			ev->mismatch = true;
		if (!q->out && req_out.n && !group_hits(f, g, i, &req_out))
			ev->mismatch = true;
	}

	check_next_hop(f, c, 0, ev);
	check_next_hop(f, c, 1, ev);

	/* Multipath: one direction and hook class over several groups. */
	for (int dir = 0; dir < 2; dir++) {
		int side = dir ? c ^ 1 : c;

		for (int out = 0; out < 2; out++) {
			int first = -1;

			for (int i = 0; i < f->n_paths; i++) {
				if (f->paths[i].side != side || f->paths[i].out != out ||
				    ((ev->reaction >> i) & 1))
					continue;
				if (first < 0)
					first = grp_find(g, i);
				else if (grp_find(g, i) != first)
					ev->multi_dir |= 1 << dir;
			}
		}
	}
	ev->oneway = oneway_reason(r, f, c, now);
	/* A dropped direction is the actionable fact: one_way names the drop
	 * and replaces return_path_mismatch, whose interfaces it still lists. */
	if ((dropped = drop_reason(r, f, c, now)) != FT_OW_NONE) {
		ev->oneway = dropped;
		ev->mismatch = false;
	}
}

static bool flow_evictable(void *ctx, const void *entry)
{
	const struct ft_flow *f = entry;
	struct flow_eval ev;

	if (f->n_icmp)
		return false;
	/* Judged at the end of time: a flow that could still become one_way
	 * is kept. */
	evaluate(ctx, f, UINT64_MAX, &ev);
	return !ev.mismatch && !ev.next_hop && !ev.multi_dir && ev.oneway == FT_OW_NONE;
}

/* ---- findings ---- */

static void fill_view(const struct ft_flow *f, __u8 c, __u32 skip, struct ft_finding *x)
{
	const struct ft_flow_key *k = &f->key;
	bool ports = k->proto == IPPROTO_TCP_ || k->proto == IPPROTO_UDP_;

	x->family = k->family;
	x->proto = k->proto;
	x->client_side = c;
	memcpy(x->client_ip, side_addr(k, c), 16);
	memcpy(x->server_ip, side_addr(k, c ^ 1), 16);
	x->client_port = ports ? side_port(k, c) : 0;
	x->server_port = ports ? side_port(k, c ^ 1) : 0;
	for (int i = 0; i < f->n_paths; i++) {
		const struct ft_path *p = &f->paths[i];

		if ((skip >> i) & 1)
			continue;
		if (p->side == c && !p->out) {
			ft_iflist_add(&x->req_in, p->ifindex);
			ft_maclist_add(&x->req_src, p->mac);
		} else if (p->side == c) {
			ft_iflist_add(&x->req_out, p->ifindex);
			ft_maclist_add(&x->req_dst, p->mac);
		} else if (!p->out) {
			ft_iflist_add(&x->rep_in, p->ifindex);
			ft_maclist_add(&x->rep_src, p->mac);
		} else {
			ft_iflist_add(&x->rep_out, p->ifindex);
			ft_maclist_add(&x->rep_dst, p->mac);
		}
	}
	x->pkts_req = f->pkts[c];
	x->pkts_rep = f->pkts[c ^ 1];
	x->n_icmp = f->n_icmp;
	memcpy(x->icmp, f->icmp, sizeof(x->icmp));
	x->n_drops = f->n_drops;
	memcpy(x->drops, f->drops, sizeof(x->drops));
	x->first_ns = f->first_ns;
	/* A flow renews its finding with every packet it still sends: the
	 * reducer sees what is new, so its last event or count is the latest
	 * evidence it has. */
	x->last_ns = x->evidence_ns = f->last_ns;
	x->weight = x->pkts_req + x->pkts_rep;
	memcpy(x->tcp_flags, f->tcp_flags, sizeof(x->tcp_flags));
	if (flow_got_through(f, c, true))
		x->got_through |= FT_GOT_REQUEST;
	if (flow_got_through(f, c, false))
		x->got_through |= FT_GOT_REPLY;
}

static bool maclist_allowed(const struct ft_reducer *r, const struct ft_maclist *l)
{
	for (__u32 i = 0; i < l->n; i++)
		if (ft_allowed_mac(&r->allow, l->mac[i]))
			return true;
	return false;
}

static bool view_allowed(const struct ft_reducer *r, const struct ft_finding *x)
{
	return ft_allowed_ip(&r->allow, x->family, x->client_ip) ||
	       ft_allowed_ip(&r->allow, x->family, x->server_ip) || maclist_allowed(r, &x->req_src) ||
	       maclist_allowed(r, &x->req_dst) || maclist_allowed(r, &x->rep_src) ||
	       maclist_allowed(r, &x->rep_dst);
}

static int add_finding(struct ft_reducer *r, struct ft_findings *fs, const struct ft_flow *f,
		       const struct flow_eval *ev, __u8 kind, __u8 cls)
{
	struct ft_finding *x = ft_findings_add(fs);

	if (!x)
		return -ENOMEM;
	fill_view(f, ev->client, ev->reaction, x);
	x->kind = kind;
	x->cls = view_allowed(r, x) ? FT_CLASS_ALLOWED : cls;
	if (kind == FT_KIND_ONE_WAY)
		x->reason = ev->oneway;
	if (kind == FT_KIND_MULTIPATH)
		x->multi_dir = ev->multi_dir;
	return 0;
}

int ft_flows_collect(struct ft_reducer *r, struct ft_findings *fs)
{
	for (__u32 i = 0; i < r->flows.n_alloc; i++) {
		const struct ft_flow *f = ft_table_at(&r->flows, i);
		struct flow_eval ev;
		int err = 0;

		if (!f)
			continue;
		evaluate(r, f, r->now_ns, &ev);
		if (ev.mismatch)
			err = add_finding(r, fs, f, &ev, FT_KIND_RETURN_PATH_MISMATCH,
					  FT_CLASS_NONE);
		if (!err && ev.next_hop)
			err = add_finding(r, fs, f, &ev, FT_KIND_NEXT_HOP_MISMATCH,
					  ev.next_hop_vrrp ? FT_CLASS_VRRP : FT_CLASS_NONE);
		if (!err && ev.multi_dir)
			err = add_finding(r, fs, f, &ev, FT_KIND_MULTIPATH, FT_CLASS_NONE);
		if (!err && ev.oneway != FT_OW_NONE)
			err = add_finding(r, fs, f, &ev, FT_KIND_ONE_WAY, FT_CLASS_NONE);
		if (!err)
			err = ft_findings_checkpoint(r, fs);
		if (err)
			return err;
	}
	return 0;
}
