// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The asymmetry reducer on synthetic packet sequences (reduce_flows_emu.h):
 * return paths, next hops and multipath, and the bounds of the flow table.
 * one_way is tested in test_reduce_oneway.c, drops in test_reduce_drops.c.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include "lib/reduce_flows_emu.h"

TestSuite(reduce_flows, .init = emu_setup, .fini = emu_teardown);

/* Tests that need other options start over. */
static void setup_opts(const struct ft_reduce_opts *o)
{
	emu_teardown();
	emu_setup_opts(o);
}

Test(reduce_flows, healthy_end_host_has_no_finding)
{
	handshake(ETH0, ETH0, MAC_R1, MAC_R1);
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 0);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
}

Test(reduce_flows, server_reply_leaves_other_interface)
{
	handshake(ETH0, ETH1, MAC_R1, MAC_R2);
	now(T0 + 10 * SEC);
	const struct ft_finding *f = found(FT_KIND_RETURN_PATH_MISMATCH);
	cr_expect_eq(f->cls, FT_CLASS_NONE);
	cr_expect_str_eq(ifname(&f->req_in, 0), "eth0");
	cr_expect_str_eq(ifname(&f->rep_out, 0), "eth1");
	cr_expect_eq(f->req_out.n, 0);
	cr_expect_eq(f->client_port, 43210);
	cr_expect_eq(f->server_port, 80);
	cr_expect_eq(f->pkts_req, 2);
	cr_expect_eq(f->pkts_rep, 1);
	cr_expect_null(find_kind(FT_KIND_NEXT_HOP_MISMATCH));
	cr_expect_null(find_kind(FT_KIND_MULTIPATH));
}

Test(reduce_flows, client_reply_arrives_on_other_interface)
{
	tcp(T0, OUT, ETH0, "10.0.0.2", 5000, "192.0.2.9", 443, FT_TCP_SYN, MAC_R1);
	tcp(T0 + MS, IN, ETH1, "192.0.2.9", 443, "10.0.0.2", 5000, SYNACK, MAC_R2);
	now(T0 + 2 * SEC);
	const struct ft_finding *f = found(FT_KIND_RETURN_PATH_MISMATCH);
	cr_expect_str_eq(ifname(&f->req_out, 0), "eth0");
	cr_expect_str_eq(ifname(&f->rep_in, 0), "eth1");
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
	/* The SYN-ACK was never acknowledged: the hint says it was dropped. */
	char hint[1024];

	ft_explain(found(FT_KIND_RETURN_PATH_MISMATCH), &R->ifaces, NULL, hint, sizeof(hint));
	cr_expect_not_null(strstr(hint, "never completed"), "%s", hint);
	tcp(T0 + 2 * MS, OUT, ETH0, "10.0.0.2", 5000, "192.0.2.9", 443, FT_TCP_ACK, MAC_R1);
	now(T0 + 3 * SEC);
	ft_explain(found(FT_KIND_RETURN_PATH_MISMATCH), &R->ifaces, NULL, hint, sizeof(hint));
	cr_expect_null(strstr(hint, "never completed"), "%s", hint);
}

static void forward(__u32 req_in, __u32 req_out, __u32 rep_in, __u32 rep_out)
{
	req(T0, IN, req_in, FT_TCP_SYN, MAC_C);
	req(T0 + 10000, OUT, req_out, FT_TCP_SYN, MAC_R1);
	rep(T0 + MS, IN, rep_in, SYNACK, MAC_R1);
	rep(T0 + MS + 10000, OUT, rep_out, SYNACK, MAC_C);
}

/* A router: the request in on eth0 and out on eth1; the reply must come
 * back in on eth1 and leave on eth0. */
Test(reduce_flows, forwarding_host)
{
	static const struct {
		__u32 rep_in, rep_out;
		bool mismatch;
	} cases[] = { { ETH1, ETH0, false }, { ETH2, ETH0, true }, { ETH1, ETH2, true } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup_opts(NULL);
		forward(ETH0, ETH1, cases[i].rep_in, cases[i].rep_out);
		now(T0 + 5 * SEC);
		cr_expect_eq(n_alarms(), cases[i].mismatch, "case %zu", i);
		if (!cases[i].mismatch)
			continue;
		const struct ft_finding *f = found(FT_KIND_RETURN_PATH_MISMATCH);
		cr_expect_str_eq(ifname(&f->req_in, 0), "eth0");
		cr_expect_str_eq(ifname(&f->req_out, 0), "eth1");
		cr_expect_eq(f->rep_in.ifindex[0], cases[i].rep_in);
		cr_expect_eq(f->rep_out.ifindex[0], cases[i].rep_out);
	}
}

