// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Flow state kept in the kernel, through the real programs: one entry per
 * flow under a canonical key, who initiated, per-side counters, and the
 * rule that only news reaches the ring buffer (a new flow, a new path of
 * a side, the first FIN/RST of a side).
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include "lib/bpf_run.h"

#define LO_IFINDEX 1
#define OTHER_IF 1		/* step.iface: the non-loopback interface */

struct ep {
	int family;
	const char *ip;
	__u16 port;
	const __u8 *mac;
};

static const struct ep A4 = { 4, "10.0.0.1", 40000, MAC_A };
static const struct ep B4 = { 4, "10.0.0.2", 80, MAC_B };
static const struct ep A6 = { 6, "2001:db8::1", 40000, MAC_A };
static const struct ep B6 = { 6, "2001:db8::2", 443, MAC_B };

enum dir { AB, BA };

/* One packet of a scenario and the event it must produce (0: none). */
struct step {
	const char *desc;
	enum ft_hook hook;
	enum dir dir;
	__u8 l4;		/* TCP flags, or ICMP type for ICMP flows */
	int expect;		/* FT_REC_FLOW_* or 0 */
	const __u8 *src_mac;	/* NULL: the sender's */
	const __u8 *dst_mac;	/* NULL: the receiver's */
	int iface;		/* 0: lo, OTHER_IF: another interface */
};

struct scenario {
	const struct ep *a, *b;	/* a is who sends in direction AB */
	__u8 proto;
	enum dir initiator;	/* who the flow must name as initiator */
	__u8 flow_flags;	/* FT_FLOW_* expected in events */
	__u16 echo_id;		/* ICMP flows */
	int ipv6_ext;		/* put extension headers in front of L4 */
};

#define STEP(d, h, dr, l, e, ...) \
	{ .desc = d, .hook = h, .dir = dr, .l4 = l, .expect = e, __VA_ARGS__ }

TestSuite(bpf_flow, .init = bt_setup, .fini = bt_teardown, .timeout = 60);

static void build(struct frame *f, const struct scenario *sc, const struct step *s)
{
	const struct ep *from = s->dir == AB ? sc->a : sc->b, *to = s->dir == AB ? sc->b : sc->a;
	__u8 first = sc->proto;

	fr_eth(f, s->dst_mac ? s->dst_mac : to->mac, s->src_mac ? s->src_mac : from->mac,
	       from->family == 4 ? ETH_TYPE_IPV4 : ETH_TYPE_IPV6);
	if (from->family == 4) {
		fr_ipv4(f, from->ip, to->ip, sc->proto);
	} else {
		if (sc->ipv6_ext)
			first = IPPROTO_HOPOPTS;
		fr_ipv6(f, from->ip, to->ip, first);
		if (sc->ipv6_ext) {
			fr_ip6_ext(f, IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, 8);
			fr_ip6_ext(f, IPPROTO_DSTOPTS, IPPROTO_ROUTING, 16);
			fr_ip6_ext(f, IPPROTO_ROUTING, sc->proto, 24);
		}
	}
	switch (sc->proto) {
	case IPPROTO_TCP:
		fr_tcp(f, from->port, to->port, s->l4);
		break;
	case IPPROTO_UDP:
		fr_udp(f, from->port, to->port);
		fr_zeros(f, 20);
		break;
	default:
		fr_icmp(f, s->l4, 0, sc->echo_id, 7);
		fr_zeros(f, 32);
		break;
	}
	fr_done(f);
}

static void scenario_key(const struct scenario *sc, struct ft_flow_key *key)
{
	int icmp = sc->proto == IPPROTO_ICMP || sc->proto == IPPROTO_ICMPV6;

	bt_key(key, sc->a->family, sc->proto, sc->a->ip, icmp ? sc->echo_id : sc->a->port,
	       sc->b->ip, icmp ? sc->echo_id : sc->b->port);
}

static int side_of(const struct scenario *sc, const struct ft_flow_key *key, enum dir dir)
{
	const struct ep *from = dir == AB ? sc->a : sc->b;
	int icmp = sc->proto == IPPROTO_ICMP || sc->proto == IPPROTO_ICMPV6;

	return bt_side_of(key, from->family, from->ip, icmp ? sc->echo_id : from->port);
}

static __u32 step_ifindex(const struct step *s)
{
	__u32 other;

	if (s->iface != OTHER_IF)
		return LO_IFINDEX;
	other = bt_other_ifindex();
	if (!other)
		cr_skip_test("no interface besides lo to run on");
	return other;
}

