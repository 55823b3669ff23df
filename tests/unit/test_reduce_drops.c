// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Drops that explain one-way flows (FT_REC_DROP, reduce_flows_emu.h): a
 * direction the stack dropped (rp_filter, netfilter) and that never got
 * through makes the flow one_way with the drop as reason, in place of
 * return_path_mismatch; one that got through later, or a one-off drop in a
 * working flow, does not. The hints' rp_filter wording is checked against
 * real sysctls in a private network namespace.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include "lib/reduce_flows_emu.h"
#include "lib/scratch_netns.h"

TestSuite(reduce_drops, .init = emu_setup, .fini = emu_teardown);

#define CLIENT "10.0.0.2"
#define SERVER "192.0.2.9"

/* This host opens 10.0.0.2:5000 -> 192.0.2.9:443 on eth0; the SYN-ACKs
 * come back on eth1 (the lab's strict rp_filter story). */
static void syn(__u64 ts)
{
	tcp(ts, OUT, ETH0, CLIENT, 5000, SERVER, 443, FT_TCP_SYN, MAC_R1);
}

static void synack(__u64 ts)
{
	tcp(ts, IN, ETH1, SERVER, 443, CLIENT, 5000, SYNACK, MAC_R2);
}

static void synack_dropped(__u64 ts, __u8 reason)
{
	synack(ts);
	drop(ts + 1000, reason, ETH1, 6, SERVER, 443, CLIENT, 5000);
}

static char hint_buf[FT_HINT_MAX];

static const char *hint(const struct ft_finding *f, bool live)
{
	static struct ft_facts facts = { .mode = FT_FACTS_LIVE };

	ft_explain(f, &R->ifaces, live ? &facts : NULL, hint_buf, sizeof(hint_buf));
	return hint_buf;
}

Test(reduce_drops, reply_dropped_by_rp_filter_is_one_way)
{
	const struct ft_finding *f;

	syn(T0);
	synack_dropped(T0 + MS, FT_DROP_RPFILTER);
	/* Within the grace time the flow is still the mismatch it looks like. */
	now(T0 + 500 * MS);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
	f = found(FT_KIND_RETURN_PATH_MISMATCH);
	cr_expect_eq(f->n_drops, 1);
	hint(f, false);
	cr_expect_not_null(strstr(hint_buf, "the kernel drops the replies (rp_filter on eth1)"),
			   "%s", hint_buf);

	syn(T0 + SEC);
	synack_dropped(T0 + SEC + MS, FT_DROP_RPFILTER);
	now(T0 + 2 * SEC);
	f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_REPLY_DROPPED_RPF);
	cr_expect_str_eq(ft_oneway_reason_name(f->reason), "reply_dropped_rp_filter");
	/* The interfaces still show the mismatch. */
	cr_expect_str_eq(ifname(&f->req_out, 0), "eth0");
	cr_expect_str_eq(ifname(&f->rep_in, 0), "eth1");
	cr_expect_eq(f->pkts_req, 2);
	cr_expect_eq(f->pkts_rep, 2);
	cr_assert_eq(f->n_drops, 1, "one drop per flow, reason and side");
	cr_expect_eq(f->drops[0].reason, FT_DROP_RPFILTER);
	cr_expect_eq(f->drops[0].ifindex, ETH1);
	cr_expect_neq(f->drops[0].side, f->client_side, "the reply side");
	cr_expect_null(find_kind(FT_KIND_RETURN_PATH_MISMATCH), "one_way replaces it");
	cr_expect_eq(n_alarms(), 1);
	hint(found(FT_KIND_ONE_WAY), false);
	cr_expect_not_null(strstr(hint_buf, "Replies from 192.0.2.9 reach eth1"), "%s", hint_buf);
	cr_expect_not_null(strstr(hint_buf, "rp_filter"), "%s", hint_buf);
}

/* A DNS answer arrives on the interface the query left by, and a netfilter
 * rule drops it: symmetric, yet one-way for this host. */
Test(reduce_drops, reply_dropped_by_netfilter_is_one_way)
{
	const struct ft_finding *f;

	udp(T0, CLIENT, 53124, "10.0.0.53", 53, 1);
	send_pkt(&(struct pkt){ .ts = T0 + MS,
				.hook = IN,
				.ifindex = ETH0,
				.src = "10.0.0.53",
				.sport = 53,
				.dst = CLIENT,
				.dport = 53124,
				.proto = 17,
				.mac = MAC_R1 });
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0, "answered, as far as the wire tells");
	drop(T0 + MS + 1000, FT_DROP_NETFILTER, ETH0, 17, "10.0.0.53", 53, CLIENT, 53124);
	now(T0 + 5 * SEC);
	f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_REPLY_DROPPED_NF);
	cr_expect_eq(f->server_port, 53);
	cr_expect_str_eq(ifname(&f->rep_in, 0), "eth0");
	cr_expect_not_null(strstr(hint(f, false), "conntrack state INVALID"), "%s", hint_buf);
	cr_expect_not_null(strstr(hint_buf, "iptables/nft"), "%s", hint_buf);
}

