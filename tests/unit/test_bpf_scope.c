// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --filter in the kernel, through the real programs at XDP, tc ingress and
 * tc egress: a packet in scope makes its flow entry and event; one out of
 * scope makes neither and is counted (out_of_scope); an ICMP error is
 * judged by the flow it quotes; ARP/NDP by their addresses.
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include "common/scope.h"
#include "lib/bpf_run.h"

#define LO_IFINDEX 1

TestSuite(bpf_scope, .fini = bt_teardown, .timeout = 60);

static struct ft_scope scope;

static void load_with(const char *expr)
{
	char err[256];
	int pos;
	struct bt_opts o = { .scope = &scope };

	cr_assert_eq(ft_scope_compile(expr, &scope, err, sizeof(err), &pos), 0, "%s", err);
	bt_load(&o);
}

static const enum ft_hook hooks[] = { FT_HOOK_XDP, FT_HOOK_TC_INGRESS, FT_HOOK_TC_EGRESS };

struct l4 {
	int family;
	__u8 proto;
	const char *src, *dst;
	__u16 sport, dport;	/* ICMP: the echo identifier is sport */
};

static void build(struct frame *f, const struct l4 *p)
{
	fr_eth(f, MAC_B, MAC_A, p->family == 4 ? ETH_TYPE_IPV4 : ETH_TYPE_IPV6);
	if (p->family == 4)
		fr_ipv4(f, p->src, p->dst, p->proto);
	else
		fr_ipv6(f, p->src, p->dst, p->proto);
	switch (p->proto) {
	case IPPROTO_TCP:
		fr_tcp(f, p->sport, p->dport, FT_TCP_SYN);
		break;
	case IPPROTO_UDP:
		fr_udp(f, p->sport, p->dport);
		fr_zeros(f, 20);
		break;
	default:
		fr_icmp(f, p->family == 4 ? 8 : 128, 0, p->sport, 1);
		fr_zeros(f, 32);
	}
	fr_done(f);
}

/* Runs p at every packet hook; in scope: a flow entry and a NEW event,
 * the counter untouched; out: nothing but the counter. */
static void expect_scope(const char *expr, const struct l4 *p, int in)
{
	for (size_t h = 0; h < sizeof(hooks) / sizeof(hooks[0]); h++) {
		struct ft_flow_key key;
		struct ft_flow_state st;
		const union bt_event *e;
		struct frame f;

		bt_reset();
		build(&f, p);
		bt_run(hooks[h], &f, LO_IFINDEX);
		bt_key(&key, p->family, p->proto, p->src, p->sport, p->dst,
		       p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP ? p->dport : p->sport);
		if (in) {
			cr_expect_eq(bt_flow_get(&key, &st), 0, "'%s' %s -> %s at %s: no flow entry",
				     expr, p->src, p->dst, bt_hook_name(hooks[h]));
			e = bt_take();
			cr_expect(e && e->type == FT_REC_FLOW_NEW, "'%s' %s -> %s at %s: no event",
				  expr, p->src, p->dst, bt_hook_name(hooks[h]));
			cr_expect_eq(bt_counter(FT_CNT_OUT_OF_SCOPE), 0);
		} else {
			cr_expect_eq(bt_flow_count(), 0, "'%s' %s -> %s at %s: a flow entry", expr,
				     p->src, p->dst, bt_hook_name(hooks[h]));
			cr_expect_eq(bt_pending(), 0, "'%s' %s -> %s at %s: an event", expr, p->src,
				     p->dst, bt_hook_name(hooks[h]));
			cr_expect_eq(bt_counter(FT_CNT_OUT_OF_SCOPE), 1,
				     "'%s' %s -> %s at %s: out_of_scope %llu", expr, p->src, p->dst,
				     bt_hook_name(hooks[h]),
				     (unsigned long long)bt_counter(FT_CNT_OUT_OF_SCOPE));
		}
		cr_expect_eq(bt_counter(FT_CNT_PACKETS), 1);
	}
}