static void check_flow_event(const struct scenario *sc, const struct step *s,
			     const struct frame *f, const struct ft_flow_key *key, __u32 ifindex)
{
	const union bt_event *ev = bt_take();
	const struct ft_flow_event *e;

	cr_assert_not_null(ev, "%s: no event, want type %d", s->desc, s->expect);
	e = &ev->flow;
	cr_expect_eq(e->type, s->expect, "%s: event type %d, want %d", s->desc, e->type, s->expect);
	cr_expect_eq(e->hook, s->hook, "%s: hook %d", s->desc, e->hook);
	cr_expect_eq(e->ifindex, ifindex, "%s: ifindex %u, want %u", s->desc, e->ifindex, ifindex);
	cr_expect_arr_eq(&e->key, key, sizeof(*key), "%s: key differs", s->desc);
	cr_expect_eq(e->side, side_of(sc, key, s->dir), "%s: side %d", s->desc, e->side);
	cr_expect_eq(e->initiator, side_of(sc, key, sc->initiator), "%s: initiator %d", s->desc,
		     e->initiator);
	cr_expect_eq(e->flags, sc->flow_flags, "%s: flags %#x, want %#x", s->desc, e->flags,
		     sc->flow_flags);
	cr_expect_arr_eq(e->src_mac, f->data + 6, 6, "%s: src MAC", s->desc);
	cr_expect_arr_eq(e->dst_mac, f->data, 6, "%s: dst MAC", s->desc);
	if (sc->proto == IPPROTO_TCP)
		cr_expect_eq(e->tcp_flags, s->l4, "%s: tcp flags %#x", s->desc, e->tcp_flags);
	cr_expect_eq(e->pkt_len, f->len, "%s: pkt_len %u, frame %zu", s->desc, e->pkt_len, f->len);
	cr_expect_gt(e->ts_ns, 0, "%s: no timestamp", s->desc);
}

/* Runs the steps in order; every step must produce exactly its event. */
static void play(const struct scenario *sc, const struct step *steps, size_t n)
{
	struct ft_flow_key key;

	scenario_key(sc, &key);
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &steps[i];
		__u32 ifindex = step_ifindex(s);
		struct frame f;

		build(&f, sc, s);
		bt_run(s->hook, &f, ifindex);
		if (s->expect)
			check_flow_event(sc, s, &f, &key, ifindex);
		cr_expect_eq(bt_pending(), 0, "%s: %d unexpected events (first type %d)", s->desc,
			     bt_pending(), bt_pending() ? bt_take()->type : 0);
	}
	cr_expect_eq(bt_flow_count(), 1, "%d flows, want the one", bt_flow_count());
}

static void get_flow(const struct scenario *sc, struct ft_flow_state *st)
{
	struct ft_flow_key key;

	scenario_key(sc, &key);
	cr_assert_eq(bt_flow_get(&key, st), 0, "the flow is not in ft_flows under its key");
}

#define SYN FT_TCP_SYN
#define ACK FT_TCP_ACK
#define FIN FT_TCP_FIN
#define RST FT_TCP_RST
#define PSH 0x08
#define XDP FT_HOOK_XDP
#define TCI FT_HOOK_TC_INGRESS
#define TCE FT_HOOK_TC_EGRESS

static const struct scenario tcp4 = {
	.a = &A4, .b = &B4, .proto = IPPROTO_TCP, .initiator = AB, .flow_flags = FT_FLOW_INIT_SURE,
};

/* Host A's view: it sends at tc egress, receives at XDP. */
Test(bpf_flow, tcp_lifecycle_host_view)
{
	static const struct step steps[] = {
		STEP("SYN out: new flow", TCE, AB, SYN, FT_REC_FLOW_NEW),
		STEP("SYN-ACK in: B's first path", XDP, BA, SYN | ACK, FT_REC_FLOW_PATH),
		STEP("ACK out: nothing new", TCE, AB, ACK, 0),
		STEP("data out: nothing new", TCE, AB, PSH | ACK, 0),
		STEP("ACK in: nothing new", XDP, BA, ACK, 0),
		STEP("FIN out: A ends", TCE, AB, FIN | ACK, FT_REC_FLOW_END),
		STEP("FIN in: B ends", XDP, BA, FIN | ACK, FT_REC_FLOW_END),
		STEP("last ACK out: nothing new", TCE, AB, ACK, 0),
		STEP("FIN retransmitted: already ended", TCE, AB, FIN | ACK, 0),
	};
	struct ft_flow_state st;
	int a, b;
	struct ft_flow_key key;

	play(&tcp4, steps, sizeof(steps) / sizeof(steps[0]));
	get_flow(&tcp4, &st);
	scenario_key(&tcp4, &key);
	a = side_of(&tcp4, &key, AB);
	b = a ^ 1;
	cr_expect_eq(st.initiator, a, "initiator %d, want A's side %d", st.initiator, a);
	cr_expect_eq(st.flags, FT_FLOW_INIT_SURE);
	cr_expect_eq(st.side[a].pkts_out, 6, "A out %llu", (unsigned long long)st.side[a].pkts_out);
	cr_expect_eq(st.side[a].pkts_in, 0);
	cr_expect_eq(st.side[b].pkts_in, 3, "B in %llu", (unsigned long long)st.side[b].pkts_in);
	cr_expect_eq(st.side[b].pkts_out, 0);
	cr_expect_eq(st.side[a].bytes_out, 6 * 54, "A bytes out %llu",
		     (unsigned long long)st.side[a].bytes_out);
	cr_expect_eq(st.side[b].bytes_in, 3 * 54);
	cr_expect_eq(st.side[a].tcp_flags, SYN | ACK | PSH | FIN);
	cr_expect_eq(st.side[b].tcp_flags, SYN | ACK | FIN);
	for (int s = 0; s < 2; s++) {
		cr_expect_gt(st.side[s].first_ns, 0, "side %d first_ns unset", s);
		cr_expect_geq(st.side[s].last_ns, st.side[s].first_ns, "side %d last < first", s);
	}
	cr_expect_eq(bt_counter(FT_CNT_PACKETS), 9);
}

