// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unresolved_neighbor on synthetic sequences: this host's ARP requests / NS
 * at egress, answers on the wire, neighbour entries going FAILED (the
 * timer's event) and packets dropped waiting for the neighbour
 * (FT_REC_NEIGH_DROP). Healthy resolution, re-confirmation of a STALE entry
 * and a probe that is answered say nothing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "reduce/internal.h"
#include "lib/records.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define T0 (100 * SEC)

enum { ETH0 = 2, ETH1 = 3 };

#define MAC_ETH0 "02:00:00:00:00:10"
#define MAC_ETH1 "02:00:00:00:00:11"
#define MAC_GW "02:00:00:00:0e:0e"
#define MAC_OTHER "02:00:00:00:0f:0f"
#define ZERO "00:00:00:00:00:00"


static struct ft_reducer *R;
static struct ft_findings FS;

static void feed(const void *rec, size_t len)
{
	cr_assert_eq(ft_reducer_feed(R, rec, len), 0);
}

static void iface(__u32 ifindex, const char *name, const char *mac)
{
	struct ft_iface_record rec = { .type = FT_REC_IFACE, .ifindex = ifindex, .ts_ns = T0 };

	rec_mac(mac, rec.mac);
	snprintf(rec.name, sizeof(rec.name), "%.15s", name);
	feed(&rec, sizeof(rec));
}

static void setup(void)
{
	struct ft_reduce_opts def = FT_REDUCE_OPTS_DEFAULT;

	R = ft_reducer_new(&def);
	cr_assert_not_null(R);
	iface(ETH0, "eth0", MAC_ETH0);
	iface(ETH1, "eth1", MAC_ETH1);
}

static void teardown(void)
{
	ft_findings_free(&FS);
	ft_reducer_free(R);
}

TestSuite(reduce_unresolved, .init = setup, .fini = teardown);

/* This host asks for tip on eth0 (an ARP request, or an NS for IPv6);
 * unicast (a re-confirmation probe) when dmac is given. */
static void ask(__u64 ts, const char *sip, const char *tip, const char *dmac, __u32 repeats)
{
	struct ft_arp_event e = { .type = FT_REC_ARP, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0 };

	e.ts_ns = ts;
	e.family = rec_ip(sip, e.sender_ip);
	rec_ip(tip, e.target_ip);
	e.op = e.family == FT_FAMILY_IPV6 ? FT_NDP_NS : FT_ARP_REQUEST;
	rec_mac(MAC_ETH0, e.sender_mac);
	rec_mac(MAC_ETH0, e.eth_src);
	rec_mac(dmac ? dmac : "ff:ff:ff:ff:ff:ff", e.eth_dst);
	e.repeats = repeats;
	feed(&e, sizeof(e));
}

/* ip answers from mac, received on eth0. */
static void answer(__u64 ts, const char *ip, const char *mac, const char *to_ip)
{
	struct ft_arp_event e = { .type = FT_REC_ARP, .hook = FT_HOOK_TC_INGRESS, .ifindex = ETH0 };

	e.ts_ns = ts;
	e.family = rec_ip(ip, e.sender_ip);
	if (e.family == FT_FAMILY_IPV6) {
		e.op = FT_NDP_NA;
		e.flags = FT_NA_SOLICITED;
		rec_ip(ip, e.target_ip);
		rec_ip(ip, e.sender_ip);
	} else {
		e.op = FT_ARP_REPLY;
		rec_ip(to_ip, e.target_ip);
		rec_mac(MAC_ETH0, e.target_mac);
	}
	rec_mac(mac, e.sender_mac);
	rec_mac(mac, e.eth_src);
	rec_mac(MAC_ETH0, e.eth_dst);
	feed(&e, sizeof(e));
}

static void neigh(__u64 ts, const char *ip, const char *old, const char *new, __u16 os, __u16 ns,
		  __u8 flags)
{
	struct ft_neigh_event e = { .type = FT_REC_NEIGH, .ifindex = ETH0, .ts_ns = ts };

	e.family = rec_ip(ip, e.ip);
	e.flags = flags;
	rec_mac(old, e.old_mac);
	rec_mac(new, e.new_mac);
	e.old_state = os;
	e.new_state = ns;
	feed(&e, sizeof(e));
}

/* The resolution timer gave up on ip. */
static void failed(__u64 ts, const char *ip)
{
	neigh(ts, ip, ZERO, ZERO, FT_NUD_INCOMPLETE, FT_NUD_FAILED, FT_NEIGH_BY_TIMER);
}

/* proto src:sport > dst:dport dropped waiting for nexthop (NULL: the
 * record names none) on eth0. */
static void dropped(__u64 ts, __u8 proto, const char *src, __u16 sport, const char *dst,
		    __u16 dport, const char *nexthop, __u32 count)
{
	struct ft_neigh_drop_event e = { .type = FT_REC_NEIGH_DROP, .ifindex = ETH0, .ts_ns = ts };
	__u8 s[16], d[16];
	__u8 fam = rec_ip(src, s);
	int a_first;

	rec_ip(dst, d);
	a_first = memcmp(s, d, 16) < 0;
	memcpy(e.key.addr_a, a_first ? s : d, 16);
	memcpy(e.key.addr_b, a_first ? d : s, 16);
	e.key.port_a = a_first ? sport : dport;
	e.key.port_b = a_first ? dport : sport;
	e.key.proto = proto;
	e.key.family = fam;
	e.side = a_first ? FT_SIDE_A : FT_SIDE_B;
	e.reason = FT_DROP_NEIGH_FAILED;
	if (nexthop)
		e.nh_family = rec_ip(nexthop, e.nexthop);
	e.count = count;
	feed(&e, sizeof(e));
}

static size_t collect(void)
{
	ft_findings_free(&FS);
	cr_assert_eq(ft_findings_collect(R, &FS, true), 0);
	return FS.n;
}

static const struct ft_finding *unresolved(const char *ip)
{
	__u8 want[16];
	__u8 fam = rec_ip(ip, want);

	collect();
	for (size_t i = 0; i < FS.n; i++)
		if (FS.v[i].kind == FT_KIND_UNRESOLVED_NEIGHBOR && FS.v[i].family == fam &&
		    !memcmp(FS.v[i].ip, want, 16))
			return &FS.v[i];
	return NULL;
}

Test(reduce_unresolved, unanswered_then_failed)
{
	const struct ft_finding *f;

	ask(T0, "10.0.0.1", "10.0.0.254", NULL, 0);
	ask(T0 + 1 * SEC, "10.0.0.1", "10.0.0.254", NULL, 0);
	ask(T0 + 2 * SEC, "10.0.0.1", "10.0.0.254", NULL, 0);
	failed(T0 + 3 * SEC, "10.0.0.254");
	f = unresolved("10.0.0.254");
	cr_assert_not_null(f);
	cr_expect_eq(FS.n, 1, "only the unresolved neighbour");
	cr_expect_eq(f->requests, 3);
	cr_expect(f->neigh_failed);
	cr_expect_eq(f->first_ns, T0);
	cr_expect_eq(f->last_ns, T0 + 3 * SEC);
	cr_expect_eq(f->ifaces.n, 1);
	cr_expect_eq(f->ifaces.ifindex[0], ETH0);
	cr_expect_eq(f->cls, FT_CLASS_NONE);
	cr_expect_eq(f->unres_drops, 0);
	cr_expect(strstr(f->hint, "10.0.0.254 on eth0 never answered ARP") != NULL, "%s", f->hint);
	cr_expect(strstr(f->hint, "FAILED") != NULL, "%s", f->hint);
}

Test(reduce_unresolved, folded_repeats_count)
{
	ask(T0, "10.0.0.1", "10.0.0.254", NULL, 0);
	ask(T0 + 2 * SEC, "10.0.0.1", "10.0.0.254", NULL, 1);
	failed(T0 + 3 * SEC, "10.0.0.254");
	cr_assert_not_null(unresolved("10.0.0.254"));
	cr_expect_eq(unresolved("10.0.0.254")->requests, 3);
}

Test(reduce_unresolved, answered_after_one_request)
{
	ask(T0, "10.0.0.1", "10.0.0.10", NULL, 0);
	answer(T0 + MS, "10.0.0.10", MAC_GW, "10.0.0.1");
	neigh(T0 + MS, "10.0.0.10", ZERO, MAC_GW, FT_NUD_INCOMPLETE, FT_NUD_REACHABLE, 0);
	cr_expect_eq(collect(), 0);
}

Test(reduce_unresolved, answered_ipv6)
{
	ask(T0, "fd00::1", "fd00::10", NULL, 0);
	ask(T0 + SEC, "fd00::1", "fd00::10", NULL, 0);
	answer(T0 + SEC + MS, "fd00::10", MAC_GW, NULL);
	cr_expect_eq(collect(), 0);
}

/* STALE -> DELAY -> PROBE: unicast requests until the owner confirms. */
Test(reduce_unresolved, stale_reconfirmed)
{
	neigh(T0, "10.0.0.10", MAC_GW, MAC_GW, FT_NUD_REACHABLE, FT_NUD_STALE, 0);
	ask(T0 + 5 * SEC, "10.0.0.1", "10.0.0.10", MAC_GW, 0);
	ask(T0 + 6 * SEC, "10.0.0.1", "10.0.0.10", MAC_GW, 0);
	ask(T0 + 7 * SEC, "10.0.0.1", "10.0.0.10", MAC_GW, 0);
	answer(T0 + 7 * SEC + MS, "10.0.0.10", MAC_GW, "10.0.0.1");
	neigh(T0 + 7 * SEC + MS, "10.0.0.10", MAC_GW, MAC_GW, FT_NUD_PROBE, FT_NUD_REACHABLE, 0);
	cr_expect_eq(collect(), 0);
}

/* Confirmed by the neighbour table alone (the reply was not on a traced
 * interface). */
Test(reduce_unresolved, confirmed_by_entry)
{
	ask(T0, "10.0.0.1", "10.0.0.10", MAC_GW, 0);
	ask(T0 + SEC, "10.0.0.1", "10.0.0.10", MAC_GW, 0);
	ask(T0 + 2 * SEC, "10.0.0.1", "10.0.0.10", MAC_GW, 0);
	neigh(T0 + 2 * SEC + MS, "10.0.0.10", MAC_GW, MAC_GW, FT_NUD_PROBE, FT_NUD_REACHABLE, 0);
	cr_expect_eq(collect(), 0);
}

/* An address checked with a probe (arping, DAD) that then answers. */
Test(reduce_unresolved, probe_then_answer)
{
	struct ft_arp_event e = { .type = FT_REC_ARP, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0 };

	e.ts_ns = T0;
	e.op = FT_ARP_REQUEST;
	e.flags = FT_ARP_PROBE;
	e.family = rec_ip("10.0.0.20", e.target_ip);
	rec_mac(MAC_ETH0, e.sender_mac);
	rec_mac(MAC_ETH0, e.eth_src);
	feed(&e, sizeof(e));
	ask(T0 + SEC, "10.0.0.1", "10.0.0.20", NULL, 0);
	ask(T0 + 2 * SEC, "10.0.0.1", "10.0.0.20", NULL, 0);
	answer(T0 + 2 * SEC + MS, "10.0.0.20", MAC_OTHER, "10.0.0.1");
	cr_expect_eq(collect(), 0);
}

/* A neighbour that failed once and answers later is fine now. */
Test(reduce_unresolved, failed_then_answered)
{
	ask(T0, "10.0.0.1", "10.0.0.254", NULL, 0);
	ask(T0 + SEC, "10.0.0.1", "10.0.0.254", NULL, 0);
	ask(T0 + 2 * SEC, "10.0.0.1", "10.0.0.254", NULL, 0);
	failed(T0 + 3 * SEC, "10.0.0.254");
	ask(T0 + 10 * SEC, "10.0.0.1", "10.0.0.254", NULL, 0);
	answer(T0 + 10 * SEC + MS, "10.0.0.254", MAC_GW, "10.0.0.1");
	cr_expect_eq(collect(), 0);
}

/* Two requests and the trace ends: resolution still in progress. */
Test(reduce_unresolved, too_few_requests)
{
	ask(T0, "10.0.0.1", "10.0.0.254", NULL, 0);
	ask(T0 + SEC, "10.0.0.1", "10.0.0.254", NULL, 0);
	cr_expect_eq(collect(), 0);
	ask(T0 + 2 * SEC, "10.0.0.1", "10.0.0.254", NULL, 0);
	cr_assert_not_null(unresolved("10.0.0.254"));
	cr_expect_not(FS.v[0].neigh_failed);
}

/* Requests seen leaving a traced bridge port from other hosts are not
 * this host's resolution. */
Test(reduce_unresolved, others_requests)
{
	for (int i = 0; i < 5; i++) {
		struct ft_arp_event e = { .type = FT_REC_ARP, .hook = FT_HOOK_TC_EGRESS,
					  .ifindex = ETH0, .op = FT_ARP_REQUEST };

		e.ts_ns = T0 + i * SEC;
		e.family = rec_ip("10.0.0.7", e.sender_ip);
		rec_ip("10.0.0.254", e.target_ip);
		rec_mac(MAC_OTHER, e.sender_mac);
		rec_mac(MAC_OTHER, e.eth_src);
		feed(&e, sizeof(e));
	}
	cr_expect_eq(collect(), 0);
}

/* A dead gateway: the flow to the remote subnet is named, through it. */
Test(reduce_unresolved, flow_through_dead_gateway)
{
	const struct ft_finding *f;
	char a[INET6_ADDRSTRLEN];

	ask(T0, "fd00::1", "fd00::fe", NULL, 0);
	ask(T0 + SEC, "fd00::1", "fd00::fe", NULL, 0);
	ask(T0 + 2 * SEC, "fd00::1", "fd00::fe", NULL, 0);
	dropped(T0 + 3 * SEC, IPPROTO_TCP, "fd00::1", 40000, "fd99::5", 80, "fd00::fe", 2);
	failed(T0 + 3 * SEC, "fd00::fe");
	dropped(T0 + 8 * SEC, IPPROTO_TCP, "fd00::1", 40000, "fd99::5", 80, "fd00::fe", 1);
	f = unresolved("fd00::fe");
	cr_assert_not_null(f);
	cr_expect_eq(FS.n, 1);
	cr_expect_eq(f->unres_drops, 3);
	cr_assert_eq(f->n_unres_flows, 1);
	cr_expect(f->unres_flows[0].via_gateway);
	cr_expect_eq(f->unres_flows[0].proto, IPPROTO_TCP);
	cr_expect_eq(f->unres_flows[0].sport, 40000);
	cr_expect_eq(f->unres_flows[0].dport, 80);
	cr_expect_eq(f->unres_flows[0].drops, 3);
	cr_expect_str_eq(inet_ntop(AF_INET6, f->unres_flows[0].dst, a, sizeof(a)), "fd99::5");
	cr_expect_str_eq(inet_ntop(AF_INET6, f->unres_flows[0].src, a, sizeof(a)), "fd00::1");
	cr_expect_eq(f->last_ns, T0 + 8 * SEC);
	cr_expect(strstr(f->hint, "gateway") != NULL, "%s", f->hint);
}

/* An on-link peer that is down: the drops' destination is the neighbour
 * (a record that names no next hop means the destination). */
Test(reduce_unresolved, onlink_peer_down)
{
	const struct ft_finding *f;

	ask(T0, "10.0.0.1", "10.0.0.30", NULL, 0);
	dropped(T0 + 3 * SEC, IPPROTO_UDP, "10.0.0.1", 5000, "10.0.0.30", 53, NULL, 1);
	dropped(T0 + 3 * SEC, IPPROTO_ICMP, "10.0.0.1", 7, "10.0.0.30", 7, "10.0.0.30", 1);
	f = unresolved("10.0.0.30");
	cr_assert_not_null(f);
	cr_expect_eq(f->requests, 1);
	cr_expect_not(f->neigh_failed);
	cr_expect_eq(f->unres_drops, 2);
	cr_assert_eq(f->n_unres_flows, 2);
	cr_expect_not(f->unres_flows[0].via_gateway);
	cr_expect_not(f->unres_flows[1].via_gateway);
}

/* Flows beyond the listed few are counted in the drops only. */
Test(reduce_unresolved, many_flows)
{
	failed(T0, "10.0.0.254");
	for (int i = 0; i < 10; i++)
		dropped(T0 + i * MS, IPPROTO_TCP, "10.0.0.1", 40000 + i, "10.9.9.9", 443,
			"10.0.0.254", 1);
	cr_assert_not_null(unresolved("10.0.0.254"));
	cr_expect_eq(FS.v[0].n_unres_flows, FT_UNRES_FLOWS);
	cr_expect_eq(FS.v[0].unres_drops, 10);
}

Test(reduce_unresolved, allowed_is_classified)
{
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;
	const char *const allow[] = { "10.0.0.254", NULL };

	ft_reducer_free(R);
	o.allow = allow;
	R = ft_reducer_new(&o);
	cr_assert_not_null(R);
	iface(ETH0, "eth0", MAC_ETH0);
	failed(T0, "10.0.0.254");
	cr_assert_not_null(unresolved("10.0.0.254"));
	cr_expect_eq(FS.v[0].cls, FT_CLASS_ALLOWED);
}

Test(reduce_unresolved, bad_reason_refused)
{
	struct ft_neigh_drop_event e = { .type = FT_REC_NEIGH_DROP, .reason = FT_DROP_RPFILTER,
					 .ts_ns = T0, .count = 1 };

	cr_expect_eq(ft_reducer_feed(R, &e, sizeof(e)), -EINVAL);
}