/* This host is the server: SYNs from 10.0.1.5 arrive on eth1 and strict
 * rp_filter drops them, so nothing answers. */
Test(reduce_drops, request_dropped_by_rp_filter_is_one_way)
{
	const struct ft_finding *f;

	req(T0, IN, ETH1, FT_TCP_SYN, MAC_R2);
	drop(T0 + 1000, FT_DROP_RPFILTER, ETH1, 6, "10.0.1.5", 43210, "10.0.0.2", 80);
	req(T0 + SEC, IN, ETH1, FT_TCP_SYN, MAC_R2);
	now(T0 + 3 * SEC);
	f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_REQUEST_DROPPED_RPF, "not just syn_unanswered");
	cr_expect_str_eq(ft_oneway_reason_name(f->reason), "request_dropped_rp_filter");
	cr_expect_str_eq(ifname(&f->req_in, 0), "eth1");
	cr_expect_eq(f->pkts_rep, 0);
	cr_assert_eq(f->n_drops, 1);
	cr_expect_eq(f->drops[0].side, f->client_side, "the request side");
	cr_expect_not_null(strstr(hint(f, false), "Requests from 10.0.1.5 reach eth1"), "%s",
			   hint_buf);
	cr_expect_eq(n_alarms(), 1);
}

Test(reduce_drops, request_dropped_by_netfilter_is_one_way)
{
	const struct ft_finding *f;

	for (int i = 0; i < 3; i++)
		send_pkt(&(struct pkt){ .ts = T0 + i * SEC,
					.hook = IN,
					.ifindex = ETH0,
					.src = "10.0.1.5",
					.dst = "10.0.0.2",
					.sport = 9,
					.dport = 9,
					.proto = 1,
					.icmp = 8,
					.mac = MAC_R1 });
	/* The rule drops every request (the kernel counts each). */
	for (int i = 0; i < 3; i++)
		drop(T0 + i * SEC + 1000, FT_DROP_NETFILTER, ETH0, 1, "10.0.1.5", 9, "10.0.0.2", 9);
	now(T0 + 4 * SEC);
	f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_REQUEST_DROPPED_NF);
	cr_expect_str_eq(ft_oneway_reason_name(f->reason), "request_dropped_netfilter");
	cr_expect_eq(f->proto, 1);
	cr_expect_eq(f->pkts_req, 3);
}

/* UDP answers never get acknowledged: the kernel's per-side counts tell
 * whether any reply reached the socket. */
static void dns_replies(int n, int dropped)
{
	udp(T0, CLIENT, 53124, "10.0.0.53", 53, 1);
	for (int i = 0; i < n; i++) {
		send_pkt(&(struct pkt){ .ts = T0 + (i + 1) * MS,
					.hook = IN,
					.ifindex = ETH1,
					.src = "10.0.0.53",
					.sport = 53,
					.dst = CLIENT,
					.dport = 53124,
					.proto = 17,
					.mac = MAC_R2 });
		if (i < dropped)
			drop(T0 + (i + 1) * MS + 1000, FT_DROP_RPFILTER, ETH1, 17, "10.0.0.53", 53,
			     CLIENT, 53124);
	}
	now(T0 + 5 * SEC);
}

Test(reduce_drops, udp_replies_all_dropped_is_one_way)
{
	dns_replies(3, 3);
	cr_expect_eq(found(FT_KIND_ONE_WAY)->reason, FT_OW_REPLY_DROPPED_RPF);
}

Test(reduce_drops, udp_reply_delivered_after_a_drop_is_not_one_way)
{
	dns_replies(3, 1);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY), "2 of 3 replies reached the socket");
	cr_expect_eq(found(FT_KIND_RETURN_PATH_MISMATCH)->n_drops, 1);
}

/* rp_filter loosened after the first SYN-ACK was dropped: the second one
 * gets through and the client acknowledges it. The flow works, so it is
 * not one_way; the mismatch stays, with the early drop attached. */