/* A router or bridge sees both directions at one hook: in/out counters
 * follow the hook. */
static void handshake_at(enum ft_hook hook)
{
	const struct step steps[] = {
		STEP("SYN", hook, AB, SYN, FT_REC_FLOW_NEW),
		STEP("SYN-ACK", hook, BA, SYN | ACK, FT_REC_FLOW_PATH),
		STEP("ACK", hook, AB, ACK, 0),
		STEP("ACK back", hook, BA, ACK, 0),
	};
	int ingress = FT_HOOK_IS_INGRESS(hook);
	struct ft_flow_state st;

	play(&tcp4, steps, sizeof(steps) / sizeof(steps[0]));
	get_flow(&tcp4, &st);
	for (int s = 0; s < 2; s++) {
		cr_expect_eq(st.side[s].pkts_in, ingress ? 2 : 0, "%s side %d in",
			     bt_hook_name(hook), s);
		cr_expect_eq(st.side[s].pkts_out, ingress ? 0 : 2, "%s side %d out",
			     bt_hook_name(hook), s);
		cr_expect_eq(ingress ? st.side[s].bytes_in : st.side[s].bytes_out, 2 * 54);
	}
}

Test(bpf_flow, handshake_at_each_hook)
{
	static const enum ft_hook hooks[] = { XDP, TCI, TCE };

	for (int i = 0; i < 3; i++) {
		bt_reset();
		handshake_at(hooks[i]);
	}
}

/* No SYN seen: a SYN-ACK still names the initiator for sure; any other
 * first packet names its sender, not for sure. */
Test(bpf_flow, initiator_without_syn)
{
	static const struct step syn_ack_first[] = {
		STEP("SYN-ACK in: new flow, initiator A", XDP, BA, SYN | ACK, FT_REC_FLOW_NEW),
		STEP("ACK out: A's first path", TCE, AB, ACK, FT_REC_FLOW_PATH),
	};
	static const struct scenario mid_flow = {
		.a = &A4, .b = &B4, .proto = IPPROTO_TCP, .initiator = BA,
	};
	static const struct step ack_first[] = {
		STEP("ACK from B first", XDP, BA, ACK | PSH, FT_REC_FLOW_NEW),
		STEP("ACK from A", TCE, AB, ACK, FT_REC_FLOW_PATH),
	};

	play(&tcp4, syn_ack_first, 2);
	bt_reset();
	play(&mid_flow, ack_first, 2);
}

Test(bpf_flow, rst_ends_once)
{
	static const struct step steps[] = {
		STEP("SYN", TCE, AB, SYN, FT_REC_FLOW_NEW),
		STEP("SYN-ACK", XDP, BA, SYN | ACK, FT_REC_FLOW_PATH),
		STEP("RST from A", TCE, AB, RST, FT_REC_FLOW_END),
		STEP("RST again", TCE, AB, RST, 0),
		STEP("RST-ACK from B", XDP, BA, RST | ACK, FT_REC_FLOW_END),
	};

	play(&tcp4, steps, sizeof(steps) / sizeof(steps[0]));
}

/* Takes the pending events; returns a bit per FT_REC_* type seen. */
static unsigned int event_types(void)
{
	const union bt_event *e;
	unsigned int seen = 0;

	while ((e = bt_take()))
		seen |= 1u << e->type;
	return seen;
}

/* A refused connection: B's first packet is its RST. That packet is both
 * B's first path and B's end; neither may be lost. */
Test(bpf_flow, refused_connection_reports_end)
{
	struct frame f;
	unsigned int seen;

	build(&f, &tcp4, &(struct step){ .dir = AB, .l4 = SYN });
	bt_run(TCE, &f, LO_IFINDEX);
	cr_expect_eq(event_types(), 1u << FT_REC_FLOW_NEW);
	build(&f, &tcp4, &(struct step){ .dir = BA, .l4 = RST | ACK });
	bt_run(XDP, &f, LO_IFINDEX);
	seen = event_types();
	cr_expect(seen & (1u << FT_REC_FLOW_PATH), "B's RST-ACK: no FLOW_PATH (types %#x)", seen);
	cr_expect(seen & (1u << FT_REC_FLOW_END), "B's RST-ACK: no FLOW_END (types %#x)", seen);
}

