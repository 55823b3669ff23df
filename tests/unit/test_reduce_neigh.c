// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The ARP-flux reducer on synthetic ARP/NDP packets and neighbour-table
 * changes: every kind, positive and negative, the legitimate look-alikes
 * (virtual router MACs, proxy ARP, NLB, bond failover) and the allow-list.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include "common/format.h"
#include "explain/explain.h"
#include "reduce/internal.h"
#include "lib/records.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define T0 (100 * SEC)

enum { ETH0 = 2, ETH3 = 5, ETH4 = 6 };

/* This host's interfaces. */
#define MAC_ETH0 "02:00:00:00:00:10"
#define MAC_ETH3 "02:00:00:00:00:13"
#define MAC_ETH4 "02:00:00:00:00:14"
/* Others on the segment. */
#define MAC_CLIENT "02:00:00:00:0c:0c"
#define MAC_A "02:00:00:00:0a:0a"
#define MAC_B "02:00:00:00:0b:0b"
#define BCAST "ff:ff:ff:ff:ff:ff"

struct arp {
	__u64 ts;
	__u8 hook;
	__u32 ifindex;
	__u8 op;
	__u8 flags;
	const char *sip, *smac, *tip, *tmac;
	const char *esrc, *edst; /* default: smac, and tmac or broadcast */
	__u32 repeats;
};

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

static void setup_opts(const struct ft_reduce_opts *o)
{
	struct ft_reduce_opts def = FT_REDUCE_OPTS_DEFAULT;

	R = ft_reducer_new(o ? o : &def);
	cr_assert_not_null(R);
	iface(ETH0, "eth0", MAC_ETH0);
	iface(ETH3, "eth3", MAC_ETH3);
	iface(ETH4, "eth4", MAC_ETH4);
}

static void setup(void)
{
	setup_opts(NULL);
}

static void teardown(void)
{
	ft_findings_free(&FS);
	ft_reducer_free(R);
}

TestSuite(reduce_neigh, .init = setup, .fini = teardown);

static int send_arp(const struct arp *a)
{
	struct ft_arp_event e = { .type = FT_REC_ARP, .hook = a->hook, .op = a->op };

	e.hook = a->hook ? a->hook : FT_HOOK_XDP;
	e.flags = a->flags;
	e.ifindex = a->ifindex ? a->ifindex : ETH0;
	e.ts_ns = a->ts;
	e.family = rec_ip(a->sip, e.sender_ip);
	rec_ip(a->tip ? a->tip : a->sip, e.target_ip);
	rec_mac(a->smac, e.sender_mac);
	if (a->tmac)
		rec_mac(a->tmac, e.target_mac);
	rec_mac(a->esrc ? a->esrc : a->smac, e.eth_src);
	rec_mac(a->edst ? a->edst : a->tmac ? a->tmac : BCAST, e.eth_dst);
	e.repeats = a->repeats;
	return ft_reducer_feed(R, &e, sizeof(e));
}

/* Defaults: received (XDP) on eth0. */
#define ARP(...) cr_assert_eq(send_arp(&(struct arp){ __VA_ARGS__ }), 0)

static void neigh(__u64 ts, __u32 ifindex, const char *ip, const char *old, const char *new)
{
	struct ft_neigh_event e = { .type = FT_REC_NEIGH, .ifindex = ifindex, .ts_ns = ts };

	e.family = rec_ip(ip, e.ip);
	if (old)
		rec_mac(old, e.old_mac);
	if (new)
		rec_mac(new, e.new_mac);
	e.old_state = 0x02; /* NUD_REACHABLE */
	e.new_state = 0x02;
	feed(&e, sizeof(e));
}

static void mark(__u64 ts)
{
	struct ft_counters_record c = { .type = FT_REC_COUNTERS, .ts_ns = ts };

	feed(&c, sizeof(c));
}

static const struct ft_finding *find_kind(unsigned int kind)
{
	ft_findings_free(&FS);
	cr_assert_eq(ft_findings_collect(R, &FS, true), 0);
	for (size_t i = 0; i < FS.n; i++)
		if (FS.v[i].kind == kind)
			return &FS.v[i];
	return NULL;
}

/* The first finding of a kind, which must exist. */
static const struct ft_finding *found(unsigned int kind)
{
	const struct ft_finding *f = find_kind(kind);

	cr_assert_not_null(f, "no %s finding", ft_kind_name(kind));
	return f;
}

static __u32 n_alarms(void)
{
	struct ft_report rep;
	__u32 n = 0;

	cr_assert_eq(ft_reducer_report(R, &rep, false), 0);
	for (unsigned int k = 0; k < FT_KIND_MAX; k++)
		n += rep.findings.per_kind[k];
	ft_report_free(&rep);
	return n;
}