/* A bridge port and its bridge see the same packet microseconds apart:
 * one path, not two. */
Test(reduce_flows, stacked_devices_are_one_path)
{
	req(T0, IN, ETH0, FT_TCP_SYN, MAC_C);
	req(T0 + 20000, FT_HOOK_TC_INGRESS, BR0, FT_TCP_SYN, MAC_C);
	rep(T0 + MS, OUT, BR0, SYNACK, MAC_C);
	rep(T0 + MS + 15000, OUT, ETH0, SYNACK, MAC_C);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

/* Our own multicast, flooded back to our other ports by the switch. */
Test(reduce_flows, own_frames_heard_back_are_not_paths)
{
	tcp(T0, OUT, ETH2, "fe80::1", 0, "ff02::2", 0, 0, "33:33:00:00:00:02");
	tcp(T0 + 5000, IN, ETH0, "fe80::1", 0, "ff02::2", 0, 0, "02:00:00:00:00:12");
	tcp(T0 + 6000, IN, ETH1, "fe80::1", 0, "ff02::2", 0, 0, "02:00:00:00:00:12");
	/* Unknown unicast flooded the same way. */
	handshake(ETH0, ETH0, MAC_R1, MAC_R1);
	req(T0 + 3 * MS, IN, ETH1, FT_TCP_ACK, "02:00:00:00:00:10");
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
	cr_expect_null(find_kind(FT_KIND_MAX));
	cr_expect_eq(FS.n, 0, "not even a look-alike");
}

/* Load balancer without SNAT, seen on the real server. */
Test(reduce_flows, reply_bypasses_the_balancer)
{
	char m[FT_MAC_STRLEN];

	handshake(ETH0, ETH0, MAC_R1, MAC_C);
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_NEXT_HOP_MISMATCH);
	cr_expect_eq(f->cls, FT_CLASS_NONE);
	cr_assert_eq(f->req_src.n, 1);
	cr_assert_eq(f->rep_dst.n, 1);
	cr_expect_str_eq(ft_fmt_mac(f->req_src.mac[0], m), MAC_R1);
	cr_expect_str_eq(ft_fmt_mac(f->rep_dst.mac[0], m), MAC_C);
	cr_expect_null(find_kind(FT_KIND_RETURN_PATH_MISMATCH));
}

/* The server's view of one DNATed connection attempt: the SYN from the
 * balancer, the SYN-ACK straight to the client, and the client's kernel
 * resetting the SYN-ACK it never asked for, straight back to the server. */
static void lb_attempt(__u64 t, __u16 sport)
{
	tcp(t, IN, ETH0, "10.0.1.5", sport, "10.0.0.2", 80, FT_TCP_SYN, MAC_R1);
	tcp(t + MS, OUT, ETH0, "10.0.0.2", 80, "10.0.1.5", sport, SYNACK, MAC_C);
	tcp(t + 2 * MS, IN, ETH0, "10.0.1.5", sport, "10.0.0.2", 80, FT_TCP_RST, MAC_C);
}

/* The bypass is reported with the client's reset left out: the request
 * peer is the balancer alone. */
static void expect_bypass(const struct ft_finding *f)
{
	char m[FT_MAC_STRLEN];

	cr_expect_eq(f->cls, FT_CLASS_NONE);
	cr_assert_eq(f->req_src.n, 1);
	cr_assert_eq(f->rep_dst.n, 1);
	cr_expect_str_eq(ft_fmt_mac(f->req_src.mac[0], m), MAC_R1);
	cr_expect_str_eq(ft_fmt_mac(f->rep_dst.mac[0], m), MAC_C);
}

Test(reduce_flows, bypass_with_client_reset)
{
	lb_attempt(T0, 43210);
	now(T0 + 5 * SEC);
	expect_bypass(found(FT_KIND_NEXT_HOP_MISMATCH));
	cr_expect_eq(n_alarms(), 1, "nothing but the next hop");
}

/* The reset may carry ACK (a reply to a segment with ACK and data). */
Test(reduce_flows, bypass_with_client_rst_ack)
{
	req(T0, IN, ETH0, FT_TCP_SYN, MAC_R1);
	rep(T0 + MS, OUT, ETH0, SYNACK, MAC_C);
	req(T0 + 2 * MS, IN, ETH0, FT_TCP_RST | FT_TCP_ACK, MAC_C);
	now(T0 + 5 * SEC);
	expect_bypass(found(FT_KIND_NEXT_HOP_MISMATCH));
	cr_expect_eq(n_alarms(), 1);
}