Test(reduce_drops, reply_that_got_through_later_is_not_one_way)
{
	const struct ft_finding *f;

	syn(T0);
	synack_dropped(T0 + MS, FT_DROP_RPFILTER);
	syn(T0 + SEC);
	synack(T0 + SEC + MS);
	tcp(T0 + SEC + 2 * MS, OUT, ETH0, CLIENT, 5000, SERVER, 443, FT_TCP_ACK, MAC_R1);
	now(T0 + 5 * SEC);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
	f = found(FT_KIND_RETURN_PATH_MISMATCH);
	cr_assert_eq(f->n_drops, 1);
	cr_expect_eq(f->drops[0].reason, FT_DROP_RPFILTER);
	cr_expect_not_null(strstr(hint(f, false), "dropped replies at first (rp_filter on eth1), "
						 "later ones got through"),
			   "%s", hint_buf);
	cr_expect_eq(n_alarms(), 1);
}

/* A UDP request dropped once, then answered: it got through. */
Test(reduce_drops, request_answered_after_a_drop_is_not_one_way)
{
	send_pkt(&(struct pkt){ .ts = T0,
				.hook = IN,
				.ifindex = ETH0,
				.src = "10.0.1.5",
				.dst = "10.0.0.2",
				.sport = 40000,
				.dport = 53,
				.proto = 17,
				.mac = MAC_R1 });
	drop(T0 + 1000, FT_DROP_NETFILTER, ETH0, 17, "10.0.1.5", 40000, "10.0.0.2", 53);
	send_pkt(&(struct pkt){ .ts = T0 + SEC,
				.hook = OUT,
				.ifindex = ETH0,
				.src = "10.0.0.2",
				.dst = "10.0.1.5",
				.sport = 53,
				.dport = 40000,
				.proto = 17,
				.mac = MAC_R1 });
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

/* A late retransmission after the connection closed, dropped as INVALID by
 * conntrack, in either direction: the flow worked, no finding. */
Test(reduce_drops, one_off_drop_in_a_working_flow_is_no_finding)
{
	handshake(ETH0, ETH0, MAC_R1, MAC_R1);
	rep(T0 + 3 * MS, OUT, ETH0, FT_TCP_FIN | FT_TCP_ACK, MAC_R1);
	req(T0 + 4 * MS, IN, ETH0, FT_TCP_FIN | FT_TCP_ACK, MAC_R1);
	drop(T0 + 300 * MS, FT_DROP_NETFILTER, ETH0, 6, "10.0.1.5", 43210, "10.0.0.2", 80);
	drop(T0 + 400 * MS, FT_DROP_NETFILTER, ETH0, 6, "10.0.0.2", 80, "10.0.1.5", 43210);
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 0);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
}

/* The same drop twice (a recreated kernel entry, a trace fed twice) is one
 * note; drops on both sides are both kept, the earliest names the reason. */
Test(reduce_drops, drops_are_folded_and_the_first_names_the_reason)
{
	const struct ft_finding *f;

	syn(T0);
	synack_dropped(T0 + MS, FT_DROP_NETFILTER);
	drop(T0 + 2 * MS, FT_DROP_NETFILTER, ETH1, 6, SERVER, 443, CLIENT, 5000);
	drop(T0 + 3 * MS, FT_DROP_RPFILTER, ETH1, 6, SERVER, 443, CLIENT, 5000);
	now(T0 + 5 * SEC);
	f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_REPLY_DROPPED_NF);
	cr_expect_eq(f->n_drops, 2);
}

/* The flow's packet events were lost: the drop comes first and can only
 * guess who started; the map's counters then say it, and the dropped side
 * is the reply. */
Test(reduce_drops, drop_before_any_packet_event)
{
	struct ft_flow_stats_record s = { .type = FT_REC_FLOW_STATS, .ts_ns = T0 + 2 * SEC };
	struct pkt p = { .src = CLIENT, .dst = SERVER, .sport = 5000, .dport = 443, .proto = 6 };
	__u8 c = emu_canon(&p, &s.key);
	const struct ft_finding *f;

	drop(T0 + MS, FT_DROP_RPFILTER, ETH1, 6, SERVER, 443, CLIENT, 5000);
	s.initiator = c;
	s.flags = FT_FLOW_INIT_SURE;
	s.side[c] = (struct ft_side_stats){ .pkts_out = 2, .first_ns = T0, .last_ns = T0 + SEC };
	s.side[c].tcp_flags = FT_TCP_SYN;
	s.side[c ^ 1] =
		(struct ft_side_stats){ .pkts_in = 2, .first_ns = T0 + MS, .last_ns = T0 + SEC };
	s.side[c ^ 1].tcp_flags = SYNACK;
	emu_feed(&s, sizeof(s));
	mark(T0 + 3 * SEC);
	f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_REPLY_DROPPED_RPF);
	cr_expect_eq(f->client_port, 5000);
}

