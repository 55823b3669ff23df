// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * one_way on synthetic packet sequences (reduce_flows_emu.h): unanswered
 * TCP SYNs, one-direction TCP, echo requests and UDP exchanges, the grace
 * time, and the look-alikes that must not count (one-way UDP streams,
 * traceroute probes, a SYN answered by a RST).
 */
#include <criterion/criterion.h>
#include <string.h>
#include "lib/reduce_flows_emu.h"

TestSuite(reduce_oneway, .init = emu_setup, .fini = emu_teardown);

static void setup_opts(const struct ft_reduce_opts *o)
{
	emu_teardown();
	emu_setup_opts(o);
}

static void lone_syn(void)
{
	tcp(T0, OUT, ETH0, "10.0.0.2", 5000, "192.0.2.9", 443, FT_TCP_SYN, MAC_R1);
	tcp(T0 + SEC, OUT, ETH0, "10.0.0.2", 5000, "192.0.2.9", 443, FT_TCP_SYN, MAC_R1);
}

/* A SYN and its retransmit, never answered: one_way once the grace time
 * (1 s by default) has passed since the first. */
Test(reduce_oneway, syn_never_answered)
{
	lone_syn();
	now(T0 + 900 * MS);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
	now(T0 + 1100 * MS);
	const struct ft_finding *f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_SYN);
	cr_expect_eq(f->pkts_req, 2);
	cr_expect_eq(f->pkts_rep, 0);
	cr_expect_eq(f->server_port, 443);
}

Test(reduce_oneway, grace_time_is_tunable)
{
	struct ft_reduce_opts o = { .oneway_after_ns = 10 * SEC };

	setup_opts(&o);
	lone_syn();
	now(T0 + 5 * SEC);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
	now(T0 + 11 * SEC);
	cr_expect_not_null(find_kind(FT_KIND_ONE_WAY));
}

Test(reduce_oneway, syn_answered_by_rst_is_not_one_way)
{
	lone_syn();
	tcp(T0 + MS, IN, ETH0, "192.0.2.9", 443, "10.0.0.2", 5000, FT_TCP_RST | FT_TCP_ACK, MAC_R1);
	/* A lone RST from elsewhere answers a stray packet: not a flow. */
	tcp(T0, IN, ETH0, "10.9.0.1", 51000, "10.0.0.2", 8080, FT_TCP_RST, MAC_R1);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_oneway, tcp_mid_stream_one_direction)
{
	for (int i = 0; i < 5; i++)
		tcp(T0 + i * 100 * MS, IN, ETH0, "10.9.0.1", 51000, "10.0.0.2", 8080, FT_TCP_ACK,
		    MAC_R1);
	now(T0 + 3 * SEC);
	const struct ft_finding *f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_MIDSTREAM);
	cr_expect_eq(f->pkts_req, 5);
}

/* Only the server's half of a TCP flow was seen: the requests went around. */
Test(reduce_oneway, reply_only_tcp)
{
	for (int i = 0; i < 3; i++)
		tcp(T0 + i * MS, IN, ETH0, "10.9.0.1", 443, "10.0.0.2", 51000, FT_TCP_ACK, MAC_R1);
	now(T0 + 3 * SEC);
	const struct ft_finding *f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_REPLY_ONLY);
	cr_expect_eq(f->server_port, 443, "the service port names the server");
	cr_expect_eq(f->pkts_rep, 3);
}

/* An unanswered ping beside an answered one: only the first is one_way. */
Test(reduce_oneway, echo_unanswered)
{
	char ip[FT_IP_STRLEN];

	ping("10.0.0.9", false);
	ping("10.0.0.8", true);
	now(T0 + 2 * SEC);
	cr_expect_eq(n_alarms(), 1);
	const struct ft_finding *f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_ECHO);
	cr_expect_str_eq(ft_fmt_ip(f->family, f->server_ip, ip), "10.0.0.9");
	cr_expect_eq(f->client_port, 0, "ICMP has no ports");
}

/* An unanswered DNS query beside an answered one. */
Test(reduce_oneway, dns_query_without_answer)
{
	udp(T0, "10.0.0.2", 53124, "10.0.0.53", 53, 3);
	udp(T0, "10.0.0.2", 53125, "10.0.0.54", 53, 1);
	send_pkt(&(struct pkt){ .ts = T0 + MS,
				.hook = IN,
				.ifindex = ETH0,
				.src = "10.0.0.54",
				.sport = 53,
				.dst = "10.0.0.2",
				.dport = 53125,
				.proto = 17,
				.mac = MAC_R1 });
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 1);
	const struct ft_finding *f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_UDP);
	cr_expect_eq(f->proto, 17);
	cr_expect_eq(f->client_port, 53124);
	cr_expect_eq(f->server_port, 53);
}