/* Tracing starts as a flow closes: its first packet seen is a FIN. */
Test(bpf_flow, fin_as_first_packet_reports_end)
{
	struct frame f;
	unsigned int seen;

	build(&f, &tcp4, &(struct step){ .dir = AB, .l4 = FIN | ACK });
	bt_run(TCE, &f, LO_IFINDEX);
	seen = event_types();
	cr_expect(seen & (1u << FT_REC_FLOW_NEW), "no FLOW_NEW (types %#x)", seen);
	cr_expect(seen & (1u << FT_REC_FLOW_END), "no FLOW_END (types %#x)", seen);
}

/* Ingress paths are told apart by source MAC, egress paths by destination
 * MAC, both by hook and interface; a side remembers three. */
Test(bpf_flow, path_changes)
{
	static const struct step steps[] = {
		STEP("SYN out", TCE, AB, SYN, FT_REC_FLOW_NEW),
		STEP("SYN-ACK in via B", XDP, BA, SYN | ACK, FT_REC_FLOW_PATH),
		STEP("B's packet now from MAC C", XDP, BA, ACK, FT_REC_FLOW_PATH, .src_mac = MAC_C),
		STEP("MAC C again", XDP, BA, ACK, 0, .src_mac = MAC_C),
		STEP("back to MAC B: still remembered", XDP, BA, ACK, 0),
		STEP("ingress dst MAC differs: same path", XDP, BA, ACK, 0, .dst_mac = MAC_C),
		STEP("B's packet seen at tc ingress", TCI, BA, ACK, FT_REC_FLOW_PATH),
		STEP("A sends to next hop C", TCE, AB, ACK, FT_REC_FLOW_PATH, .dst_mac = MAC_C),
		STEP("egress src MAC differs: same path", TCE, AB, ACK, 0, .src_mac = MAC_C,
		     .dst_mac = MAC_C),
		STEP("A back to next hop B", TCE, AB, ACK, 0),
		STEP("B's fourth path replaces the oldest", XDP, BA, ACK, FT_REC_FLOW_PATH,
		     .src_mac = MAC_BCAST),
		STEP("the oldest (XDP, MAC B) is new again", XDP, BA, ACK, FT_REC_FLOW_PATH),
		STEP("tc ingress still remembered", TCI, BA, ACK, 0),
	};

	play(&tcp4, steps, sizeof(steps) / sizeof(steps[0]));
}

Test(bpf_flow, interface_change_is_a_path)
{
	static const struct step steps[] = {
		STEP("SYN out on lo", TCE, AB, SYN, FT_REC_FLOW_NEW),
		STEP("SYN-ACK in on lo", XDP, BA, SYN | ACK, FT_REC_FLOW_PATH),
		STEP("ACK in on the other interface", XDP, BA, ACK, FT_REC_FLOW_PATH,
		     .iface = OTHER_IF),
		STEP("again on the other interface", XDP, BA, ACK, 0, .iface = OTHER_IF),
		STEP("A leaves by the other interface", TCE, AB, ACK, FT_REC_FLOW_PATH,
		     .iface = OTHER_IF),
		STEP("tc ingress on the other interface", TCI, BA, ACK, FT_REC_FLOW_PATH,
		     .iface = OTHER_IF),
	};

	play(&tcp4, steps, sizeof(steps) / sizeof(steps[0]));
}

/* The point of keeping state in the kernel: a steady flow is silent. */
Test(bpf_flow, established_flow_is_silent)
{
	struct frame ab, ba;
	struct ft_flow_state st;
	int a;
	struct ft_flow_key key;

	build(&ab, &tcp4, &(struct step){ .dir = AB, .l4 = ACK | PSH });
	build(&ba, &tcp4, &(struct step){ .dir = BA, .l4 = ACK });
	for (int i = 0; i < 100; i++) {
		bt_run(TCE, &ab, LO_IFINDEX);
		bt_run(XDP, &ba, LO_IFINDEX);
	}
	cr_expect_eq(bt_pending(), 2, "%d events for 200 packets, want 2", bt_pending());
	cr_expect_eq(event_types(), 1u << FT_REC_FLOW_NEW | 1u << FT_REC_FLOW_PATH);
	get_flow(&tcp4, &st);
	scenario_key(&tcp4, &key);
	a = side_of(&tcp4, &key, AB);
	cr_expect_eq(st.side[a].pkts_out, 100);
	cr_expect_eq(st.side[a ^ 1].pkts_in, 100);
	cr_expect_eq(bt_counter(FT_CNT_PACKETS), 200);
}

Test(bpf_flow, udp)
{
	static const struct scenario sc = {
		.a = &A4, .b = &B4, .proto = IPPROTO_UDP, .initiator = AB,
	};
	static const struct step steps[] = {
		STEP("query out: new flow, initiator the sender", TCE, AB, 0, FT_REC_FLOW_NEW),
		STEP("answer in", XDP, BA, 0, FT_REC_FLOW_PATH),
		STEP("second query", TCE, AB, 0, 0),
		STEP("second answer", XDP, BA, 0, 0),
	};
	struct ft_flow_state st;

	play(&sc, steps, sizeof(steps) / sizeof(steps[0]));
	get_flow(&sc, &st);
	cr_expect_eq(st.side[0].pkts_in + st.side[1].pkts_in, 2);
	cr_expect_eq(st.side[0].pkts_out + st.side[1].pkts_out, 2);
	cr_expect_eq(st.side[0].tcp_flags | st.side[1].tcp_flags, 0);
}

