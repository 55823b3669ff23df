// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The join of several hosts' reports (reduce/join.c), on reports built in
 * memory: each story's one correlated finding, and nothing where the
 * hosts' findings do not tell one (SNAT, other times, other MACs).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "lib/records.h"
#include "reduce/join.h"

#define SEC 1000000000ULL
#define T0 (100 * SEC)
#define WALL 1700000000000000000LL	/* the hosts' clock offset, give or take */

struct lab_host {
	struct ft_iftable ifs;
	struct ft_report rep;
	struct ft_finding v[8];
	struct ft_facts facts;
};

static struct lab_host H[4];
static struct ft_host hosts[4];
static struct ft_correlation C;

static void setup(void)
{
	memset(H, 0, sizeof(H));
	memset(hosts, 0, sizeof(hosts));
	memset(&C, 0, sizeof(C));
	for (int i = 0; i < 4; i++) {
		H[i].rep.findings.v = H[i].v;
		H[i].rep.findings.cap = 8;
		H[i].rep.ifaces = &H[i].ifs;
		hosts[i].rep = &H[i].rep;
		hosts[i].facts = &H[i].facts;
		hosts[i].mono_to_wall_ns = WALL;
		H[i].facts.mode = FT_FACTS_RECORDED;
	}
}

static void teardown(void)
{
	ft_correlation_free(&C);
}

TestSuite(join, .init = setup, .fini = teardown);

static void name(int h, const char *label)
{
	snprintf(hosts[h].label, sizeof(hosts[h].label), "%s", label);
}

static void iface(int h, __u32 ifindex, const char *nm, const char *mac)
{
	struct ft_iface_info *i = &H[h].ifs.v[H[h].ifs.n++];

	i->ifindex = ifindex;
	snprintf(i->name, sizeof(i->name), "%s", nm);
	rec_mac(mac, i->mac);
}

static struct ft_finding *finding(int h, __u8 kind)
{
	struct ft_finding *f = &H[h].v[H[h].rep.findings.n++];

	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->family = FT_FAMILY_IPV4;
	f->proto = 6;
	f->first_ns = T0;
	f->last_ns = T0 + SEC;
	return f;
}

static struct ft_finding *flow(int h, __u8 kind, const char *c, __u16 cp, const char *s,
			       __u16 sp)
{
	struct ft_finding *f = finding(h, kind);

	rec_ip(c, f->client_ip);
	rec_ip(s, f->server_ip);
	f->client_port = cp;
	f->server_port = sp;
	return f;
}

static void mac(struct ft_maclist *l, const char *m)
{
	__u8 b[6];

	rec_mac(m, b);
	ft_maclist_add(l, b);
}

static struct ft_finding *arp(int h, __u8 kind, const char *ip)
{
	struct ft_finding *f = finding(h, kind);

	f->family = rec_ip(ip, f->ip);
	ft_iflist_add(&f->ifaces, 1);
	return f;
}

#define CLIENT_MAC "02:00:00:00:00:64"
#define LB_MAC "02:00:00:00:00:02"
#define SERVER_MAC "02:00:00:00:00:10"

/* The balancer: client -> VIP in, client -> server out, no answer. */
static void balancer(int h, __u16 in_port, __u16 out_port)
{
	struct ft_finding *f;

	name(h, "lb");
	iface(h, 1, "eth0", LB_MAC);
	f = flow(h, FT_KIND_ONE_WAY, "10.0.2.100", in_port, "10.0.2.50", 80);
	ft_iflist_add(&f->req_in, 1);
	mac(&f->req_src, CLIENT_MAC);
	f = flow(h, FT_KIND_ONE_WAY, "10.0.2.100", out_port, "10.0.2.10", 8080);
	ft_iflist_add(&f->req_out, 1);
	mac(&f->req_dst, SERVER_MAC);
}

/* The server: asked from asked_mac, answering to reply_mac. */
static struct ft_finding *server(int h, __u16 port, const char *asked_mac, const char *reply_mac)
{
	struct ft_finding *f;

	name(h, "server");
	iface(h, 1, "eth0", SERVER_MAC);
	f = flow(h, FT_KIND_NEXT_HOP_MISMATCH, "10.0.2.100", port, "10.0.2.10", 8080);
	ft_iflist_add(&f->req_in, 1);
	ft_iflist_add(&f->rep_out, 1);
	mac(&f->req_src, asked_mac);
	mac(&f->rep_dst, reply_mac);
	f->pkts_req = 2;
	f->pkts_rep = 2;
	return f;
}

static void join(size_t n, __u64 skew)
{
	cr_assert_eq(ft_join(hosts, n, skew, &C), 0);
}

