// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ARP and NDP on the wire, through the real programs: every field of the
 * event for each kind (request, reply, gratuitous, probe, NS, NA, DAD),
 * and the in-kernel folding of identical repeats within the window.
 */
#include <time.h>
#include <criterion/criterion.h>
#include "lib/bpf_run.h"

#define LO_IFINDEX 1

#define A4 "10.0.0.1"
#define B4 "10.0.0.2"
#define A6 "2001:db8::1"
#define B6 "2001:db8::2"
#define SOLICITED_NODE_B "ff02::1:ff00:2"
#define ALL_NODES "ff02::1"

#define NS 135
#define NA 136

/* What an event must hold; sender_mac and target_mac NULL mean zero. */
struct arp_expect {
	__u8 op;
	__u8 flags;
	int family;
	const char *sender_ip, *target_ip;
	const __u8 *sender_mac, *target_mac;
	const __u8 *eth_src, *eth_dst;
	__u16 vlan;
};

struct arp_case {
	const char *desc;
	void (*build)(struct frame *f);
	struct arp_expect want;
};

TestSuite(bpf_arp, .init = bt_setup, .fini = bt_teardown, .timeout = 60);

static void arp_request(struct frame *f)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_ARP);
	fr_arp(f, 1, MAC_A, A4, MAC_ZERO, B4);
	fr_zeros(f, 18);
}

static void arp_reply(struct frame *f)
{
	fr_eth(f, MAC_A, MAC_B, ETH_TYPE_ARP);
	fr_arp(f, 2, MAC_B, B4, MAC_A, A4);
}

static void arp_gratuitous_request(struct frame *f)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_ARP);
	fr_arp(f, 1, MAC_A, A4, MAC_ZERO, A4);
}

static void arp_gratuitous_reply(struct frame *f)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_ARP);
	fr_arp(f, 2, MAC_A, A4, MAC_BCAST, A4);
}

static void arp_probe(struct frame *f)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_ARP);
	fr_arp(f, 1, MAC_A, "0.0.0.0", MAC_ZERO, B4);
}

/* Load balancers and proxies answer with an ARP sender MAC that is not
 * the frame's source. */
static void arp_reply_other_eth_src(struct frame *f)
{
	fr_eth(f, MAC_A, MAC_C, ETH_TYPE_ARP);
	fr_arp(f, 2, MAC_B, B4, MAC_A, A4);
}

static void arp_reply_qinq(struct frame *f)
{
	fr_eth(f, MAC_A, MAC_B, ETH_TYPE_8021AD);
	fr_vlan(f, 300, ETH_TYPE_8021Q);
	fr_vlan(f, 30, ETH_TYPE_ARP);
	fr_arp(f, 2, MAC_B, B4, MAC_A, A4);
}

/* NS from A for B; the option's MAC differs from the Ethernet source so
 * the event shows which one it took. */
static void ns_slla(struct frame *f)
{
	fr_eth(f, MAC_BCAST, MAC_C, ETH_TYPE_IPV6);
	fr_ipv6(f, A6, SOLICITED_NODE_B, IPPROTO_ICMPV6);
	fr_ndp(f, NS, 0, B6);
	fr_ndp_lla(f, ND_OPT_SLLA, MAC_A);
	fr_done(f);
}

static void ns_nonce_then_slla(struct frame *f)
{
	fr_eth(f, MAC_BCAST, MAC_C, ETH_TYPE_IPV6);
	fr_ipv6(f, A6, SOLICITED_NODE_B, IPPROTO_ICMPV6);
	fr_ndp(f, NS, 0, B6);
	fr_ndp_nonce(f);
	fr_ndp_lla(f, ND_OPT_SLLA, MAC_A);
	fr_done(f);
}

static void ns_no_option(struct frame *f)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_IPV6);
	fr_ipv6(f, A6, SOLICITED_NODE_B, IPPROTO_ICMPV6);
	fr_ndp(f, NS, 0, B6);
	fr_done(f);
}