/* A frame to a multicast or broadcast MAC marks its flow FT_FLOW_L2_GROUP:
 * the only sign of a subnet-directed broadcast (10.0.0.255 is a unicast
 * address to anyone who does not know the prefix). */
static const __u8 MAC_MDNS4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const __u8 MAC_MDNS6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0xfb };

Test(bpf_flow, group_mac_marks_the_flow)
{
	static const struct ep nb = { 4, "10.0.0.1", 138, MAC_A };
	static const struct ep bcast = { 4, "10.0.0.255", 138, MAC_BCAST };
	static const struct scenario netbios = {
		.a = &nb, .b = &bcast, .proto = IPPROTO_UDP, .initiator = AB,
		.flow_flags = FT_FLOW_L2_GROUP,
	};
	static const struct step netbios_steps[] = {
		STEP("subnet broadcast in: new, group", XDP, AB, 0, FT_REC_FLOW_NEW),
		STEP("again at tc ingress: a path, group", TCI, AB, 0, FT_REC_FLOW_PATH),
	};
	static const struct ep q6 = { 6, "fe80::1", 5353, MAC_A };
	static const struct ep mdns6 = { 6, "ff02::fb", 5353, MAC_MDNS6 };
	static const struct scenario query6 = {
		.a = &q6, .b = &mdns6, .proto = IPPROTO_UDP, .initiator = AB,
		.flow_flags = FT_FLOW_L2_GROUP,
	};
	static const struct step query6_steps[] = {
		STEP("mDNS query out to 33:33:00:00:00:fb", TCE, AB, 0, FT_REC_FLOW_NEW),
	};
	struct ft_flow_state st;

	play(&netbios, netbios_steps, 2);
	get_flow(&netbios, &st);
	cr_expect_eq(st.flags, FT_FLOW_L2_GROUP, "map flags %#x", st.flags);
	bt_reset();
	play(&query6, query6_steps, 1);
	get_flow(&query6, &st);
	cr_expect_eq(st.flags, FT_FLOW_L2_GROUP, "map flags %#x", st.flags);
}

/* A unicast flow is not marked; a frame of it to a group MAC is noticed
 * only when it is news (a new path), never on an established path, which
 * keeps the per-packet cost as it was. */
Test(bpf_flow, group_mac_only_on_news)
{
	static const struct scenario udp4 = {
		.a = &A4, .b = &B4, .proto = IPPROTO_UDP, .initiator = AB,
	};
	static const struct step steps[] = {
		STEP("unicast query out: not group", TCE, AB, 0, FT_REC_FLOW_NEW),
		STEP("unicast answer in", XDP, BA, 0, FT_REC_FLOW_PATH),
		STEP("answer to a group MAC on a known path: no news", XDP, BA, 0, 0,
		     .dst_mac = MAC_BCAST),
		STEP("query again", TCE, AB, 0, 0),
	};
	struct ft_flow_state st;
	struct frame f;
	const union bt_event *ev;

	play(&udp4, steps, sizeof(steps) / sizeof(steps[0]));
	get_flow(&udp4, &st);
	cr_expect_eq(st.flags, 0, "map flags %#x", st.flags);

	/* A's packet leaves to the multicast MAC: a new egress path. */
	build(&f, &udp4, &(struct step){ .dir = AB, .dst_mac = MAC_MDNS4 });
	bt_run(TCE, &f, LO_IFINDEX);
	ev = bt_take();
	cr_assert_not_null(ev, "no event for the new path");
	cr_expect_eq(ev->type, FT_REC_FLOW_PATH);
	cr_expect_eq(ev->flow.flags, FT_FLOW_L2_GROUP, "event flags %#x", ev->flow.flags);
	get_flow(&udp4, &st);
	cr_expect_eq(st.flags, FT_FLOW_L2_GROUP, "map flags %#x", st.flags);
	cr_expect_eq(bt_pending(), 0);
}