Test(join, nat_bypass_names_balancer_server_and_reply_mac)
{
	balancer(0, 5000, 5000);
	server(1, 5000, LB_MAC, CLIENT_MAC);
	name(2, "client");
	iface(2, 1, "eth0", CLIENT_MAC);
	join(3, 2 * SEC);
	cr_assert_eq(C.n, 1);
	cr_expect_eq(C.v[0].kind, FT_CORR_NAT_RETURN_BYPASS);
	cr_expect_eq(C.v[0].asked_port, 80);
	cr_expect_eq(C.v[0].server_port, 8080);
	cr_expect_eq(C.v[0].reply_mac_host, 2);
	cr_expect_eq(C.v[0].n_hosts, 3);
	cr_expect_eq(C.v[0].hosts[0].role, FT_CORR_ROLE_BALANCER);
	cr_expect_eq(C.v[0].hosts[1].role, FT_CORR_ROLE_SERVER);
	cr_expect_eq(C.v[0].hosts[2].role, FT_CORR_ROLE_CLIENT);
	cr_expect_not_null(strstr(C.v[0].summary, "Balancer lb (eth0, " LB_MAC ")"), "%s",
			   C.v[0].summary);
	cr_expect_not_null(strstr(C.v[0].summary, "to " CLIENT_MAC " (host client)"), "%s",
			   C.v[0].summary);
}

/* DNAT rewrote the client's port as well: paired by client IP and time. */
Test(join, nat_bypass_with_rewritten_port)
{
	balancer(0, 5000, 61000);
	server(1, 61000, LB_MAC, CLIENT_MAC);
	join(2, 2 * SEC);
	cr_assert_eq(C.n, 1);
	cr_expect_eq(C.v[0].kind, FT_CORR_NAT_RETURN_BYPASS);
	cr_expect_eq(C.v[0].client_port, 61000);
}

/* Replies back to the balancer's MAC (SNAT, or routed via it): no story. */
Test(join, replies_through_the_balancer_are_clean)
{
	balancer(0, 5000, 5000);
	server(1, 5000, LB_MAC, LB_MAC);
	join(2, 2 * SEC);
	cr_expect_eq(C.n, 0);
}

/* The server's clock runs 1.5 s ahead: inside a 2 s skew, outside 1 s. */
Test(join, clock_skew_is_tolerated_up_to_the_limit)
{
	struct ft_finding *f;

	balancer(0, 5000, 5000);
	H[0].v[0].last_ns = H[0].v[1].last_ns = T0 + SEC / 10;
	f = server(1, 5000, LB_MAC, CLIENT_MAC);
	f->first_ns += 5 * SEC / 2;
	f->last_ns = f->first_ns + SEC / 10;
	hosts[1].mono_to_wall_ns = WALL - SEC;	/* its events are 1.5 s late on the wall */
	join(2, 2 * SEC);
	cr_expect_eq(C.n, 1);
	ft_correlation_free(&C);
	join(2, SEC);
	cr_expect_eq(C.n, 0);
}

/* Each host its own monotonic clock: only the wall time counts. */
Test(join, different_boot_times_meet_on_the_wall_clock)
{
	struct ft_finding *f;

	balancer(0, 5000, 5000);
	f = server(1, 5000, LB_MAC, CLIENT_MAC);
	f->first_ns += 1000 * SEC;
	f->last_ns += 1000 * SEC;
	hosts[1].mono_to_wall_ns = WALL - 1000 * (__s64)SEC;
	join(2, 2 * SEC);
	cr_expect_eq(C.n, 1);
}

/* Both ends saw the replies on the other link (a firewall's path). */
Test(join, return_path_around_both_ends)
{
	struct ft_finding *f;

	name(0, "client");
	iface(0, 1, "eth0", "02:00:00:00:01:00");
	iface(0, 2, "eth1", "02:00:00:00:01:01");
	f = flow(0, FT_KIND_ONE_WAY, "10.0.40.100", 4000, "10.0.40.10", 8080);
	f->reason = FT_OW_REPLY_DROPPED_NF;
	ft_iflist_add(&f->req_out, 1);
	ft_iflist_add(&f->rep_in, 2);
	name(1, "server");
	iface(1, 1, "eth0", "02:00:00:00:02:00");
	iface(1, 2, "eth1", "02:00:00:00:02:01");
	f = flow(1, FT_KIND_RETURN_PATH_MISMATCH, "10.0.40.100", 4000, "10.0.40.10", 8080);
	ft_iflist_add(&f->req_in, 1);
	ft_iflist_add(&f->rep_out, 2);
	/* The same path for a second flow: the same story. */
	f = flow(0, FT_KIND_RETURN_PATH_MISMATCH, "10.0.40.100", 4001, "10.0.40.10", 8080);
	ft_iflist_add(&f->req_out, 1);
	ft_iflist_add(&f->rep_in, 2);
	f = flow(1, FT_KIND_RETURN_PATH_MISMATCH, "10.0.40.100", 4001, "10.0.40.10", 8080);
	ft_iflist_add(&f->req_in, 1);
	ft_iflist_add(&f->rep_out, 2);
	join(2, 2 * SEC);
	cr_assert_eq(C.n, 1);
	cr_expect_eq(C.v[0].kind, FT_CORR_RETURN_PATH_AROUND);
	cr_expect_eq(C.v[0].flows, 2);
	cr_expect_not_null(strstr(C.v[0].summary, "leave client by eth0 and reach server on eth0; "
						  "the replies leave server by eth1 and reach client "
						  "on eth1"), "%s", C.v[0].summary);
}