static bool has_mac(const struct ft_maclist *l, const char *mac)
{
	__u8 m[6];

	rec_mac(mac, m);
	for (__u32 i = 0; i < l->n; i++)
		if (!memcmp(l->mac[i], m, 6))
			return true;
	return false;
}

/* The multi-NIC host with arp_ignore=0: a client's request for 10.0.0.4
 * is answered from all three interfaces. */
static void three_answers(__u8 hook)
{
	static const struct {
		__u32 ifindex;
		const char *mac;
	} nic[] = {
		{ ETH0, MAC_ETH0 },
		{ ETH3, MAC_ETH3 },
		{ ETH4, MAC_ETH4 },
	};

	for (int i = 0; i < 3; i++)
		ARP(.ts = T0 + i * 50000, .hook = hook,
		    .ifindex = hook == FT_HOOK_TC_EGRESS ? nic[i].ifindex : ETH0,
		    .op = FT_ARP_REPLY, .sip = "10.0.0.4", .smac = nic[i].mac, .tip = "10.0.0.100",
		    .tmac = MAC_CLIENT);
}

/* Hints that read this host, as a live run does. */
static struct ft_facts live_facts = { .mode = FT_FACTS_LIVE };

Test(reduce_neigh, host_answers_from_three_nics)
{
	three_answers(FT_HOOK_TC_EGRESS);
	mark(T0 + SEC);
	const struct ft_finding *f = found(FT_KIND_LOCAL_FLUX);
	cr_expect_eq(f->cls, FT_CLASS_NONE);
	cr_expect_eq(f->macs.n, 3);
	cr_expect_eq(f->ifaces.n, 3);
	cr_expect(has_mac(&f->macs, MAC_ETH4));
	cr_expect_null(find_kind(FT_KIND_DUPLICATE_IP), "our own answers are not a duplicate");
	cr_expect_eq(n_alarms(), 1);
}

/* Effective arp_ignore of dev as read from /proc, "?" when it has none. */
static void eff_arp_ignore(const char *dev, char *buf, size_t len)
{
	char path[96];
	int all = -1, v = -1;
	FILE *f;

	f = fopen("/proc/sys/net/ipv4/conf/all/arp_ignore", "r");
	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%d", &all), 1);
	fclose(f);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/arp_ignore", dev);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%d", &v) != 1)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%d", all > v ? all : v);
	if (f)
		fclose(f);
}