/* The client retransmits its SYN through the balancer, the server answers
 * again and is reset again. */
Test(reduce_flows, bypass_with_retransmitted_syn)
{
	lb_attempt(T0, 43210);
	lb_attempt(T0 + SEC, 43210);
	lb_attempt(T0 + 3 * SEC, 43210);
	now(T0 + 8 * SEC);
	expect_bypass(found(FT_KIND_NEXT_HOP_MISMATCH));
	cr_expect_eq(n_alarms(), 1);
}

/* The application retries with new connections: each is the same story. */
Test(reduce_flows, bypass_with_retried_flows)
{
	lb_attempt(T0, 43210);
	lb_attempt(T0 + 2 * SEC, 43211);
	lb_attempt(T0 + 4 * SEC, 43212);
	now(T0 + 8 * SEC);
	find_kind(FT_KIND_NEXT_HOP_MISMATCH);
	/* One cause, one finding: the three flows are its members. */
	cr_assert_eq(FS.n, 1);
	expect_bypass(&FS.v[0]);
	cr_expect_eq(FS.v[0].flows, 3);
	cr_expect_eq(FS.v[0].peers, 1);
	cr_expect_eq(FS.v[0].n_samples, 3);
	cr_expect_eq(n_alarms(), 1);
}

/* Without the reset (a stateful firewall on the client) nothing changes. */
Test(reduce_flows, bypass_without_client_reset)
{
	req(T0, IN, ETH0, FT_TCP_SYN, MAC_R1);
	rep(T0 + MS, OUT, ETH0, SYNACK, MAC_C);
	req(T0 + SEC, IN, ETH0, FT_TCP_SYN, MAC_R1);
	rep(T0 + SEC + MS, OUT, ETH0, SYNACK, MAC_C);
	now(T0 + 5 * SEC);
	expect_bypass(found(FT_KIND_NEXT_HOP_MISMATCH));
	cr_expect_eq(n_alarms(), 1);
}

/* UDP: the client's kernel answers the unexpected datagram with a port
 * unreachable; an ICMP error is attached, never a path. */
Test(reduce_flows, bypass_with_port_unreachable)
{
	send_pkt(&(struct pkt){ .ts = T0, .hook = IN, .ifindex = ETH0, .src = "10.0.1.5",
				.dst = "10.0.0.2", .sport = 40000, .dport = 53, .proto = 17,
				.mac = MAC_R1 });
	send_pkt(&(struct pkt){ .ts = T0 + MS, .hook = OUT, .ifindex = ETH0, .src = "10.0.0.2",
				.dst = "10.0.1.5", .sport = 53, .dport = 40000, .proto = 17,
				.mac = MAC_C });
	icmp_error(T0 + 2 * MS, "10.0.0.2", 53, "10.0.1.5", 40000, 3, 3, "10.0.1.5");
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_NEXT_HOP_MISMATCH);
	expect_bypass(f);
	cr_expect_eq(f->n_icmp, 1);
}

/* A multi-homed server: requests through eth0, replies out eth1 straight
 * to the client, whose reset comes back in on eth1. */
Test(reduce_flows, reset_does_not_hide_return_path_mismatch)
{
	req(T0, IN, ETH0, FT_TCP_SYN, MAC_R1);
	rep(T0 + MS, OUT, ETH1, SYNACK, MAC_C);
	req(T0 + 2 * MS, IN, ETH1, FT_TCP_RST, MAC_C);
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_RETURN_PATH_MISMATCH);
	cr_expect_eq(f->req_in.n, 1);
	cr_expect_str_eq(ifname(&f->req_in, 0), "eth0");
	cr_expect_null(find_kind(FT_KIND_MULTIPATH));
	cr_expect_eq(n_alarms(), 1);
}

/* Clean: requests and replies really share the router, and the client
 * resets the connection through it. */
Test(reduce_flows, shared_router_with_reset_is_clean)
{
	handshake(ETH0, ETH0, MAC_R1, MAC_R1);
	req(T0 + SEC, IN, ETH0, FT_TCP_RST, MAC_R1);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
	cr_expect_eq(FS.n, 0);
}

/* Clean: the requests arrive through two routers (both really carry
 * them), the replies go to one of them; a reset from it changes nothing. */
Test(reduce_flows, two_request_routers_with_reset_are_clean)
{
	handshake(ETH0, ETH0, MAC_R1, MAC_R2);
	req(T0 + 3 * MS, IN, ETH0, FT_TCP_ACK, MAC_R2);
	req(T0 + SEC, IN, ETH0, FT_TCP_RST, MAC_R2);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
	cr_expect_null(find_kind(FT_KIND_NEXT_HOP_MISMATCH));
}