Test(bpf_flow, icmp_echo)
{
	static const struct scenario ping = {
		.a = &A4, .b = &B4, .proto = IPPROTO_ICMP, .initiator = AB,
		.flow_flags = FT_FLOW_INIT_SURE, .echo_id = 0x77,
	};
	static const struct step ping_steps[] = {
		STEP("echo request out", TCE, AB, 8, FT_REC_FLOW_NEW),
		STEP("echo reply in", XDP, BA, 0, FT_REC_FLOW_PATH),
		STEP("next request", TCE, AB, 8, 0),
		STEP("next reply", XDP, BA, 0, 0),
	};
	static const struct scenario answered = {
		.a = &A4, .b = &B4, .proto = IPPROTO_ICMP, .initiator = BA,
		.flow_flags = FT_FLOW_INIT_SURE, .echo_id = 0x78,
	};
	static const struct step reply_first =
		STEP("echo reply from A, request unseen: B initiated", TCE, AB, 0, FT_REC_FLOW_NEW);
	static const struct scenario ping6 = {
		.a = &A6, .b = &B6, .proto = IPPROTO_ICMPV6, .initiator = AB,
		.flow_flags = FT_FLOW_INIT_SURE, .echo_id = 9,
	};
	static const struct step ping6_steps[] = {
		STEP("ICMPv6 echo request in", XDP, AB, 128, FT_REC_FLOW_NEW),
		STEP("ICMPv6 echo reply out", TCE, BA, 129, FT_REC_FLOW_PATH),
	};

	play(&ping, ping_steps, sizeof(ping_steps) / sizeof(ping_steps[0]));
	bt_reset();
	play(&answered, &reply_first, 1);
	bt_reset();
	play(&ping6, ping6_steps, 2);
}

Test(bpf_flow, icmp_echo_ids_are_separate_flows)
{
	struct scenario sc = {
		.a = &A4, .b = &B4, .proto = IPPROTO_ICMP, .initiator = AB,
		.flow_flags = FT_FLOW_INIT_SURE, .echo_id = 1,
	};
	struct frame f;

	build(&f, &sc, &(struct step){ .dir = AB, .l4 = 8 });
	bt_run(TCE, &f, LO_IFINDEX);
	sc.echo_id = 2;
	build(&f, &sc, &(struct step){ .dir = AB, .l4 = 8 });
	bt_run(TCE, &f, LO_IFINDEX);
	cr_expect_eq(bt_flow_count(), 2);
	cr_expect_eq(bt_pending(), 2);
	cr_expect_eq(event_types(), 1u << FT_REC_FLOW_NEW);
}

/* Extension headers change nothing about the flow a packet belongs to. */
Test(bpf_flow, ipv6_extension_headers_same_flow)
{
	static const struct scenario ext = {
		.a = &A6, .b = &B6, .proto = IPPROTO_TCP, .initiator = AB,
		.flow_flags = FT_FLOW_INIT_SURE, .ipv6_ext = 1,
	};
	static const struct scenario plain = {
		.a = &A6, .b = &B6, .proto = IPPROTO_TCP, .initiator = AB,
		.flow_flags = FT_FLOW_INIT_SURE,
	};
	static const struct step syn = STEP("SYN with extensions", TCE, AB, SYN, FT_REC_FLOW_NEW);
	static const struct step synack =
		STEP("plain SYN-ACK", XDP, BA, SYN | ACK, FT_REC_FLOW_PATH);

	play(&ext, &syn, 1);
	play(&plain, &synack, 1);
}

Test(bpf_flow, ipv4_fragments)
{
	struct frame f;
	struct ft_flow_state st;
	static const struct scenario sc = {
		.a = &A4, .b = &B4, .proto = IPPROTO_UDP, .initiator = AB,
	};

	fr_eth(&f, MAC_B, MAC_A, ETH_TYPE_IPV4);
	fr_ipv4_ex(&f, A4.ip, B4.ip, IPPROTO_UDP, 0, FR_IP_MF);
	fr_udp(&f, A4.port, B4.port);
	fr_zeros(&f, 64);
	fr_done(&f);
	bt_run(XDP, &f, LO_IFINDEX);
	cr_expect_eq(event_types(), 1u << FT_REC_FLOW_NEW, "first fragment: a new flow");

	fr_eth(&f, MAC_B, MAC_A, ETH_TYPE_IPV4);
	fr_ipv4_ex(&f, A4.ip, B4.ip, IPPROTO_UDP, 0, 9);
	fr_zeros(&f, 40);
	fr_done(&f);
	bt_run(XDP, &f, LO_IFINDEX);
	cr_expect_eq(bt_pending(), 0, "last fragment: no event");
	cr_expect_eq(bt_counter(FT_CNT_FRAGMENTS), 1);
	get_flow(&sc, &st);
	cr_expect_eq(st.side[0].pkts_in + st.side[1].pkts_in, 1, "fragment counted in the flow");
	cr_expect_eq(bt_flow_count(), 1);
}

Test(bpf_flow, vlan_id_in_events)
{
	struct frame f;
	const union bt_event *e;

	for (int dir = AB; dir <= BA; dir++) {
		const struct ep *from = dir == AB ? &A4 : &B4, *to = dir == AB ? &B4 : &A4;

		fr_eth(&f, to->mac, from->mac, ETH_TYPE_8021AD);
		fr_vlan(&f, 0x2000 | 42, ETH_TYPE_8021Q);
		fr_vlan(&f, 7, ETH_TYPE_IPV4);
		fr_ipv4(&f, from->ip, to->ip, IPPROTO_TCP);
		fr_tcp(&f, from->port, to->port, dir == AB ? SYN : SYN | ACK);
		fr_done(&f);
		bt_run(XDP, &f, LO_IFINDEX);
		e = bt_take();
		cr_assert_not_null(e, "direction %d: no event", dir);
		cr_expect_eq(e->flow.type, dir == AB ? FT_REC_FLOW_NEW : FT_REC_FLOW_PATH);
		cr_expect_eq(e->flow.vlan, 42, "direction %d: vlan %u", dir, e->flow.vlan);
	}
	cr_expect_eq(bt_flow_count(), 1);
}