/* A router forwarded the requests and never saw a reply; the server sent
 * them: the replies went around the router. */
Test(join, return_path_around_a_bypassed_host)
{
	struct ft_finding *f;

	name(0, "fw");
	iface(0, 1, "eth0", "02:00:00:00:03:00");
	iface(0, 2, "eth1", "02:00:00:00:03:01");
	f = flow(0, FT_KIND_ONE_WAY, "10.0.1.5", 4000, "10.0.9.9", 443);
	ft_iflist_add(&f->req_in, 1);
	ft_iflist_add(&f->req_out, 2);
	name(1, "server");
	iface(1, 1, "eth0", "02:00:00:00:04:00");
	iface(1, 2, "eth1", "02:00:00:00:04:01");
	f = flow(1, FT_KIND_RETURN_PATH_MISMATCH, "10.0.1.5", 4000, "10.0.9.9", 443);
	ft_iflist_add(&f->req_in, 1);
	ft_iflist_add(&f->rep_out, 2);
	join(2, 2 * SEC);
	cr_assert_eq(C.n, 1);
	cr_expect_eq(C.v[0].kind, FT_CORR_RETURN_PATH_AROUND);
	cr_expect_eq(C.v[0].hosts[0].role, FT_CORR_ROLE_BYPASSED);
	cr_expect_eq(C.v[0].hosts[1].role, FT_CORR_ROLE_SERVER);
	cr_expect_not_null(strstr(C.v[0].summary, "pass fw (eth0,eth1) but their replies never "
						  "do: server sends them on eth1"), "%s",
			   C.v[0].summary);
}

/* Traces an hour apart share no story. */
Test(join, no_story_across_time)
{
	balancer(0, 5000, 5000);
	server(1, 5000, LB_MAC, CLIENT_MAC);
	hosts[1].mono_to_wall_ns = WALL + 3600 * (__s64)SEC;
	join(2, 2 * SEC);
	cr_expect_eq(C.n, 0);
}

#define HA "02:00:00:00:05:00"
#define HB "02:00:00:00:05:03"
#define HC "02:00:00:00:05:04"

/* The client's duplicate addresses are one multi-NIC host's ARP flux:
 * named with the sysctls its own trace recorded. */
Test(join, arp_flux_explained_with_recorded_sysctls)
{
	struct ft_if_sysctls sc = { 0, 0, 0, 1, 0 };
	const char *ips[] = { "10.0.1.1", "10.0.1.3", "10.0.1.50" };

	name(0, "client");
	iface(0, 1, "eth0", "02:00:00:00:06:00");
	name(1, "host");
	iface(1, 1, "eth0", HA);
	iface(1, 4, "eth3", HB);
	iface(1, 5, "eth4", HC);
	ft_facts_put_sysctls(&H[1].facts, "eth0", &sc);
	ft_facts_put_sysctls(&H[1].facts, "eth3", &sc);
	sc.arp_ignore = 1;
	ft_facts_put_sysctls(&H[1].facts, "eth4", &sc);
	for (int i = 0; i < 3; i++) {
		struct ft_finding *f = arp(0, FT_KIND_DUPLICATE_IP, ips[i]);

		mac(&f->macs, HA);
		mac(&f->macs, HB);
		mac(&f->macs, HC);
	}
	join(2, 2 * SEC);
	cr_assert_eq(C.n, 1);
	cr_expect_eq(C.v[0].kind, FT_CORR_ARP_FLUX_EXPLAINED);
	cr_expect_eq(C.v[0].n_ips, 3);
	cr_expect_eq(C.v[0].hosts[0].role, FT_CORR_ROLE_OWNER);
	cr_expect_eq(C.v[0].hosts[0].ifaces.n, 3);
	cr_expect_str_eq(C.v[0].hosts[0].sysctls,
			 "arp_ignore eth0=0 eth3=0 eth4=1; arp_announce eth0=0 eth3=0 eth4=0; "
			 "arp_filter eth0=0 eth3=0 eth4=0");
}