/* A reset from a peer the reply was never sent to is evidence, not a
 * reaction: here it is the shared router seen mid-stream. */
Test(reduce_flows, reset_before_any_reply_counts)
{
	req(T0, IN, ETH0, FT_TCP_ACK, MAC_R1);
	req(T0 + MS, IN, ETH0, FT_TCP_RST, MAC_R2);
	rep(T0 + 2 * MS, OUT, ETH0, FT_TCP_ACK, MAC_R2);
	now(T0 + 5 * SEC);
	cr_expect_null(find_kind(FT_KIND_NEXT_HOP_MISMATCH));
}

/* VRRP: requests from the active router's own MAC, replies to the virtual
 * MAC; the router forwards the client's reset with the virtual MAC as
 * source. Still a classified look-alike, not an alarm. */
Test(reduce_flows, vrrp_with_reset_stays_classified)
{
	handshake(ETH0, ETH0, MAC_R1, MAC_VRRP);
	req(T0 + SEC, IN, ETH0, FT_TCP_RST, MAC_VRRP);
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_NEXT_HOP_MISMATCH);
	cr_expect_eq(f->cls, FT_CLASS_VRRP);
	cr_expect_eq(n_alarms(), 0, "a VRRP look-alike must not alarm");
}

Test(reduce_flows, vrrp_gateway_is_classified)
{
	handshake(ETH0, ETH0, MAC_R1, MAC_VRRP);
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_NEXT_HOP_MISMATCH);
	cr_expect_eq(f->cls, FT_CLASS_VRRP);
	cr_expect_eq(n_alarms(), 0, "a VRRP look-alike must not alarm");
}

Test(reduce_flows, client_side_next_hop_mismatch)
{
	tcp(T0, OUT, ETH0, "10.0.0.2", 5000, "192.0.2.9", 443, FT_TCP_SYN, MAC_R1);
	tcp(T0 + MS, IN, ETH0, "192.0.2.9", 443, "10.0.0.2", 5000, SYNACK, MAC_R2);
	now(T0 + 2 * SEC);
	const struct ft_finding *f = found(FT_KIND_NEXT_HOP_MISMATCH);
	cr_expect_eq(f->req_dst.n, 1);
	cr_expect_eq(f->rep_src.n, 1);
}

Test(reduce_flows, request_on_two_interfaces_is_multipath)
{
	handshake(ETH0, ETH0, MAC_R1, MAC_R1);
	/* A second later the request direction arrives through eth1 (ECMP rehash). */
	req(T0 + SEC, IN, ETH1, FT_TCP_ACK, MAC_R2);
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_MULTIPATH);
	cr_expect_eq(f->multi_dir, 1);
	cr_expect_eq(f->req_in.n, 2);
}

/* Bond flapping: the same peer, first on one slave, later on the other.
 * A new peer on the same interface is not another path. */
Test(reduce_flows, bond_flapping_is_multipath)
{
	handshake(ETH0, ETH0, MAC_R1, MAC_R1);
	req(T0 + 3 * SEC, IN, ETH1, FT_TCP_ACK, MAC_R1);
	tcp(T0, IN, ETH0, "10.0.1.6", 43211, "10.0.0.2", 80, FT_TCP_ACK, MAC_R1);
	tcp(T0 + MS, OUT, ETH0, "10.0.0.2", 80, "10.0.1.6", 43211, FT_TCP_ACK, MAC_R1);
	tcp(T0 + SEC, IN, ETH0, "10.0.1.6", 43211, "10.0.0.2", 80, FT_TCP_ACK, MAC_R2);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 1);
	cr_expect_eq(found(FT_KIND_MULTIPATH)->client_port, 43210);
}

Test(reduce_flows, icmp_error_attached_to_mismatch)
{
	handshake(ETH0, ETH1, MAC_R1, MAC_R2);
	/* fragmentation needed for the server's reply */
	icmp_error(T0 + 3 * MS, "10.0.0.2", 80, "10.0.1.5", 43210, 3, 4, "10.0.0.1");
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_RETURN_PATH_MISMATCH);
	cr_expect_eq(f->n_icmp, 1);
	cr_expect_eq(f->icmp[0].code, 4);
}

Test(reduce_flows, ipv6_mismatch)
{
	char ip[FT_IP_STRLEN];

	tcp(T0, IN, ETH0, "2001:db8::5", 40000, "2001:db8::2", 443, FT_TCP_SYN, MAC_R1);
	tcp(T0 + MS, OUT, ETH1, "2001:db8::2", 443, "2001:db8::5", 40000, SYNACK, MAC_R2);
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_RETURN_PATH_MISMATCH);
	cr_expect_eq(f->family, FT_FAMILY_IPV6);
	cr_expect_str_eq(ft_fmt_ip(f->family, f->client_ip, ip), "2001:db8::5");
}