/* Both directions share one entry, whatever the addresses. */
struct key_case {
	const char *desc;
	int family;
	const char *ip1;
	__u16 port1;
	const char *ip2;
	__u16 port2;
};

static const struct key_case key_cases[] = {
	{ "last IPv4 octet differs", 4, "10.0.0.1", 40000, "10.0.0.2", 80 },
	{ "first IPv4 octet differs", 4, "11.0.0.1", 5000, "10.0.0.2", 80 },
	{ "third IPv4 octet differs", 4, "192.168.2.1", 53, "192.168.1.200", 3000 },
	{ "same address, ports decide", 4, "127.0.0.1", 40000, "127.0.0.1", 80 },
	{ "IPv6, first word differs", 6, "fe80::1", 546, "2001:db8::1", 547 },
	{ "IPv6, low bytes differ", 6, "2001:db8::1:0", 1000, "2001:db8::2", 2000 },
};

static void send_udp(const struct key_case *k, int reverse, enum ft_hook hook)
{
	struct frame f;

	fr_eth(&f, MAC_B, MAC_A, k->family == 4 ? ETH_TYPE_IPV4 : ETH_TYPE_IPV6);
	if (k->family == 4)
		fr_ipv4(&f, reverse ? k->ip2 : k->ip1, reverse ? k->ip1 : k->ip2, IPPROTO_UDP);
	else
		fr_ipv6(&f, reverse ? k->ip2 : k->ip1, reverse ? k->ip1 : k->ip2, IPPROTO_UDP);
	fr_udp(&f, reverse ? k->port2 : k->port1, reverse ? k->port1 : k->port2);
	fr_done(&f);
	bt_run(hook, &f, LO_IFINDEX);
}

Test(bpf_flow, canonical_key_shared_by_both_directions)
{
	for (size_t i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
		const struct key_case *k = &key_cases[i];
		const union bt_event *fwd, *rev;

		bt_reset();
		send_udp(k, 0, TCE);
		send_udp(k, 1, XDP);
		cr_expect_eq(bt_flow_count(), 1, "%s: %d entries for one flow", k->desc,
			     bt_flow_count());
		fwd = bt_take();
		rev = bt_take();
		cr_assert(fwd && rev, "%s: want two events", k->desc);
		cr_expect_arr_eq(&fwd->flow.key, &rev->flow.key, sizeof(struct ft_flow_key),
				 "%s: directions disagree on the key", k->desc);
		cr_expect_neq(fwd->flow.side, rev->flow.side, "%s: both directions on one side",
			      k->desc);
		cr_expect_eq(fwd->flow.initiator, fwd->flow.side, "%s: initiator", k->desc);
	}
}

/* events.h: "the endpoint that sorts lower (address, then port) is a". */
Test(bpf_flow, canonical_key_order_as_events_h)
{
	for (size_t i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
		const struct key_case *k = &key_cases[i];
		struct ft_flow_key want;
		const union bt_event *e;
		char a[INET6_ADDRSTRLEN];

		bt_reset();
		send_udp(k, 0, TCE);
		e = bt_take();
		cr_assert_not_null(e);
		bt_key(&want, k->family, IPPROTO_UDP, k->ip1, k->port1, k->ip2, k->port2);
		inet_ntop(k->family == 4 ? AF_INET : AF_INET6, e->flow.key.addr_a, a, sizeof(a));
		cr_expect_arr_eq(&e->flow.key, &want, sizeof(want),
				 "%s: key has %s:%u as a, which does not sort lower", k->desc, a,
				 e->flow.key.port_a);
		cr_expect_eq(e->flow.side, bt_side_of(&want, k->family, k->ip1, k->port1),
			     "%s: side", k->desc);
	}
}

Test(bpf_flow, separate_flows_separate_entries)
{
	struct scenario udp = tcp4;
	struct frame f;

	udp.proto = IPPROTO_UDP;
	build(&f, &tcp4, &(struct step){ .dir = AB, .l4 = SYN });
	bt_run(TCE, &f, LO_IFINDEX);
	build(&f, &udp, &(struct step){ .dir = AB });
	bt_run(TCE, &f, LO_IFINDEX);
	cr_expect_eq(bt_flow_count(), 2, "TCP and UDP between the same ports: two flows");
	cr_expect_eq(event_types(), 1u << FT_REC_FLOW_NEW);
}