Test(bpf_scope, host_and_port)
{
	const char *expr = "host 10.0.0.2 and port 80";
	const struct l4 in = { 4, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 40000, 80 };
	const struct l4 reply = { 4, IPPROTO_TCP, "10.0.0.2", "10.0.0.1", 80, 40000 };
	const struct l4 other_host = { 4, IPPROTO_TCP, "10.0.0.1", "10.0.0.3", 40000, 80 };
	const struct l4 other_port = { 4, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 40000, 81 };
	const struct l4 udp_80 = { 4, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 80, 5000 };
	/* the echo identifier is no port */
	const struct l4 echo_80 = { 4, IPPROTO_ICMP, "10.0.0.1", "10.0.0.2", 80, 0 };

	load_with(expr);
	expect_scope(expr, &in, 1);
	expect_scope(expr, &reply, 1);
	expect_scope(expr, &udp_80, 1);
	expect_scope(expr, &other_host, 0);
	expect_scope(expr, &other_port, 0);
	expect_scope(expr, &echo_80, 0);
}

Test(bpf_scope, nets_ipv4_and_ipv6_nested)
{
	const char *expr = "net 2001:db8:1::/48 or (net 10.20.0.0/16 and not net 10.20.5.0/24)";
	const struct l4 v6_in = { 6, IPPROTO_UDP, "2001:db8::9", "2001:db8:1::5", 5000, 53 };
	const struct l4 v6_out = { 6, IPPROTO_UDP, "2001:db8::9", "2001:db8:2::5", 5000, 53 };
	const struct l4 v4_in = { 4, IPPROTO_TCP, "192.0.2.1", "10.20.1.1", 40000, 443 };
	/* longest match 10.20.5.0/24 must still carry 10.20.0.0/16 */
	const struct l4 v4_hole = { 4, IPPROTO_TCP, "192.0.2.1", "10.20.5.1", 40000, 443 };
	const struct l4 v4_out = { 4, IPPROTO_TCP, "192.0.2.1", "10.21.0.1", 40000, 443 };
	const struct l4 v6_echo = { 6, IPPROTO_ICMPV6, "2001:db8:1::7", "2001:db8::1", 9, 0 };

	load_with(expr);
	expect_scope(expr, &v6_in, 1);
	expect_scope(expr, &v6_echo, 1);
	expect_scope(expr, &v4_in, 1);
	expect_scope(expr, &v6_out, 0);
	expect_scope(expr, &v4_hole, 0);
	expect_scope(expr, &v4_out, 0);
}

Test(bpf_scope, protocols_and_negation)
{
	const char *expr = "not (udp or icmp) and not port 22";
	const struct l4 tcp = { 4, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 40000, 80 };
	const struct l4 ssh = { 4, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 40000, 22 };
	const struct l4 udp = { 4, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 40000, 53 };
	const struct l4 icmp = { 4, IPPROTO_ICMP, "10.0.0.1", "10.0.0.2", 22, 0 };
	const struct l4 icmp6 = { 6, IPPROTO_ICMPV6, "2001:db8::1", "2001:db8::2", 22, 0 };

	load_with(expr);
	expect_scope(expr, &tcp, 1);
	expect_scope(expr, &icmp6, 1);	/* icmp is ICMPv4 only, as in tcpdump */
	expect_scope(expr, &ssh, 0);
	expect_scope(expr, &udp, 0);
	expect_scope(expr, &icmp, 0);
}

/* An error from a router (itself out of scope) about p. */
static void icmp_error_about(struct frame *f, const struct l4 *p)
{
	fr_eth(f, MAC_A, MAC_C, ETH_TYPE_IPV4);
	fr_ipv4(f, "192.0.2.254", p->src, IPPROTO_ICMP);
	fr_icmp(f, 3, 3, 0, 0);
	fr_ipv4(f, p->src, p->dst, p->proto);
	fr_udp(f, p->sport, p->dport);
	fr_done(f);
}