Test(reduce_drops, unknown_drop_reason_is_refused)
{
	struct ft_drop_event e = { .type = FT_REC_DROP, .reason = 9, .ts_ns = T0 };

	cr_expect_eq(ft_reducer_feed(R, &e, sizeof(e)), -EINVAL);
	cr_expect_eq(R->bad_records, 1);
	cr_expect_eq(R->events, 0);
}

/* ---- hints with this host's facts: rp_filter named with its real value ---- */


/* eth1 in a private namespace, with all=0 and eth1=value. */
static void eth1_rp_filter(int value)
{
	scratch_netns();
	scratch_sh("ip link add eth1 type veth peer name eth1p");
	scratch_conf("all", "rp_filter", 0);
	scratch_conf("eth1", "rp_filter", value);
}

/* Replies on eth1 that the client accepted (it acknowledged them). */
static void accepted_on_eth1(void)
{
	syn(T0);
	synack(T0 + MS);
	tcp(T0 + 2 * MS, OUT, ETH0, CLIENT, 5000, SERVER, 443, FT_TCP_ACK, MAC_R1);
	now(T0 + 5 * SEC);
}

Test(reduce_drops, hint_says_loose_rp_filter_accepts)
{
	eth1_rp_filter(2);
	accepted_on_eth1();
	hint(found(FT_KIND_RETURN_PATH_MISMATCH), true);
	cr_expect_not_null(strstr(hint_buf, "loose rp_filter (2) on eth1 accepts them"), "%s",
			   hint_buf);
	cr_expect_not_null(strstr(hint_buf, "rp_filter eth1=2)"), "%s", hint_buf);
	cr_expect_null(strstr(hint_buf, "strict rp_filter (1) on eth1"), "%s", hint_buf);
}

Test(reduce_drops, hint_says_rp_filter_off_accepts)
{
	eth1_rp_filter(0);
	accepted_on_eth1();
	hint(found(FT_KIND_RETURN_PATH_MISMATCH), true);
	cr_expect_not_null(strstr(hint_buf, "rp_filter is off (0) on eth1"), "%s", hint_buf);
	cr_expect_null(strstr(hint_buf, "strict rp_filter (1) on eth1"), "%s", hint_buf);
}

Test(reduce_drops, hint_says_strict_rp_filter_drops)
{
	eth1_rp_filter(1);
	syn(T0);
	synack(T0 + MS);
	now(T0 + 5 * SEC);
	/* No drop event (a kernel without the tracepoint): the sysctl says it. */
	hint(found(FT_KIND_RETURN_PATH_MISMATCH), true);
	cr_expect_not_null(strstr(hint_buf, "strict rp_filter (1) on eth1 drops them"), "%s",
			   hint_buf);
	drop(T0 + MS + 1000, FT_DROP_RPFILTER, ETH1, 6, SERVER, 443, CLIENT, 5000);
	now(T0 + 5 * SEC);
	hint(found(FT_KIND_ONE_WAY), true);
	cr_expect_not_null(strstr(hint_buf, "strict rp_filter (1, the larger of "
					    "net.ipv4.conf.all.rp_filter and "
					    "net.ipv4.conf.eth1.rp_filter)"),
			   "%s", hint_buf);
	cr_expect_not_null(strstr(hint_buf, "set net.ipv4.conf.eth1.rp_filter=2"), "%s", hint_buf);
	cr_expect_not_null(strstr(hint_buf, "rp_filter eth1=1"), "%s", hint_buf);
}

/* The kernel takes the larger of all and the interface's own value. */
Test(reduce_drops, hint_reads_the_effective_rp_filter)
{
	eth1_rp_filter(0);
	scratch_conf("all", "rp_filter", 2);
	syn(T0);
	synack_dropped(T0 + MS, FT_DROP_RPFILTER);
	now(T0 + 5 * SEC);
	hint(found(FT_KIND_ONE_WAY), true);
	cr_expect_not_null(strstr(hint_buf, "loose rp_filter (2,"), "%s", hint_buf);
	cr_expect_not_null(strstr(hint_buf, "add a route to 192.0.2.9"), "%s", hint_buf);
}

Test(reduce_drops, hint_without_host_facts_names_the_sysctl)
{
	syn(T0);
	synack_dropped(T0 + MS, FT_DROP_RPFILTER);
	now(T0 + 5 * SEC);
	hint(found(FT_KIND_ONE_WAY), false);
	cr_expect_not_null(strstr(hint_buf, "host facts unavailable"), "%s", hint_buf);
	cr_expect_not_null(strstr(hint_buf, "net.ipv4.conf.eth1.rp_filter"), "%s", hint_buf);
}
