// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ICMP and ICMPv6 errors, through the real programs: an error is tied to
 * the tracked flow whose header it quotes, on the side that sent the
 * quoted packet; an error about nothing tracked is only counted.
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include "lib/bpf_run.h"

#define LO_IFINDEX 1

#define A4 "10.0.0.1"
#define B4 "10.0.0.2"
#define R4 "192.0.2.254"
#define A6 "2001:db8::1"
#define B6 "2001:db8::2"
#define R6 "2001:db8:ffff::1"

#define ICMP_UNREACH 3
#define ICMP_PORT_UNREACH 3
#define ICMP_HOST_UNREACH 1
#define ICMP_TIME_EXCEEDED 11
#define ICMP6_UNREACH 1
#define ICMP6_PORT_UNREACH 4
#define ICMP6_TOO_BIG 2

TestSuite(bpf_icmp, .init = bt_setup, .fini = bt_teardown, .timeout = 60);

/* The packet an error quotes (or that starts the flow): proto between
 * src:sport and dst:dport; for ICMP, sport is the echo identifier. */
struct pkt {
	int family;
	const char *src, *dst;
	__u8 proto;
	__u16 sport, dport;
	int ip_options;		/* bytes of IPv4 options */
};

#define PKT(fam, s, d, pr, sp, dp, ...) \
	{ .family = fam, .src = s, .dst = d, .proto = pr, .sport = sp, .dport = dp, __VA_ARGS__ }

static void put_l3l4(struct frame *f, const struct pkt *p)
{
	if (p->family == 4)
		fr_ipv4_ex(f, p->src, p->dst, p->proto, p->ip_options, 0);
	else
		fr_ipv6(f, p->src, p->dst, p->proto);
	switch (p->proto) {
	case IPPROTO_TCP:
		fr_tcp(f, p->sport, p->dport, FT_TCP_SYN);
		break;
	case IPPROTO_UDP:
		fr_udp(f, p->sport, p->dport);
		break;
	default:
		fr_icmp(f, p->family == 4 ? 8 : 128, 0, p->sport, 1);
		break;
	}
}

/* Sends p itself at tc egress (host A's view): starts its flow. */
static void send_pkt(const struct pkt *p)
{
	struct frame f;

	fr_eth(&f, MAC_B, MAC_A, p->family == 4 ? ETH_TYPE_IPV4 : ETH_TYPE_IPV6);
	put_l3l4(&f, p);
	fr_done(&f);
	bt_run(FT_HOOK_TC_EGRESS, &f, LO_IFINDEX);
}

/* An error from `from` to `to` quoting p, seen at hook. */
static void send_error(enum ft_hook hook, const char *from, const char *to, __u8 type, __u8 code,
		       const struct pkt *p)
{
	struct frame f;

	fr_eth(&f, MAC_A, MAC_C, p->family == 4 ? ETH_TYPE_IPV4 : ETH_TYPE_IPV6);
	if (p->family == 4)
		fr_ipv4(&f, from, to, IPPROTO_ICMP);
	else
		fr_ipv6(&f, from, to, IPPROTO_ICMPV6);
	fr_icmp(&f, type, code, 0, type == ICMP6_TOO_BIG && p->family == 6 ? 1280 : 0);
	put_l3l4(&f, p);
	fr_zeros(&f, 8);
	fr_done(&f);
	bt_run(hook, &f, LO_IFINDEX);
}

static void pkt_key(const struct pkt *p, struct ft_flow_key *key)
{
	int icmp = p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6;

	bt_key(key, p->family, p->proto, p->src, p->sport, p->dst, icmp ? p->sport : p->dport);
}

/* Takes one event and checks it is the error about p's flow. */
static void expect_error(const char *desc, enum ft_hook hook, const struct pkt *p,
			 const char *from, __u8 type, __u8 code)
{
	const union bt_event *ev = bt_take();
	const struct ft_icmp_event *e;
	struct ft_flow_key key;
	__u8 from_addr[16] = {};

	cr_assert_not_null(ev, "%s: no event", desc);
	e = &ev->icmp;
	pkt_key(p, &key);
	fr_addr(p->family, from, from_addr);
	cr_expect_eq(e->type, FT_REC_ICMP_ERROR, "%s: event type %d", desc, e->type);
	cr_expect_eq(e->hook, hook, "%s: hook %d", desc, e->hook);
	cr_expect_eq(e->ifindex, LO_IFINDEX, "%s: ifindex %u", desc, e->ifindex);
	cr_expect_arr_eq(&e->key, &key, sizeof(key), "%s: not tied to the quoted flow", desc);
	cr_expect_eq(e->side, bt_side_of(&key, p->family, p->src, p->sport),
		     "%s: side %d is not the quoted packet's sender", desc, e->side);
	cr_expect_eq(e->icmp_type, type, "%s: icmp type %u", desc, e->icmp_type);
	cr_expect_eq(e->icmp_code, code, "%s: icmp code %u", desc, e->icmp_code);
	cr_expect_eq(e->family, p->family, "%s: family %u", desc, e->family);
	cr_expect_arr_eq(e->from, from_addr, 16, "%s: sender of the error", desc);
	cr_expect_gt(e->ts_ns, 0, "%s: no timestamp", desc);
}

static void expect_quiet(const char *desc)
{
	cr_expect_eq(bt_pending(), 0, "%s: %d unexpected events", desc, bt_pending());
}