/* A version 1 trace has no facts: the story says so instead. */
Test(join, arp_flux_explained_without_facts)
{
	struct ft_finding *f;

	name(0, "client");
	name(1, "host");
	iface(1, 1, "eth0", HA);
	iface(1, 4, "eth3", HB);
	H[1].facts.mode = FT_FACTS_NONE;
	f = arp(0, FT_KIND_DUPLICATE_IP, "10.0.1.1");
	mac(&f->macs, HA);
	mac(&f->macs, HB);
	join(2, 2 * SEC);
	cr_assert_eq(C.n, 1);
	cr_expect_not_null(strstr(C.v[0].hosts[0].sysctls, "not recorded"));
}

/* Two traced hosts claim both VIPs: one split-brain story. */
Test(join, duplicate_ip_owners_of_a_split_brain)
{
	const char *vips[] = { "10.0.3.50", "fd00:3::50" };

	name(0, "client");
	name(1, "nodea");
	iface(1, 1, "eth0", HA);
	name(2, "nodeb");
	iface(2, 1, "eth0", HB);
	for (int i = 0; i < 2; i++) {
		struct ft_finding *d = arp(0, FT_KIND_DUPLICATE_IP, vips[i]);
		struct ft_finding *f = arp(0, FT_KIND_FLIP_FLOP, vips[i]);

		mac(&d->macs, HA);
		mac(&d->macs, HB);
		mac(&f->macs, HB);
		mac(&f->macs, HA);
	}
	join(3, 2 * SEC);
	cr_assert_eq(C.n, 1);
	cr_expect_eq(C.v[0].kind, FT_CORR_DUPLICATE_IP_OWNERS);
	cr_expect_eq(C.v[0].n_ips, 2);
	cr_expect_eq(C.v[0].n_hosts, 3);
	cr_expect_eq(C.v[0].seen_as, (1u << FT_KIND_DUPLICATE_IP) | (1u << FT_KIND_FLIP_FLOP));
	cr_expect_not_null(strstr(C.v[0].summary, "10.0.3.50,fd00:3::50 claimed by nodea (eth0, "
						  HA ") and nodeb (eth0, " HB "), seen by client"),
			   "%s", C.v[0].summary);
}

/* A node of the pair sees its peer claim its VIP: the same story. */
Test(join, split_brain_seen_by_an_owner_is_the_same_story)
{
	struct ft_finding *f;

	name(0, "client");
	name(1, "nodea");
	iface(1, 1, "eth0", HA);
	name(2, "nodeb");
	iface(2, 1, "eth0", HB);
	f = arp(0, FT_KIND_DUPLICATE_IP, "10.0.3.50");
	mac(&f->macs, HA);
	mac(&f->macs, HB);
	f = arp(1, FT_KIND_DUPLICATE_IP, "10.0.3.50");
	mac(&f->macs, HA);
	mac(&f->macs, HB);
	join(3, 2 * SEC);
	cr_assert_eq(C.n, 1);
	cr_expect_eq(C.v[0].n_hosts, 3);
	cr_expect_eq(C.v[0].flows, 2);
}

/* The client's requests go to one NIC of the server, the replies come
 * from another on the same link: the server's own story, not a path
 * around anything. */
Test(join, one_hosts_nics_on_one_segment_are_no_path_around)
{
	struct ft_finding *f;

	name(0, "client");
	iface(0, 1, "eth0", "02:00:00:00:06:00");
	f = flow(0, FT_KIND_NEXT_HOP_MISMATCH, "10.0.1.100", 4000, "10.0.1.50", 8080);
	ft_iflist_add(&f->req_out, 1);
	ft_iflist_add(&f->rep_in, 1);
	mac(&f->req_dst, HC);
	mac(&f->rep_src, HA);
	name(1, "host");
	iface(1, 1, "eth0", HA);
	iface(1, 5, "eth4", HC);
	f = flow(1, FT_KIND_RETURN_PATH_MISMATCH, "10.0.1.100", 4000, "10.0.1.50", 8080);
	ft_iflist_add(&f->req_in, 5);
	ft_iflist_add(&f->rep_out, 1);
	join(2, 2 * SEC);
	cr_expect_eq(C.n, 0);
}

/* MACs no traced host owns: nothing to join. */
Test(join, untraced_owners_make_no_story)
{
	struct ft_finding *f;

	name(0, "client");
	name(1, "other");
	iface(1, 1, "eth0", "02:00:00:00:09:09");
	f = arp(0, FT_KIND_DUPLICATE_IP, "10.0.1.1");
	mac(&f->macs, HA);
	mac(&f->macs, HB);
	join(2, 2 * SEC);
	cr_expect_eq(C.n, 0);
}