/* A full ring buffer loses events, and every loss is counted. */
Test(bpf_flow, ring_buffer_full_is_counted)
{
	const struct bt_opts opts = { .ringbuf_bytes = 4096, .hold_events = 1 };
	struct scenario udp = tcp4;
	struct ep a = A4;
	struct frame f;
	int got = 0;

	bt_teardown();
	bt_load(&opts);
	udp.proto = IPPROTO_UDP;
	udp.a = &a;
	for (int i = 0; i < 100; i++) {
		a.port = 10000 + i;
		build(&f, &udp, &(struct step){ .dir = AB });
		bt_run(TCE, &f, LO_IFINDEX);
	}
	while (bt_take())
		got++;
	cr_expect_eq(bt_flow_count(), 100, "every flow is tracked even when its event is lost");
	cr_expect_lt(got, 100, "a 4 KiB ring buffer held all 100 events");
	cr_expect_eq(got + bt_counter(FT_CNT_RINGBUF_FULL), 100, "%d events + %llu counted losses",
		     got, (unsigned long long)bt_counter(FT_CNT_RINGBUF_FULL));
}

/* The other-host filter on stacked devices. The interface (lo here) has
 * MAC_B; this host also owns MAC_LOCAL (a macvlan child, or an 802.1Q
 * device with a MAC of its own: this kernel has no 802.1Q devices, so the
 * VLAN stacking is proven here, on crafted tagged frames). A frame for any
 * of this host's MACs, tagged or not, is its traffic; one for a foreign MAC
 * is skipped and counted, unless the interface is a bridge or bond port. */
static const __u8 MAC_LOCAL[6] = { 0x02, 0x00, 0x00, 0x00, 0x10, 0x0b };
static const __u8 MAC_FOREIGN[6] = { 0x02, 0x00, 0x00, 0x00, 0x99, 0x0b };

struct stack_case {
	const char *desc;
	const __u8 *dst;
	int tags;		/* 0, 1 (802.1Q 100) or 2 (802.1ad 200 + 802.1Q 100) */
	int filter;		/* 0: a bridge or bond port */
	int tracked;
};

static const struct stack_case stack_cases[] = {
	{ "own MAC", MAC_B, 0, 1, 1 },
	{ "a macvlan child's MAC", MAC_LOCAL, 0, 1, 1 },
	{ "a foreign MAC", MAC_FOREIGN, 0, 1, 0 },
	{ "own MAC, VLAN 100 (a VLAN device sharing its parent's MAC)", MAC_B, 1, 1, 1 },
	{ "a VLAN device's own MAC, VLAN 100", MAC_LOCAL, 1, 1, 1 },
	{ "a foreign MAC, VLAN 100", MAC_FOREIGN, 1, 1, 0 },
	{ "a local MAC, QinQ 200/100", MAC_LOCAL, 2, 1, 1 },
	{ "a foreign MAC, QinQ 200/100", MAC_FOREIGN, 2, 1, 0 },
	{ "broadcast, VLAN 100", MAC_BCAST, 1, 1, 1 },
	{ "a foreign MAC on a bridge port", MAC_FOREIGN, 0, 0, 1 },
	{ "a foreign MAC on a bridge port, VLAN 100", MAC_FOREIGN, 1, 0, 1 },
};

Test(bpf_flow, stacked_devices_other_host)
{
	static const enum ft_hook hooks[] = { XDP, TCI, TCE };

	for (size_t i = 0; i < sizeof(stack_cases) / sizeof(stack_cases[0]); i++) {
		const struct stack_case *c = &stack_cases[i];

		for (size_t h = 0; h < sizeof(hooks) / sizeof(hooks[0]); h++) {
			/* Egress is this host's own sending: never filtered. */
			int tracked = c->tracked || hooks[h] == TCE;
			struct frame f;

			bt_reset();
			bt_set_own_mac(LO_IFINDEX, MAC_B, c->filter);
			bt_add_local_mac(MAC_B);
			bt_add_local_mac(MAC_LOCAL);
			fr_eth(&f, c->dst, MAC_A, c->tags == 2 ? ETH_TYPE_8021AD
					   : c->tags ? ETH_TYPE_8021Q : ETH_TYPE_IPV4);
			if (c->tags == 2)
				fr_vlan(&f, 200, ETH_TYPE_8021Q);
			if (c->tags)
				fr_vlan(&f, 100, ETH_TYPE_IPV4);
			fr_ipv4(&f, A4.ip, B4.ip, IPPROTO_TCP);
			fr_tcp(&f, A4.port, B4.port, SYN);
			fr_done(&f);
			bt_run(hooks[h], &f, LO_IFINDEX);
			cr_expect_eq(bt_flow_count(), tracked, "%s at %s: %d flows, want %d",
				     c->desc, bt_hook_name(hooks[h]), bt_flow_count(), tracked);
			cr_expect_eq(bt_counter(FT_CNT_OTHERHOST), !tracked,
				     "%s at %s: other_host %llu", c->desc, bt_hook_name(hooks[h]),
				     (unsigned long long)bt_counter(FT_CNT_OTHERHOST));
		}
	}
}