/* Duplicate address detection: from ::, no link-layer option. */
static void ns_dad(struct frame *f)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_IPV6);
	fr_ipv6(f, "::", SOLICITED_NODE_B, IPPROTO_ICMPV6);
	fr_ndp(f, NS, 0, B6);
	fr_ndp_nonce(f);
	fr_done(f);
}

static void ns_vlan(struct frame *f)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_8021Q);
	fr_vlan(f, 0xe000 | 99, ETH_TYPE_IPV6);
	fr_ipv6(f, A6, SOLICITED_NODE_B, IPPROTO_ICMPV6);
	fr_ndp(f, NS, 0, B6);
	fr_ndp_lla(f, ND_OPT_SLLA, MAC_A);
	fr_done(f);
}

static void na(struct frame *f, __u8 flags, const char *dst, int opt, int cut)
{
	fr_eth(f, MAC_A, MAC_C, ETH_TYPE_IPV6);
	fr_ipv6(f, B6, dst, IPPROTO_ICMPV6);
	fr_ndp(f, NA, flags, B6);
	if (opt)
		fr_ndp_lla(f, opt, MAC_B);
	fr_done(f);
	if (cut)
		fr_cut(f, f->len - cut);
}

static void na_solicited_tlla(struct frame *f)
{
	na(f, NA_FLAG_SOLICITED | NA_FLAG_OVERRIDE, A6, ND_OPT_TLLA, 0);
}

static void na_router(struct frame *f)
{
	na(f, NA_FLAG_ROUTER | NA_FLAG_SOLICITED, A6, ND_OPT_TLLA, 0);
}

static void na_unsolicited(struct frame *f)
{
	na(f, NA_FLAG_OVERRIDE, ALL_NODES, ND_OPT_TLLA, 0);
}

static void na_no_option(struct frame *f)
{
	na(f, NA_FLAG_SOLICITED, A6, 0, 0);
}

static void na_source_option_only(struct frame *f)
{
	na(f, NA_FLAG_SOLICITED, A6, ND_OPT_SLLA, 0);
}

static void na_option_cut(struct frame *f)
{
	na(f, NA_FLAG_SOLICITED, A6, ND_OPT_TLLA, 4);
}

#define WANT(...) { __VA_ARGS__ }
#define GARP_WANT                                                                          \
	WANT(.op = FT_ARP_REQUEST, .flags = FT_ARP_GRATUITOUS, .family = 4, .sender_ip = A4, \
	     .target_ip = A4, .sender_mac = MAC_A, .eth_src = MAC_A, .eth_dst = MAC_BCAST)