/* Normal one-way streams are not flagged; a few unanswered packets to an
 * unknown port are. */
Test(reduce_oneway, one_way_udp_streams_are_not_flagged)
{
	udp(T0, "10.0.0.2", 41000, "10.0.0.50", 514, 3);   /* syslog */
	udp(T0, "10.0.0.2", 41001, "10.0.0.50", 8125, 2);  /* statsd */
	udp(T0, "10.0.0.2", 41002, "10.0.0.50", 2055, 1);  /* NetFlow export */
	udp(T0, "10.0.0.2", 41003, "10.0.0.50", 9999, 50); /* a busy custom stream */
	udp(T0, "10.0.0.2", 5353, "224.0.0.251", 5353, 2); /* multicast */
	udp(T0, "10.0.0.2", 41004, "10.0.0.50", 9998, 4);  /* a query-like exchange */
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 1);
	cr_expect_eq(found(FT_KIND_ONE_WAY)->server_port, 9998);
}

Test(reduce_oneway, stream_ports_and_packet_limit_are_tunable)
{
	static const __u16 ports[] = { 9999, 0 };
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;

	o.oneway_udp_stream_ports = ports;
	o.oneway_udp_max_pkts = 2;
	setup_opts(&o);
	udp(T0, "10.0.0.2", 41003, "10.0.0.50", 9999, 1); /* listed as a stream */
	udp(T0, "10.0.0.2", 41004, "10.0.0.50", 7777, 3); /* more than 2 packets */
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 0);
	udp(T0, "10.0.0.2", 41005, "10.0.0.50", 7777, 2);
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 1);
}

Test(reduce_oneway, closed_port_carries_the_icmp_error)
{
	char ip[FT_IP_STRLEN];

	/* Even a stream port: an unreachable means a failed exchange. */
	udp(T0, "10.0.0.2", 41000, "10.0.0.50", 514, 1);
	icmp_error(T0 + MS, "10.0.0.2", 41000, "10.0.0.50", 514, 3, 3, "10.0.0.50");
	icmp_error(T0 + 2 * MS, "10.0.0.2", 41000, "10.0.0.50", 514, 3, 3, "10.0.0.50");
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_UDP);
	cr_assert_eq(f->n_icmp, 1, "the same error twice is one entry");
	cr_expect_eq(f->icmp[0].type, 3);
	cr_expect_eq(f->icmp[0].code, 3);
	cr_expect_str_eq(ft_fmt_ip(f->icmp[0].family, f->icmp[0].from, ip), "10.0.0.50");
}

Test(reduce_oneway, traceroute_probes_are_not_one_way)
{
	for (int i = 0; i < 5; i++) {
		udp(T0 + i * MS, "10.0.0.2", 40000 + i, "198.51.100.7", 33434 + i, 1);
		icmp_error(T0 + i * MS + 100, "10.0.0.2", 40000 + i, "198.51.100.7", 33434 + i, 11,
			   0, "10.0.0.1");
	}
	now(T0 + 5 * SEC);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
}

/* Events lost in the kernel: the map's counters alone still tell. */
Test(reduce_oneway, stats_without_events)
{
	struct ft_flow_stats_record s = { .type = FT_REC_FLOW_STATS, .ts_ns = T0 + 3 * SEC };
	struct pkt p = {
		.src = "10.0.0.2", .dst = "192.0.2.1", .sport = 30000, .dport = 80, .proto = 6
	};
	__u8 side = emu_canon(&p, &s.key);

	s.initiator = side;
	s.flags = FT_FLOW_INIT_SURE;
	s.side[side].pkts_out = 3;
	s.side[side].first_ns = T0;
	s.side[side].last_ns = T0 + 2 * SEC;
	s.side[side].tcp_flags = FT_TCP_SYN;
	emu_feed(&s, sizeof(s));
	const struct ft_finding *f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_SYN);
	cr_expect_eq(f->pkts_req, 3);
	cr_expect_eq(f->req_out.n, 0, "no path events: interfaces unknown");
}