Test(bpf_scope, icmp_error_judged_by_the_quoted_flow)
{
	const struct l4 dns = { 4, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 5000, 53 };
	const struct l4 other = { 4, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 5000, 123 };
	const union bt_event *e;
	struct frame f;

	load_with("port 53");
	for (size_t h = 0; h < sizeof(hooks) / sizeof(hooks[0]); h++) {
		bt_reset();
		build(&f, &dns);
		bt_run(FT_HOOK_TC_EGRESS, &f, LO_IFINDEX);
		cr_assert(bt_take());
		icmp_error_about(&f, &dns);
		bt_run(hooks[h], &f, LO_IFINDEX);
		e = bt_take();
		cr_expect(e && e->type == FT_REC_ICMP_ERROR, "%s: the error about port 53 is lost",
			  bt_hook_name(hooks[h]));
		cr_expect_eq(bt_counter(FT_CNT_OUT_OF_SCOPE), 0);

		icmp_error_about(&f, &other);
		bt_run(hooks[h], &f, LO_IFINDEX);
		cr_expect_eq(bt_pending(), 0, "%s: an error about port 123 reported",
			     bt_hook_name(hooks[h]));
		cr_expect_eq(bt_counter(FT_CNT_OUT_OF_SCOPE), 1);
		cr_expect_eq(bt_counter(FT_CNT_ICMP_UNMATCHED), 0);
		cr_expect_eq(bt_flow_count(), 1);
	}
}

static void arp(struct frame *f, const char *sip, const char *tip)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_ARP);
	fr_arp(f, 1, MAC_A, sip, MAC_ZERO, tip);
	fr_zeros(f, 18);
}

static void ns(struct frame *f, const char *src, const char *target)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_IPV6);
	fr_ipv6(f, src, "ff02::1:ff00:2", IPPROTO_ICMPV6);
	fr_ndp(f, 135, 0, target);
	fr_ndp_lla(f, ND_OPT_SLLA, MAC_A);
	fr_done(f);
}

/* ARP and NDP carry no ports: kept when their addresses could be in scope. */
Test(bpf_scope, arp_and_ndp_by_address)
{
	static const struct {
		const char *desc;
		int v6;
		const char *sender, *target;
		int in;
	} cases[] = {
		{ "ARP asking for the service", 0, "10.0.0.1", "10.0.0.2", 1 },
		{ "ARP from the service", 0, "10.0.0.2", "10.0.0.1", 1 },
		{ "ARP between others", 0, "10.0.0.5", "10.0.0.6", 0 },
		{ "NS for the service", 1, "2001:db8::1", "2001:db8::2", 1 },
		{ "NS between others", 1, "2001:db8::5", "2001:db8::6", 0 },
	};
	struct frame f;

	load_with("(host 10.0.0.2 or host 2001:db8::2) and tcp and port 443");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t h = 0; h < sizeof(hooks) / sizeof(hooks[0]); h++) {
			const union bt_event *e;

			bt_reset();
			if (cases[i].v6)
				ns(&f, cases[i].sender, cases[i].target);
			else
				arp(&f, cases[i].sender, cases[i].target);
			bt_run(hooks[h], &f, LO_IFINDEX);
			e = bt_take();
			if (cases[i].in) {
				cr_expect(e && e->type == FT_REC_ARP, "%s at %s: not reported",
					  cases[i].desc, bt_hook_name(hooks[h]));
				cr_expect_eq(bt_counter(FT_CNT_OUT_OF_SCOPE), 0);
			} else {
				cr_expect_null(e, "%s at %s: reported", cases[i].desc,
					       bt_hook_name(hooks[h]));
				cr_expect_eq(bt_counter(FT_CNT_OUT_OF_SCOPE), 1, "%s at %s: not counted",
					     cases[i].desc, bt_hook_name(hooks[h]));
			}
		}
	}
}

/* Without --filter nothing is out of scope (and the counter exists). */
Test(bpf_scope, no_filter_keeps_everything)
{
	const struct l4 p = { 4, IPPROTO_TCP, "10.0.0.1", "10.0.0.3", 40000, 81 };
	struct frame f;

	bt_load(NULL);
	for (size_t h = 0; h < sizeof(hooks) / sizeof(hooks[0]); h++) {
		bt_reset();
		build(&f, &p);
		bt_run(hooks[h], &f, LO_IFINDEX);
		cr_expect_eq(bt_flow_count(), 1);
		cr_expect_eq(bt_counter(FT_CNT_OUT_OF_SCOPE), 0);
	}
}