static const struct arp_case cases[] = {
	{ "ARP request", arp_request,
	  WANT(.op = FT_ARP_REQUEST, .family = 4, .sender_ip = A4, .target_ip = B4,
	       .sender_mac = MAC_A, .eth_src = MAC_A, .eth_dst = MAC_BCAST) },
	{ "ARP reply", arp_reply,
	  WANT(.op = FT_ARP_REPLY, .family = 4, .sender_ip = B4, .target_ip = A4,
	       .sender_mac = MAC_B, .target_mac = MAC_A, .eth_src = MAC_B, .eth_dst = MAC_A) },
	{ "gratuitous ARP request", arp_gratuitous_request, GARP_WANT },
	{ "gratuitous ARP reply", arp_gratuitous_reply,
	  WANT(.op = FT_ARP_REPLY, .flags = FT_ARP_GRATUITOUS, .family = 4, .sender_ip = A4,
	       .target_ip = A4, .sender_mac = MAC_A, .target_mac = MAC_BCAST, .eth_src = MAC_A,
	       .eth_dst = MAC_BCAST) },
	{ "ARP probe from 0.0.0.0", arp_probe,
	  WANT(.op = FT_ARP_REQUEST, .flags = FT_ARP_PROBE, .family = 4, .sender_ip = "0.0.0.0",
	       .target_ip = B4, .sender_mac = MAC_A, .eth_src = MAC_A, .eth_dst = MAC_BCAST) },
	{ "ARP reply, sender MAC not the Ethernet source", arp_reply_other_eth_src,
	  WANT(.op = FT_ARP_REPLY, .family = 4, .sender_ip = B4, .target_ip = A4,
	       .sender_mac = MAC_B, .target_mac = MAC_A, .eth_src = MAC_C, .eth_dst = MAC_A) },
	{ "QinQ ARP reply: outer VLAN id", arp_reply_qinq,
	  WANT(.op = FT_ARP_REPLY, .family = 4, .sender_ip = B4, .target_ip = A4,
	       .sender_mac = MAC_B, .target_mac = MAC_A, .eth_src = MAC_B, .eth_dst = MAC_A,
	       .vlan = 300) },
	{ "NS with source link-layer option", ns_slla,
	  WANT(.op = FT_NDP_NS, .family = 6, .sender_ip = A6, .target_ip = B6,
	       .sender_mac = MAC_A, .eth_src = MAC_C, .eth_dst = MAC_BCAST) },
	{ "NS with a nonce before the source option", ns_nonce_then_slla,
	  WANT(.op = FT_NDP_NS, .family = 6, .sender_ip = A6, .target_ip = B6,
	       .sender_mac = MAC_A, .eth_src = MAC_C, .eth_dst = MAC_BCAST) },
	{ "NS without options: Ethernet source", ns_no_option,
	  WANT(.op = FT_NDP_NS, .family = 6, .sender_ip = A6, .target_ip = B6,
	       .sender_mac = MAC_A, .eth_src = MAC_A, .eth_dst = MAC_BCAST) },
	{ "DAD NS from ::", ns_dad,
	  WANT(.op = FT_NDP_NS, .flags = FT_ARP_PROBE, .family = 6, .sender_ip = "::",
	       .target_ip = B6, .sender_mac = MAC_A, .eth_src = MAC_A, .eth_dst = MAC_BCAST) },
	{ "802.1Q NS", ns_vlan,
	  WANT(.op = FT_NDP_NS, .family = 6, .sender_ip = A6, .target_ip = B6,
	       .sender_mac = MAC_A, .eth_src = MAC_A, .eth_dst = MAC_BCAST, .vlan = 99) },
	{ "solicited NA with target option, S and O", na_solicited_tlla,
	  WANT(.op = FT_NDP_NA, .flags = FT_NA_SOLICITED | FT_NA_OVERRIDE, .family = 6,
	       .sender_ip = B6, .target_ip = B6, .sender_mac = MAC_B, .eth_src = MAC_C,
	       .eth_dst = MAC_A) },
	{ "router NA, R and S", na_router,
	  WANT(.op = FT_NDP_NA, .flags = FT_NA_ROUTER | FT_NA_SOLICITED, .family = 6,
	       .sender_ip = B6, .target_ip = B6, .sender_mac = MAC_B, .eth_src = MAC_C,
	       .eth_dst = MAC_A) },
	{ "unsolicited NA: gratuitous", na_unsolicited,
	  WANT(.op = FT_NDP_NA, .flags = FT_ARP_GRATUITOUS | FT_NA_OVERRIDE, .family = 6,
	       .sender_ip = B6, .target_ip = B6, .sender_mac = MAC_B, .eth_src = MAC_C,
	       .eth_dst = MAC_A) },
	{ "NA without options: Ethernet source", na_no_option,
	  WANT(.op = FT_NDP_NA, .flags = FT_NA_SOLICITED, .family = 6, .sender_ip = B6,
	       .target_ip = B6, .sender_mac = MAC_C, .eth_src = MAC_C, .eth_dst = MAC_A) },
	{ "NA with only a source option: Ethernet source", na_source_option_only,
	  WANT(.op = FT_NDP_NA, .flags = FT_NA_SOLICITED, .family = 6, .sender_ip = B6,
	       .target_ip = B6, .sender_mac = MAC_C, .eth_src = MAC_C, .eth_dst = MAC_A) },
	{ "NA with its option cut: Ethernet source", na_option_cut,
	  WANT(.op = FT_NDP_NA, .flags = FT_NA_SOLICITED, .family = 6, .sender_ip = B6,
	       .target_ip = B6, .sender_mac = MAC_C, .eth_src = MAC_C, .eth_dst = MAC_A) },
};