/* With host facts, the hint carries the effective sysctls read here. */
Test(reduce_neigh, local_flux_hint_reads_sysctls)
{
	char hint[FT_HINT_MAX], want[64], lo[8], eth0[8];

	iface(1, "lo", "02:00:00:00:00:01");
	ARP(.ts = T0, .hook = FT_HOOK_TC_EGRESS, .ifindex = 1, .op = FT_ARP_REPLY,
	    .sip = "10.0.0.4", .smac = "02:00:00:00:00:01", .tip = "10.0.0.100",
	    .tmac = MAC_CLIENT);
	ARP(.ts = T0 + 1000, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0, .op = FT_ARP_REPLY,
	    .sip = "10.0.0.4", .smac = MAC_ETH0, .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	mark(T0 + SEC);
	eff_arp_ignore("lo", lo, sizeof(lo));
	eff_arp_ignore("eth0", eth0, sizeof(eth0));
	ft_explain(found(FT_KIND_LOCAL_FLUX), &R->ifaces, &live_facts, hint, sizeof(hint));
	snprintf(want, sizeof(want), "arp_ignore lo=%s eth0=%s;", lo, eth0);
	cr_expect_not_null(strstr(hint, want), "want \"%s\" in: %s", want, hint);
	ft_explain(found(FT_KIND_LOCAL_FLUX), &R->ifaces, NULL, hint, sizeof(hint));
	cr_expect_not_null(strstr(hint, "host facts unavailable"), "%s", hint);
}

Test(reduce_neigh, each_address_answered_by_its_own_nic)
{
	ARP(.ts = T0, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0, .op = FT_ARP_REPLY,
	    .sip = "10.0.0.1", .smac = MAC_ETH0, .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	ARP(.ts = T0 + MS, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH3, .op = FT_ARP_REPLY,
	    .sip = "10.0.0.3", .smac = MAC_ETH3, .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	/* Our own broadcast request from eth0 heard on eth3 through the switch. */
	ARP(.ts = T0 + 2 * MS, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0, .op = FT_ARP_REQUEST,
	    .sip = "10.0.0.1", .smac = MAC_ETH0, .tip = "10.0.0.100");
	ARP(.ts = T0 + 2 * MS + 3000, .hook = FT_HOOK_XDP, .ifindex = ETH3, .op = FT_ARP_REQUEST,
	    .sip = "10.0.0.1", .smac = MAC_ETH0, .tip = "10.0.0.100");
	ARP(.ts = T0 + 3 * MS, .op = FT_ARP_REPLY, .sip = "10.0.0.100", .smac = MAC_CLIENT,
	    .tip = "10.0.0.1", .tmac = MAC_ETH0);
	mark(T0 + SEC);
	cr_expect_eq(n_alarms(), 0);
	cr_expect_null(find_kind(FT_KIND_LOCAL_FLUX));
}

/* The client side of the multi-NIC host: its request for each of the
 * host's addresses (10.0.0.1 on eth0, .3 on eth3, .4 on eth4) answered
 * from all three NICs at once. */
static void client_asks_multinic(__u64 ts, const char *ip)
{
	static const char *const nic[] = { MAC_ETH0, MAC_ETH3, MAC_ETH4 };

	ARP(.ts = ts, .hook = FT_HOOK_TC_EGRESS, .op = FT_ARP_REQUEST, .sip = "10.0.0.100",
	    .smac = MAC_CLIENT, .tip = ip);
	for (int i = 0; i < 3; i++)
		ARP(.ts = ts + 100000 + i * 50000, .op = FT_ARP_REPLY, .sip = ip, .smac = nic[i],
		    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
}

static struct ft_reducer *client_reducer(void)
{
	/* A client, whose interfaces own none of the host's MACs. */
	ft_reducer_free(R);
	R = ft_reducer_new(NULL);
	cr_assert_not_null(R);
	return R;
}

static const struct ft_finding *dup_of(const char *ip)
{
	__u8 want[16];

	rec_ip(ip, want);
	find_kind(FT_KIND_DUPLICATE_IP); /* collects */
	for (size_t i = 0; i < FS.n; i++)
		if (FS.v[i].kind == FT_KIND_DUPLICATE_IP && !memcmp(FS.v[i].ip, want, 16))
			return &FS.v[i];
	cr_assert_fail("no duplicate_ip for %s", ip);
	return NULL;
}

/* Three NICs answering one address together prove nothing by themselves:
 * a spoofer racing the owner does the same. */
Test(reduce_neigh, same_instant_answers_for_one_address_are_not_one_host)
{
	client_reducer();
	three_answers(FT_HOOK_XDP);
	mark(T0 + SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->reason, FT_DUP_SEVERAL_OWNERS);
	cr_expect(f->mac_evidence & FT_EVID_LOCAL_ADMIN);
	cr_expect_not(f->mac_evidence & FT_EVID_SHARED_IPS);
	cr_expect_eq(f->macs.n, 3);
	cr_expect_eq(f->co_answers, 2);
	cr_expect_eq(f->changes, 2);
	cr_expect_null(find_kind(FT_KIND_LOCAL_FLUX));
}

/* A real multi-NIC host (arp_ignore=0): every address answered from every
 * NIC, no MAC announcing an address unasked, no entry flipping. */
Test(reduce_neigh, duplicate_from_one_multihomed_host)
{
	char hint[FT_HINT_MAX];

	client_reducer();
	client_asks_multinic(T0, "10.0.0.4");
	client_asks_multinic(T0 + SEC, "10.0.0.1");
	client_asks_multinic(T0 + 2 * SEC, "10.0.0.3");
	/* The client's kernel keeps the first answer: one entry, no flips. */
	neigh(T0 + 200000, ETH0, "10.0.0.4", NULL, MAC_ETH0);
	mark(T0 + 3 * SEC);
	static const char *const ips[] = { "10.0.0.1", "10.0.0.3", "10.0.0.4" };
	for (int i = 0; i < 3; i++) {
		const struct ft_finding *f = dup_of(ips[i]);

		cr_expect_eq(f->reason, FT_DUP_ONE_HOST, "%s", ips[i]);
		cr_expect(f->mac_evidence & FT_EVID_SHARED_IPS, "%s", ips[i]);
		cr_expect_not(f->mac_evidence & FT_EVID_UNSOLICITED, "%s", ips[i]);
		cr_expect_eq(f->announced_by.n, 0);
		cr_expect_eq(f->macs.n, 3);
	}
	ft_explain(dup_of("10.0.0.4"), &R->ifaces, NULL, hint, sizeof(hint));
	cr_expect_not_null(strstr(hint, "one host with several NICs"), "%s", hint);
	cr_expect_not_null(strstr(hint, "arp_ignore=1"), "%s", hint);
}

#define GW "10.0.0.1"
#define GW2 "10.0.0.2"
#define CLIENT "10.0.0.100"
#define MAC_GW "00:1b:21:00:00:01"

/* The client resolves ip: its request, the gateway's answer, then an
 * attacker's answer racing it 1 ms later. */
static void raced(__u64 ts, const char *ip, const char *attacker)
{
	ARP(.ts = ts, .hook = FT_HOOK_TC_EGRESS, .op = FT_ARP_REQUEST, .sip = CLIENT,
	    .smac = MAC_CLIENT, .tip = ip);
	ARP(.ts = ts + 80000, .op = FT_ARP_REPLY, .sip = ip, .smac = MAC_GW, .tip = CLIENT,
	    .tmac = MAC_CLIENT);
	ARP(.ts = ts + MS, .op = FT_ARP_REPLY, .sip = ip, .smac = attacker, .tip = CLIENT,
	    .tmac = MAC_CLIENT);
}

/* arpspoof/ettercap: the attacker races the gateway's answers and sends
 * replies nobody asked for; the client's entry flips. Several owners, the
 * attacker named, nothing classified away. */
Test(reduce_neigh, spoofer_racing_and_unsolicited_replies)
{
	char hint[FT_HINT_MAX];

	client_reducer();
	raced(T0, GW, MAC_A);
	neigh(T0 + 100000, ETH0, GW, NULL, MAC_GW);
	/* 3 s later, unasked: the client's entry moves to the attacker. */
	ARP(.ts = T0 + 3 * SEC, .op = FT_ARP_REPLY, .sip = GW, .smac = MAC_A, .tip = CLIENT,
	    .tmac = MAC_CLIENT);
	neigh(T0 + 3 * SEC + 1000, ETH0, GW, MAC_GW, MAC_A);
	/* The gateway asks for the client: the entry goes back. */
	ARP(.ts = T0 + 5 * SEC, .op = FT_ARP_REQUEST, .sip = GW, .smac = MAC_GW, .tip = CLIENT);
	neigh(T0 + 5 * SEC + 1000, ETH0, GW, MAC_A, MAC_GW);
	mark(T0 + 6 * SEC);

	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->reason, FT_DUP_SEVERAL_OWNERS);
	cr_expect_eq(f->cls, FT_CLASS_NONE);
	cr_expect(f->mac_evidence & FT_EVID_UNSOLICITED);
	cr_expect(f->mac_evidence & FT_EVID_NEIGH_FLIP);
	cr_expect_eq(f->co_answers, 1);
	cr_expect_eq(f->announced_by.n, 1);
	cr_expect(has_mac(&f->announced_by, MAC_A));
	cr_expect_eq(f->used_by.n, 1);
	cr_expect(has_mac(&f->used_by, MAC_GW));
	ft_explain(f, &R->ifaces, NULL, hint, sizeof(hint));
	cr_expect_not_null(strstr(hint, "spoofer"), "%s", hint);
	cr_expect_not_null(strstr(hint, "find " MAC_A), "%s", hint);
	cr_expect_null(strstr(hint, "several NICs"), "%s", hint);
	f = found(FT_KIND_FLIP_FLOP);
	cr_expect_eq(f->cls, FT_CLASS_NONE);
	cr_expect_eq(n_alarms(), 2);
}

/* A spoofer whose MAC looks like the gateway's (same vendor prefix, or
 * both locally administered, as every VM's is), racing answers only:
 * nothing shows one host. */
Test(reduce_neigh, spoofer_with_lookalike_macs)
{
	static const struct {
		const char *gw, *att;
		__u8 evid;
	} cases[] = {
		{ MAC_GW, "00:1b:21:00:00:66", FT_EVID_SAME_OUI },
		{ MAC_B, MAC_A, FT_EVID_LOCAL_ADMIN },
	};

	for (int k = 0; k < 2; k++) {
		client_reducer();
		for (int i = 0; i < 3; i++) {
			ARP(.ts = T0 + i * SEC, .hook = FT_HOOK_TC_EGRESS, .op = FT_ARP_REQUEST,
			    .sip = CLIENT, .smac = MAC_CLIENT, .tip = GW);
			ARP(.ts = T0 + i * SEC + 80000, .op = FT_ARP_REPLY, .sip = GW,
			    .smac = cases[k].gw, .tip = CLIENT, .tmac = MAC_CLIENT);
			ARP(.ts = T0 + i * SEC + MS, .op = FT_ARP_REPLY, .sip = GW,
			    .smac = cases[k].att, .tip = CLIENT, .tmac = MAC_CLIENT);
		}
		mark(T0 + 4 * SEC);
		const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
		cr_expect_eq(f->reason, FT_DUP_SEVERAL_OWNERS, "case %d", k);
		cr_expect(f->mac_evidence & cases[k].evid, "case %d", k);
		cr_expect_eq(f->co_answers, 3);
		cr_expect_eq(f->cls, FT_CLASS_NONE);
	}
}

/* A gateway with two addresses, both raced by the attacker, who sends
 * unsolicited replies for one: answering together for another address
 * does not make one host when that address shows a spoofer. */
Test(reduce_neigh, spoofer_racing_both_addresses_of_the_gateway)
{
	client_reducer();
	raced(T0, GW, MAC_A);
	raced(T0 + SEC, GW2, MAC_A);
	ARP(.ts = T0 + 4 * SEC, .op = FT_ARP_REPLY, .sip = GW2, .smac = MAC_A, .tip = CLIENT,
	    .tmac = MAC_CLIENT);
	mark(T0 + 5 * SEC);
	cr_expect_eq(dup_of(GW2)->reason, FT_DUP_SEVERAL_OWNERS);
	cr_expect(dup_of(GW2)->mac_evidence & FT_EVID_UNSOLICITED);
	cr_expect_eq(dup_of(GW)->reason, FT_DUP_SEVERAL_OWNERS);
	cr_expect_not(dup_of(GW)->mac_evidence & FT_EVID_SHARED_IPS);
}

/* Replies to broadcast are never answers; replies to an asker whose
 * requests this trace never saw are not judged. */
Test(reduce_neigh, unsolicited_needs_the_askers_requests)
{
	client_reducer();
	ARP(.ts = T0, .op = FT_ARP_REPLY, .sip = GW, .smac = MAC_GW, .tip = CLIENT,
	    .tmac = MAC_CLIENT);
	ARP(.ts = T0 + 3 * SEC, .op = FT_ARP_REPLY, .sip = GW, .smac = MAC_A, .tip = CLIENT,
	    .tmac = MAC_CLIENT);
	mark(T0 + 4 * SEC);
	cr_expect_not(found(FT_KIND_DUPLICATE_IP)->mac_evidence & FT_EVID_UNSOLICITED);
	ARP(.ts = T0 + 5 * SEC, .op = FT_ARP_REPLY, .sip = GW, .smac = MAC_A, .tip = "0.0.0.0",
	    .tmac = BCAST);
	mark(T0 + 6 * SEC);
	cr_expect(found(FT_KIND_DUPLICATE_IP)->mac_evidence & FT_EVID_UNSOLICITED);
}

/* Split-brain VIP: two owners announce it in turn. */
Test(reduce_neigh, duplicate_from_two_owners)
{
	for (int i = 0; i < 4; i++)
		ARP(.ts = T0 + i * SEC, .op = FT_ARP_REQUEST, .flags = FT_ARP_GRATUITOUS,
		    .sip = "10.0.0.50", .smac = i % 2 ? MAC_B : MAC_A, .tip = "10.0.0.50");
	mark(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->reason, FT_DUP_SEVERAL_OWNERS);
	cr_expect(f->mac_evidence & FT_EVID_GRAT_SEVERAL);
	cr_expect_eq(f->changes, 3);
	cr_expect_eq(f->family, FT_FAMILY_IPV4);
}

/* Two owners that both answer the same broadcast request: the vendors
 * tell them apart. */
Test(reduce_neigh, same_instant_answers_from_two_vendors)
{
	ARP(.ts = T0, .op = FT_ARP_REPLY, .sip = "10.0.0.60", .smac = "00:1b:21:00:00:01",
	    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	ARP(.ts = T0 + 200000, .op = FT_ARP_REPLY, .sip = "10.0.0.60", .smac = "3c:ec:ef:00:00:02",
	    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	mark(T0 + SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->co_answers, 1);
	cr_expect_eq(f->reason, FT_DUP_SEVERAL_OWNERS);
}

/* One vendor prefix is no proof of one host. */
Test(reduce_neigh, same_instant_answers_same_vendor)
{
	ARP(.ts = T0, .op = FT_ARP_REPLY, .sip = "10.0.0.60", .smac = "00:1b:21:00:00:01",
	    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	ARP(.ts = T0 + 200000, .op = FT_ARP_REPLY, .sip = "10.0.0.60", .smac = "00:1b:21:00:00:02",
	    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	mark(T0 + SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->reason, FT_DUP_SEVERAL_OWNERS);
	cr_expect(f->mac_evidence & FT_EVID_SAME_OUI);
	cr_expect_eq(f->co_answers, 1);
}

/* Answers a second apart are not "the same instant". */
Test(reduce_neigh, answers_apart_in_time_are_several_owners)
{
	ARP(.ts = T0, .op = FT_ARP_REPLY, .sip = "10.0.0.60", .smac = "00:1b:21:00:00:01",
	    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	ARP(.ts = T0 + SEC, .op = FT_ARP_REPLY, .sip = "10.0.0.60", .smac = "00:1b:21:00:00:02",
	    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	mark(T0 + 2 * SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->co_answers, 0);
	cr_expect_eq(f->reason, FT_DUP_SEVERAL_OWNERS);
}

Test(reduce_neigh, another_host_claims_our_address)
{
	ARP(.ts = T0, .hook = FT_HOOK_TC_EGRESS, .op = FT_ARP_REPLY, .sip = "10.0.0.1",
	    .smac = MAC_ETH0, .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	ARP(.ts = T0 + 100000, .op = FT_ARP_REPLY, .sip = "10.0.0.1", .smac = MAC_A,
	    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	mark(T0 + SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->reason, FT_DUP_SEVERAL_OWNERS);
	cr_expect(f->mac_evidence & FT_EVID_LOCAL_AND_REMOTE);
	cr_expect_null(find_kind(FT_KIND_LOCAL_FLUX));
}

Test(reduce_neigh, one_owner_is_clean)
{
	for (int i = 0; i < 5; i++)
		ARP(.ts = T0 + i * SEC, .op = FT_ARP_REPLY, .sip = "10.0.0.70", .smac = MAC_A,
		    .tip = "10.0.0.100", .tmac = MAC_CLIENT, .repeats = 3);
	ARP(.ts = T0, .op = FT_ARP_REQUEST, .sip = "10.0.0.70", .smac = MAC_A, .tip = "10.0.0.1");
	mark(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 0);
	cr_expect_eq(FS.n, 0);
}

Test(reduce_neigh, probes_claim_nothing)
{
	ARP(.ts = T0, .op = FT_ARP_REQUEST, .flags = FT_ARP_PROBE, .sip = "0.0.0.0", .smac = MAC_A,
	    .tip = "10.0.0.70");
	ARP(.ts = T0 + MS, .op = FT_ARP_REPLY, .sip = "10.0.0.70", .smac = MAC_B,
	    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	ARP(.ts = T0, .op = FT_NDP_NS, .flags = FT_ARP_PROBE, .sip = "::", .smac = MAC_A,
	    .tip = "2001:db8::70");
	ARP(.ts = T0 + MS, .op = FT_NDP_NA, .sip = "2001:db8::70", .smac = MAC_B,
	    .tip = "2001:db8::70", .edst = "33:33:00:00:00:01");
	mark(T0 + SEC);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_neigh, ipv6_split_brain)
{
	char ip[FT_IP_STRLEN];

	for (int i = 0; i < 3; i++)
		ARP(.ts = T0 + i * SEC, .op = FT_NDP_NA,
		    .flags = FT_ARP_GRATUITOUS | FT_NA_OVERRIDE, .sip = "fe80::1",
		    .tip = "2001:db8::50", .smac = i % 2 ? MAC_B : MAC_A,
		    .edst = "33:33:00:00:00:01");
	mark(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->family, FT_FAMILY_IPV6);
	cr_expect_str_eq(ft_fmt_ip(f->family, f->ip, ip), "2001:db8::50");
	cr_expect_eq(f->reason, FT_DUP_SEVERAL_OWNERS);
}

Test(reduce_neigh, ipv6_local_flux)
{
	ARP(.ts = T0, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0, .op = FT_NDP_NA,
	    .flags = FT_NA_SOLICITED, .sip = "2001:db8::4", .tip = "2001:db8::4", .smac = MAC_ETH0,
	    .edst = MAC_CLIENT);
	ARP(.ts = T0 + 30000, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH3, .op = FT_NDP_NA,
	    .flags = FT_NA_SOLICITED, .sip = "2001:db8::4", .tip = "2001:db8::4", .smac = MAC_ETH3,
	    .edst = MAC_CLIENT);
	mark(T0 + SEC);
	const struct ft_finding *f = found(FT_KIND_LOCAL_FLUX);
	cr_expect_eq(f->family, FT_FAMILY_IPV6);
	cr_expect_eq(f->ifaces.n, 2);
}

Test(reduce_neigh, vrrp_mac_is_classified)
{
	ARP(.ts = T0, .op = FT_ARP_REQUEST, .flags = FT_ARP_GRATUITOUS, .sip = "10.0.0.254",
	    .smac = "00:00:5e:00:01:0a", .tip = "10.0.0.254");
	ARP(.ts = T0 + SEC, .op = FT_ARP_REPLY, .sip = "10.0.0.254", .smac = MAC_A,
	    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	mark(T0 + 2 * SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->cls, FT_CLASS_VRRP);
	cr_expect_eq(n_alarms(), 0);
}

/* Microsoft NLB: the Ethernet source differs from the ARP sender MAC. */
Test(reduce_neigh, nlb_is_classified)
{
	ARP(.ts = T0, .op = FT_ARP_REPLY, .sip = "10.0.0.80", .smac = "03:bf:0a:00:00:50",
	    .esrc = "02:01:0a:00:00:50", .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	ARP(.ts = T0 + SEC, .op = FT_ARP_REQUEST, .sip = "10.0.0.80", .smac = MAC_A,
	    .tip = "10.0.0.1");
	mark(T0 + 2 * SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->cls, FT_CLASS_NLB);
	cr_expect_eq(n_alarms(), 0);
}

/* A proxy-ARP router answers (replies only) for the hosts behind it; one
 * of them is also on this segment and uses its address itself. */
Test(reduce_neigh, proxy_arp_is_classified)
{
	static const char *const behind[] = { "10.0.0.91", "10.0.0.92", "10.0.0.93" };

	for (int i = 0; i < 3; i++)
		ARP(.ts = T0 + i * MS, .op = FT_ARP_REPLY, .sip = behind[i], .smac = MAC_B,
		    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	ARP(.ts = T0 + SEC, .op = FT_ARP_REQUEST, .sip = "10.0.0.91", .smac = MAC_A,
	    .tip = "10.0.0.1");
	mark(T0 + 2 * SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->cls, FT_CLASS_PROXY_ARP);
	cr_expect_eq(n_alarms(), 0);
}

/* The same two claims without the router answering for other hosts:
 * nothing says proxy, so it is a duplicate. */
Test(reduce_neigh, single_reply_only_claim_is_not_proxy)
{
	ARP(.ts = T0, .op = FT_ARP_REPLY, .sip = "10.0.0.91", .smac = MAC_B, .tip = "10.0.0.100",
	    .tmac = MAC_CLIENT);
	ARP(.ts = T0 + SEC, .op = FT_ARP_REQUEST, .sip = "10.0.0.91", .smac = MAC_A,
	    .tip = "10.0.0.1");
	mark(T0 + 2 * SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->cls, FT_CLASS_NONE);
	cr_expect_eq(n_alarms(), 1);
}

Test(reduce_neigh, flip_flop)
{
	neigh(T0, ETH0, "10.0.0.50", NULL, MAC_A);
	neigh(T0 + SEC, ETH0, "10.0.0.50", MAC_A, MAC_B);
	neigh(T0 + 2 * SEC, ETH0, "10.0.0.50", MAC_B, MAC_A);
	mark(T0 + 3 * SEC);
	const struct ft_finding *f = found(FT_KIND_FLIP_FLOP);
	cr_expect_eq(f->changes, 2);
	cr_expect_eq(f->macs.n, 2);
	cr_expect_eq(f->ifaces.n, 1);
	cr_expect_eq(f->ifaces.ifindex[0], ETH0);
	cr_expect_null(find_kind(FT_KIND_MAC_CHANGED));
}

/* Bond failover (or a replaced NIC): one change, then silence. */
Test(reduce_neigh, one_change_is_mac_changed)
{
	neigh(T0, ETH0, "10.0.0.50", "00:00:00:00:00:00", MAC_A);
	neigh(T0 + SEC, ETH0, "10.0.0.50", MAC_A, MAC_B);
	neigh(T0 + 2 * SEC, ETH0, "10.0.0.50", MAC_B, MAC_B); /* state change only */
	mark(T0 + 3 * SEC);
	const struct ft_finding *f = found(FT_KIND_MAC_CHANGED);
	cr_expect_eq(f->changes, 1);
	cr_expect_null(find_kind(FT_KIND_FLIP_FLOP));
	cr_expect_eq(n_alarms(), 1);
}

/* An entry that existed before tracing: its old MAC counts as history. */
Test(reduce_neigh, change_of_an_entry_known_before_tracing)
{
	neigh(T0, ETH0, "2001:db8::9", MAC_A, MAC_B);
	neigh(T0 + SEC, ETH0, "2001:db8::9", MAC_B, MAC_A);
	mark(T0 + 2 * SEC);
	cr_expect_not_null(find_kind(FT_KIND_FLIP_FLOP));
}

Test(reduce_neigh, resolution_and_failure_are_not_changes)
{
	neigh(T0, ETH0, "10.0.0.51", NULL, NULL);	    /* INCOMPLETE */
	neigh(T0 + MS, ETH0, "10.0.0.51", NULL, MAC_A);	    /* resolved */
	neigh(T0 + SEC, ETH0, "10.0.0.51", MAC_A, MAC_A);   /* STALE */
	neigh(T0 + 2 * SEC, ETH0, "10.0.0.52", NULL, NULL); /* FAILED */
	mark(T0 + 3 * SEC);
	cr_expect_eq(n_alarms(), 0);
	cr_expect_eq(FS.n, 0);
}

/* One IP on two interfaces is two entries: not a change. */
Test(reduce_neigh, entries_are_per_interface)
{
	neigh(T0, ETH0, "10.0.0.53", NULL, MAC_A);
	neigh(T0 + MS, ETH3, "10.0.0.53", NULL, MAC_B);
	mark(T0 + SEC);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_neigh, vrrp_flip_is_classified)
{
	neigh(T0, ETH0, "10.0.0.254", NULL, "00:00:5e:00:01:0a");
	neigh(T0 + SEC, ETH0, "10.0.0.254", "00:00:5e:00:01:0a", MAC_A);
	neigh(T0 + 2 * SEC, ETH0, "10.0.0.254", MAC_A, "00:00:5e:00:01:0a");
	mark(T0 + 3 * SEC);
	const struct ft_finding *f = found(FT_KIND_FLIP_FLOP);
	cr_expect_eq(f->cls, FT_CLASS_VRRP);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_neigh, allow_list)
{
	static const char *const allow[] = { "10.0.0.50", MAC_B, NULL };
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;

	o.allow = allow;
	teardown();
	memset(&FS, 0, sizeof(FS));
	setup_opts(&o);
	for (int i = 0; i < 3; i++)
		ARP(.ts = T0 + i * SEC, .op = FT_ARP_REQUEST, .flags = FT_ARP_GRATUITOUS,
		    .sip = "10.0.0.50", .smac = i % 2 ? MAC_B : MAC_A, .tip = "10.0.0.50");
	neigh(T0, ETH0, "10.0.0.77", NULL, "02:00:00:00:0d:0d");
	neigh(T0 + SEC, ETH0, "10.0.0.77", "02:00:00:00:0d:0d", MAC_B);
	mark(T0 + 3 * SEC);
	const struct ft_finding *f = found(FT_KIND_DUPLICATE_IP);
	cr_expect_eq(f->cls, FT_CLASS_ALLOWED);
	f = found(FT_KIND_MAC_CHANGED);
	cr_expect_eq(f->cls, FT_CLASS_ALLOWED);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_neigh, bad_allow_entries_are_refused)
{
	static const char *const allow[] = { "10.0.0.300", NULL };
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;

	o.allow = allow;
	errno = 0;
	cr_expect_null(ft_reducer_new(&o));
	cr_expect_eq(errno, EINVAL);
	cr_expect(ft_reduce_allow_valid("2001:db8::/32"));
	cr_expect(ft_reduce_allow_valid("aa:bb:cc:dd:ee:ff"));
	cr_expect_not(ft_reduce_allow_valid("10.0.0.0/33"));
	cr_expect_not(ft_reduce_allow_valid("aa:bb:cc:dd:ee"));
	cr_expect_not(ft_reduce_allow_valid(""));
}

Test(reduce_neigh, malformed_records_are_refused)
{
	struct ft_flow_event e = { .type = FT_REC_FLOW_NEW };
	__u8 junk[8] = { 200 };

	cr_expect_eq(ft_reducer_feed(R, &e, sizeof(e) - 1), -EINVAL);
	cr_expect_eq(ft_reducer_feed(R, junk, sizeof(junk)), -EINVAL);
	cr_expect_eq(ft_reducer_feed(R, NULL, 0), -EINVAL);
	cr_expect_eq(R->bad_records, 3);
}

/* Past max_ips, IPs with a single owner make room; others are kept and
 * new IPs are dropped and counted. */
Test(reduce_neigh, bounded_ip_table)
{
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;
	int dropped = 0;
	char ip[32];

	o.max_ips = 4;
	teardown();
	memset(&FS, 0, sizeof(FS));
	setup_opts(&o);
	for (int i = 0; i < 10; i++) {
		snprintf(ip, sizeof(ip), "10.0.1.%d", i);
		ARP(.ts = T0 + i * MS, .op = FT_ARP_REPLY, .sip = ip, .smac = MAC_A,
		    .tip = "10.0.0.100", .tmac = MAC_CLIENT);
	}
	cr_expect_eq(R->claims.evicted, 6);
	/* Two owners each: kept. The fifth and sixth IP find no room. */
	for (int i = 0; i < 6; i++) {
		snprintf(ip, sizeof(ip), "10.0.2.%d", i);
		for (int m = 0; m < 2; m++)
			if (send_arp(&(struct arp){ .ts = T0 + SEC + m * SEC,
						    .hook = FT_HOOK_XDP,
						    .ifindex = ETH0,
						    .op = FT_ARP_REQUEST,
						    .flags = FT_ARP_GRATUITOUS,
						    .sip = ip,
						    .smac = m ? MAC_B : MAC_A,
						    .tip = ip }) == -ENOMEM)
				dropped++;
	}
	mark(T0 + 3 * SEC);
	cr_expect_eq(dropped, 4);
	cr_expect_eq(R->claims.dropped, 4);
	cr_expect_eq(ft_lost_events(R), 4);
	cr_expect_not_null(find_kind(FT_KIND_DUPLICATE_IP));
	cr_expect_eq(FS.n, 4);
}