Test(reduce_flows, allow_list_classifies)
{
	static const char *const allow[] = { "10.0.1.0/24", NULL };
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;

	o.allow = allow;
	setup_opts(&o);
	handshake(ETH0, ETH1, MAC_R1, MAC_R2);
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_RETURN_PATH_MISMATCH);
	cr_expect_eq(f->cls, FT_CLASS_ALLOWED);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_flows, allow_list_by_mac)
{
	static const char *const allow[] = { "02-00-00-00-01-02", NULL };
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;

	o.allow = allow;
	setup_opts(&o);
	handshake(ETH0, ETH1, MAC_R1, MAC_R2);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

/* A SYN to 192.0.2.1:80 from port sport out eth0 to MAC_R1, fed raw:
 * returns the feed's result. */
static int raw_syn(__u16 sport, __u64 ts)
{
	struct ft_flow_event e = { .type = FT_REC_FLOW_NEW, .hook = FT_HOOK_TC_EGRESS,
				   .ifindex = ETH0, .dst_mac = { 0x02, 0, 0, 0, 0x01, 0x01 } };
	struct pkt p = { .src = "10.0.0.2", .dst = "192.0.2.1", .sport = sport, .dport = 80,
			 .proto = 6 };

	e.side = emu_canon(&p, &e.key);
	e.initiator = e.side;
	e.flags = FT_FLOW_INIT_SURE;
	e.tcp_flags = FT_TCP_SYN;
	e.ts_ns = ts;
	return ft_reducer_feed(R, &e, sizeof(e));
}

/* A flow judged unevictable (unanswered) is judged again once it changes:
 * answered, it makes room for the next new flow. */
Test(reduce_flows, pinned_flow_answered_becomes_evictable)
{
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;

	o.max_flows = 2;
	setup_opts(&o);
	cr_assert_eq(raw_syn(30000, T0), 0);
	cr_assert_eq(raw_syn(30001, T0), 0);
	cr_expect_eq(raw_syn(30002, T0 + MS), -ENOMEM, "both flows unanswered: no room");
	cr_expect_eq(R->flows.n_pinned, 2);
	tcp(T0 + 2 * MS, FT_HOOK_XDP, ETH0, "192.0.2.1", 80, "10.0.0.2", 30000, SYNACK, MAC_R1);
	cr_expect_eq(R->flows.n_pinned, 1, "the answered flow is judged again");
	cr_expect_eq(raw_syn(30003, T0 + 3 * MS), 0, "the answered flow made room");
	cr_expect_eq(R->flows.evicted, 1);
	cr_expect_eq(raw_syn(30004, T0 + 4 * MS), -ENOMEM);
}

/* Past max_flows, healthy flows make room; unanswered ones are kept and
 * new flows are dropped, counted as lost. */
Test(reduce_flows, bounded_flow_table)
{
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;
	struct ft_report rep;
	int dropped = 0;

	o.max_flows = 4;
	setup_opts(&o);
	for (int i = 0; i < 8; i++) { /* answered DNS: evictable */
		udp(T0, "10.0.0.2", 20000 + i, "10.0.0.53", 53, 1);
		send_pkt(&(struct pkt){ .ts = T0 + MS,
					.hook = FT_HOOK_XDP,
					.ifindex = ETH0,
					.src = "10.0.0.53",
					.sport = 53,
					.dst = "10.0.0.2",
					.dport = 20000 + i,
					.proto = 17,
					.mac = MAC_R1 });
	}
	cr_expect_eq(R->flows.evicted, 4);
	cr_expect_eq(ft_lost_events(R), 0);
	for (int i = 0; i < 6; i++) /* unanswered SYNs: kept */
		if (raw_syn(30000 + i, T0 + 2 * MS) == -ENOMEM)
			dropped++;
	cr_expect_eq(dropped, 2);
	mark(T0 + 5 * SEC);
	cr_assert_eq(ft_reducer_report(R, &rep, false), 0);
	/* Four unanswered SYNs to one server port: one finding of 4 flows. */
	cr_expect_eq(rep.findings.per_kind[FT_KIND_ONE_WAY], 1);
	cr_assert_eq(rep.findings.n, 1);
	cr_expect_eq(rep.findings.v[0].flows, 4);
	cr_expect_eq(rep.health.lost_events, 2);
	cr_expect_eq(rep.health.flows_seen, 12);
	ft_report_free(&rep);
}