static void expect_arp(const char *desc, enum ft_hook hook, const struct ft_arp_event *e,
		       const struct arp_expect *w, __u32 repeats)
{
	__u8 sip[16] = {}, tip[16] = {};

	fr_addr(w->family, w->sender_ip, sip);
	fr_addr(w->family, w->target_ip, tip);
	cr_expect_eq(e->type, FT_REC_ARP, "%s [%s]: type %d", desc, bt_hook_name(hook), e->type);
	cr_expect_eq(e->hook, hook, "%s [%s]: hook %d", desc, bt_hook_name(hook), e->hook);
	cr_expect_eq(e->op, w->op, "%s [%s]: op %u", desc, bt_hook_name(hook), e->op);
	cr_expect_eq(e->flags, w->flags, "%s [%s]: flags %#x, want %#x", desc, bt_hook_name(hook),
		     e->flags, w->flags);
	cr_expect_eq(e->ifindex, LO_IFINDEX, "%s [%s]: ifindex", desc, bt_hook_name(hook));
	cr_expect_eq(e->family, w->family, "%s [%s]: family", desc, bt_hook_name(hook));
	cr_expect_arr_eq(e->sender_ip, sip, 16, "%s [%s]: sender IP", desc, bt_hook_name(hook));
	cr_expect_arr_eq(e->target_ip, tip, 16, "%s [%s]: target IP", desc, bt_hook_name(hook));
	cr_expect_arr_eq(e->sender_mac, w->sender_mac ? w->sender_mac : MAC_ZERO, 6,
			 "%s [%s]: sender MAC", desc, bt_hook_name(hook));
	cr_expect_arr_eq(e->target_mac, w->target_mac ? w->target_mac : MAC_ZERO, 6,
			 "%s [%s]: target MAC", desc, bt_hook_name(hook));
	cr_expect_arr_eq(e->eth_src, w->eth_src, 6, "%s [%s]: Ethernet source", desc,
			 bt_hook_name(hook));
	cr_expect_arr_eq(e->eth_dst, w->eth_dst, 6, "%s [%s]: Ethernet destination", desc,
			 bt_hook_name(hook));
	cr_expect_eq(e->vlan, w->vlan, "%s [%s]: vlan %u", desc, bt_hook_name(hook), e->vlan);
	cr_expect_eq(e->repeats, repeats, "%s [%s]: repeats %u, want %u", desc, bt_hook_name(hook),
		     e->repeats, repeats);
	cr_expect_gt(e->ts_ns, 0, "%s [%s]: no timestamp", desc, bt_hook_name(hook));
}

Test(bpf_arp, every_kind_on_every_hook)
{
	static const enum ft_hook hooks[] = { FT_HOOK_XDP, FT_HOOK_TC_INGRESS, FT_HOOK_TC_EGRESS };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t h = 0; h < 3; h++) {
			const struct arp_case *c = &cases[i];
			const union bt_event *e;
			__u64 cnt[FT_CNT_MAX];
			struct frame f;

			bt_reset();
			c->build(&f);
			bt_run(hooks[h], &f, LO_IFINDEX);
			cr_expect_eq(bt_pending(), 1, "%s [%s]: %d events", c->desc,
				     bt_hook_name(hooks[h]), bt_pending());
			e = bt_take();
			if (e)
				expect_arp(c->desc, hooks[h], &e->arp, &c->want, 0);
			bt_counters(cnt);
			for (int k = 1; k < FT_CNT_MAX; k++)
				cr_expect_eq(cnt[k], 0, "%s [%s]: counter %d is %llu", c->desc,
					     bt_hook_name(hooks[h]), k, (unsigned long long)cnt[k]);
			cr_expect_eq(bt_flow_count(), 0, "%s: ARP/NDP made a flow", c->desc);
		}
	}
}

static void run_built(void (*build)(struct frame *f), enum ft_hook hook, __u32 ifindex)
{
	struct frame f;

	build(&f);
	bt_run(hook, &f, ifindex);
}