static const struct pkt udp4 = PKT(4, A4, B4, IPPROTO_UDP, 5353, 53);

Test(bpf_icmp, port_unreachable_tied_to_udp_flow)
{
	struct ft_flow_key key;
	struct ft_flow_state st;

	send_pkt(&udp4);
	cr_assert_eq(bt_take()->type, FT_REC_FLOW_NEW);
	send_error(FT_HOOK_XDP, B4, A4, ICMP_UNREACH, ICMP_PORT_UNREACH, &udp4);
	expect_error("port unreachable from B", FT_HOOK_XDP, &udp4, B4, ICMP_UNREACH,
		     ICMP_PORT_UNREACH);
	expect_quiet("port unreachable from B");

	pkt_key(&udp4, &key);
	cr_assert_eq(bt_flow_get(&key, &st), 0);
	cr_expect_eq(st.icmp_type, ICMP_UNREACH);
	cr_expect_eq(st.icmp_code, ICMP_PORT_UNREACH);
	cr_expect_eq(st.side[0].pkts_in + st.side[1].pkts_in, 0, "the error is no flow packet");
	cr_expect_eq(bt_flow_count(), 1, "the error made a flow of its own");
	cr_expect_eq(bt_counter(FT_CNT_ICMP_UNMATCHED), 0);

	send_error(FT_HOOK_XDP, B4, A4, ICMP_UNREACH, ICMP_PORT_UNREACH, &udp4);
	expect_quiet("the same error again");
	send_error(FT_HOOK_TC_INGRESS, B4, A4, ICMP_UNREACH, ICMP_HOST_UNREACH, &udp4);
	expect_error("a different code", FT_HOOK_TC_INGRESS, &udp4, B4, ICMP_UNREACH,
		     ICMP_HOST_UNREACH);
}

/* Errors from a router, about B's packet, about a ping: each tied to the
 * quoted packet's flow and sender. */
Test(bpf_icmp, errors_tied_to_the_quoted_packet)
{
	static const struct pkt syn = PKT(4, A4, B4, IPPROTO_TCP, 40000, 443, .ip_options = 12);
	static const struct pkt reply = PKT(4, B4, A4, IPPROTO_UDP, 53, 5353);
	static const struct pkt echo = PKT(4, A4, B4, IPPROTO_ICMP, 0x55, 0x55);

	send_pkt(&syn);
	cr_assert_eq(bt_take()->type, FT_REC_FLOW_NEW);
	send_error(FT_HOOK_TC_INGRESS, R4, A4, ICMP_TIME_EXCEEDED, 0, &syn);
	expect_error("time exceeded from a router, quoting IP options", FT_HOOK_TC_INGRESS, &syn,
		     R4, ICMP_TIME_EXCEEDED, 0);
	expect_quiet("time exceeded");

	bt_reset();
	send_pkt(&udp4);
	bt_take();
	send_error(FT_HOOK_TC_EGRESS, A4, B4, ICMP_UNREACH, ICMP_PORT_UNREACH, &reply);
	expect_error("A refuses B's datagram: B's side", FT_HOOK_TC_EGRESS, &reply, A4,
		     ICMP_UNREACH, ICMP_PORT_UNREACH);

	bt_reset();
	send_pkt(&echo);
	cr_assert_eq(bt_take()->type, FT_REC_FLOW_NEW);
	send_error(FT_HOOK_XDP, R4, A4, ICMP_UNREACH, ICMP_HOST_UNREACH, &echo);
	expect_error("host unreachable for a ping", FT_HOOK_XDP, &echo, R4, ICMP_UNREACH,
		     ICMP_HOST_UNREACH);
}

Test(bpf_icmp, icmpv6_unreachable_tied_to_tcp_flow)
{
	static const struct pkt syn6 = PKT(6, A6, B6, IPPROTO_TCP, 40000, 443);

	send_pkt(&syn6);
	cr_assert_eq(bt_take()->type, FT_REC_FLOW_NEW);
	send_error(FT_HOOK_XDP, B6, A6, ICMP6_UNREACH, ICMP6_PORT_UNREACH, &syn6);
	expect_error("ICMPv6 port unreachable", FT_HOOK_XDP, &syn6, B6, ICMP6_UNREACH,
		     ICMP6_PORT_UNREACH);
	send_error(FT_HOOK_XDP, R6, A6, ICMP6_TOO_BIG, 0, &syn6);
	expect_error("packet too big from a router", FT_HOOK_XDP, &syn6, R6, ICMP6_TOO_BIG, 0);
	expect_quiet("ICMPv6 errors");
	cr_expect_eq(bt_flow_count(), 1);
}

Test(bpf_icmp, unmatched_error_only_counted)
{
	static const struct pkt other_port = PKT(4, A4, B4, IPPROTO_UDP, 5354, 53);
	static const struct pkt other_v6 = PKT(6, A6, B6, IPPROTO_UDP, 5353, 53);

	send_pkt(&udp4);
	bt_take();
	send_error(FT_HOOK_XDP, B4, A4, ICMP_UNREACH, ICMP_PORT_UNREACH, &other_port);
	send_error(FT_HOOK_TC_INGRESS, B6, A6, ICMP6_UNREACH, ICMP6_PORT_UNREACH, &other_v6);
	expect_quiet("errors about untracked flows");
	cr_expect_eq(bt_counter(FT_CNT_ICMP_UNMATCHED), 2);
	cr_expect_eq(bt_flow_count(), 1, "an unmatched error made a flow");
}