Test(bpf_arp, repeats_folded_in_window)
{
	run_built(arp_reply, FT_HOOK_XDP, LO_IFINDEX);
	cr_expect_eq(bt_pending(), 1, "first reply reported");
	bt_take();
	run_built(arp_reply, FT_HOOK_XDP, LO_IFINDEX);
	run_built(arp_reply, FT_HOOK_XDP, LO_IFINDEX);
	cr_expect_eq(bt_pending(), 0, "identical replies within the window: %d events",
		     bt_pending());
	cr_expect_eq(bt_counter(FT_CNT_ARP_FOLDED), 2);

	run_built(ns_slla, FT_HOOK_TC_INGRESS, LO_IFINDEX);
	run_built(ns_slla, FT_HOOK_TC_INGRESS, LO_IFINDEX);
	cr_expect_eq(bt_pending(), 1, "NS repeat: %d events", bt_pending());
	cr_expect_eq(bt_counter(FT_CNT_ARP_FOLDED), 3);
}

/* What makes a repeat: same hook, interface, op, flags, IPs and MAC. A
 * change in any of them is news, above all a second MAC for one IP. */
Test(bpf_arp, differences_are_not_folded)
{
	struct frame f;

	run_built(arp_reply, FT_HOOK_XDP, LO_IFINDEX);
	run_built(arp_reply, FT_HOOK_TC_INGRESS, LO_IFINDEX);
	cr_expect_eq(bt_pending(), 2, "another hook: %d events", bt_pending());

	fr_eth(&f, MAC_A, MAC_C, ETH_TYPE_ARP);
	fr_arp(&f, 2, MAC_C, B4, MAC_A, A4);
	bt_run(FT_HOOK_XDP, &f, LO_IFINDEX);
	cr_expect_eq(bt_pending(), 3, "same IP from a second MAC must be reported");

	run_built(arp_request, FT_HOOK_XDP, LO_IFINDEX);
	fr_eth(&f, MAC_BCAST, MAC_A, ETH_TYPE_ARP);
	fr_arp(&f, 1, MAC_A, A4, MAC_ZERO, "10.0.0.3");
	bt_run(FT_HOOK_XDP, &f, LO_IFINDEX);
	cr_expect_eq(bt_pending(), 5, "another op, another target: %d events", bt_pending());
	cr_expect_eq(bt_counter(FT_CNT_ARP_FOLDED), 0);
}

Test(bpf_arp, other_interface_not_folded)
{
	__u32 other = bt_other_ifindex();
	const union bt_event *e;

	if (!other)
		cr_skip_test("no interface besides lo to run on");
	run_built(arp_reply, FT_HOOK_XDP, LO_IFINDEX);
	run_built(arp_reply, FT_HOOK_XDP, other);
	cr_expect_eq(bt_pending(), 2);
	bt_take();
	e = bt_take();
	cr_assert_not_null(e);
	cr_expect_eq(e->arp.ifindex, other);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

/* After the window, the next identical packet is reported with the count
 * of those folded since the last report. */
Test(bpf_arp, window_expiry_reports_repeats)
{
	const struct bt_opts opts = { .arp_window_ns = 100 * 1000000ULL };
	const struct arp_expect garp = GARP_WANT;
	const union bt_event *e;

	bt_teardown();
	bt_load(&opts);
	run_built(arp_gratuitous_request, FT_HOOK_XDP, LO_IFINDEX);
	run_built(arp_gratuitous_request, FT_HOOK_XDP, LO_IFINDEX);
	run_built(arp_gratuitous_request, FT_HOOK_XDP, LO_IFINDEX);
	run_built(arp_gratuitous_request, FT_HOOK_XDP, LO_IFINDEX);
	cr_assert_eq(bt_pending(), 1, "%d events in the window", bt_pending());
	e = bt_take();
	cr_expect_eq(e->arp.repeats, 0);
	sleep_ms(150);
	run_built(arp_gratuitous_request, FT_HOOK_XDP, LO_IFINDEX);
	e = bt_take();
	cr_assert_not_null(e, "no event after the window");
	expect_arp("after the window", FT_HOOK_XDP, &e->arp, &garp, 3);
	run_built(arp_gratuitous_request, FT_HOOK_XDP, LO_IFINDEX);
	cr_expect_eq(bt_pending(), 0, "a new window started");
}
