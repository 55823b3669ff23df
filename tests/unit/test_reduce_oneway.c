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

/* ---- group flows and the unicast answers to group queries ---- */

#define MAC_BCAST "ff:ff:ff:ff:ff:ff"
#define MAC_MDNS4 "01:00:5e:00:00:fb"
#define MAC_SSDP "01:00:5e:7f:ff:fa"
#define MAC_MDNS6 "33:33:00:00:00:fb"
#define MAC_X "02:00:00:00:07:07" /* a neighbour on the LAN */

/* One UDP packet. Egress: mac is the frame's destination. Ingress: mac
 * its source, l2dst its destination (NULL: this host's MAC). */
static void u(__u64 ts, __u8 hook, const char *src, __u16 sport, const char *dst, __u16 dport,
	      const char *mac, const char *l2dst)
{
	send_pkt(&(struct pkt){ .ts = ts,
				.hook = hook,
				.ifindex = ETH0,
				.src = src,
				.sport = sport,
				.dst = dst,
				.dport = dport,
				.proto = 17,
				.mac = mac,
				.l2dst = l2dst });
}

/* NetBIOS name and datagram broadcasts to the subnet's broadcast address,
 * sent and received: group flows by their MAC, whatever the prefix. */
Test(reduce_oneway, subnet_broadcast_is_a_group_flow)
{
	u(T0, OUT, "10.0.0.2", 138, "10.0.0.255", 138, MAC_BCAST, NULL);
	u(T0 + SEC, OUT, "10.0.0.2", 138, "10.0.0.255", 138, MAC_BCAST, NULL);
	u(T0, IN, "10.0.0.7", 137, "10.0.0.255", 137, MAC_X, MAC_BCAST);
	u(T0, IN, "10.1.255.9", 5000, "10.1.255.255", 9999, MAC_X, MAC_BCAST);
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 0);
	/* The same address reached with a unicast MAC is a host (a /16's
	 * 10.0.0.255): its silence counts. */
	u(T0, OUT, "10.0.0.2", 40000, "10.0.0.255", 7000, MAC_X, NULL);
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 1);
	const struct ft_finding *f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_UDP);
	cr_expect_eq(f->server_port, 7000);
}

/* The kernel's mark alone (a map read, the events lost) is enough. */
Test(reduce_oneway, group_mark_in_map_read)
{
	struct ft_flow_stats_record s = { .type = FT_REC_FLOW_STATS, .ts_ns = T0 + 3 * SEC };
	struct pkt p = { .src = "10.0.0.7", .dst = "10.0.0.255", .sport = 138, .dport = 138,
			 .proto = 17 };
	__u8 side = emu_canon(&p, &s.key);

	s.initiator = side;
	s.flags = FT_FLOW_L2_GROUP;
	s.side[side].pkts_in = 3;
	s.side[side].first_ns = T0;
	s.side[side].last_ns = T0 + SEC;
	emu_feed(&s, sizeof(s));
	mark(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
	s.flags = 0;
	s.key.port_a = s.key.port_b = 139;
	emu_feed(&s, sizeof(s));
	mark(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 1, "without the mark it is a unicast flow");
}

/* An answer on the 5-tuple itself makes a unicast flow over a group MAC
 * (NLB in multicast mode): its paths are still judged. */
Test(reduce_oneway, answered_flow_over_group_mac_is_unicast)
{
	send_pkt(&(struct pkt){ .ts = T0, .hook = IN, .ifindex = ETH0, .src = "10.0.1.5",
				.sport = 43210, .dst = "10.0.0.2", .dport = 80, .proto = 6,
				.tcp = FT_TCP_SYN, .mac = MAC_R1, .l2dst = "03:bf:0a:00:00:02" });
	rep(T0 + MS, OUT, ETH1, SYNACK, MAC_R2);
	now(T0 + 5 * SEC);
	cr_expect_not_null(find_kind(FT_KIND_RETURN_PATH_MISMATCH));
}

/* Queries to a group answered by unicast from the group's port to the
 * querier's: mDNS legacy one-shot (IPv4, IPv6), SSDP M-SEARCH answered
 * seconds later, a NetBIOS name query to the subnet broadcast, DHCP from
 * 0.0.0.0. None is one_way, and no answer is a client of its own. */
Test(reduce_oneway, unicast_answers_to_group_queries)
{
	u(T0, OUT, "10.0.0.2", 40000, "224.0.0.251", 5353, MAC_MDNS4, NULL);
	u(T0 + 3 * MS, IN, "10.0.0.7", 5353, "10.0.0.2", 40000, MAC_X, NULL);
	u(T0 + 4 * MS, IN, "10.0.0.8", 5353, "10.0.0.2", 40000, "02:00:00:00:08:08", NULL);
	/* The querier had its answer and closed its socket. */
	icmp_error(T0 + 5 * MS, "10.0.0.8", 5353, "10.0.0.2", 40000, 3, 3, "10.0.0.2");

	u(T0, OUT, "fe80::2", 40001, "ff02::fb", 5353, MAC_MDNS6, NULL);
	u(T0 + 2 * MS, IN, "fe80::7", 5353, "fe80::2", 40001, MAC_X, NULL);

	u(T0, OUT, "10.0.0.2", 40002, "239.255.255.250", 1900, MAC_SSDP, NULL);
	u(T0 + 2 * SEC, IN, "10.0.0.7", 1900, "10.0.0.2", 40002, MAC_X, NULL);

	u(T0, OUT, "10.0.0.2", 137, "10.0.0.255", 137, MAC_BCAST, NULL);
	u(T0 + MS, IN, "10.0.0.9", 137, "10.0.0.2", 137, "02:00:00:00:09:09", NULL);

	u(T0, OUT, "0.0.0.0", 68, "255.255.255.255", 67, MAC_BCAST, NULL);
	u(T0 + MS, IN, "10.0.0.1", 67, "10.0.0.50", 68, MAC_R1, NULL);
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

/* The answer is told by who asked, from which port, to which group port,
 * and when: anything else unanswered is still one_way. */
Test(reduce_oneway, what_is_not_an_answer)
{
	u(T0, OUT, "10.0.0.2", 40000, "224.0.0.251", 5353, MAC_MDNS4, NULL);
	/* to another port of the querier */
	u(T0 + MS, IN, "10.0.0.7", 5353, "10.0.0.2", 40001, MAC_X, NULL);
	/* from another port than the group's */
	u(T0 + MS, IN, "10.0.0.7", 5354, "10.0.0.2", 40000, MAC_X, NULL);
	/* to another host (not the querier) */
	u(T0 + MS, OUT, "10.0.0.2", 5353, "10.0.0.3", 40000, MAC_X, NULL);
	/* before the query */
	u(T0 - SEC, IN, "10.0.0.7", 1900, "10.0.0.2", 40002, MAC_X, NULL);
	u(T0, OUT, "10.0.0.2", 40002, "239.255.255.250", 1900, MAC_SSDP, NULL);
	/* too late: 6 s after the query */
	u(T0, OUT, "10.0.0.2", 40003, "239.255.255.250", 1900, MAC_SSDP, NULL);
	u(T0 + 6 * SEC, IN, "10.0.0.8", 1900, "10.0.0.2", 40003, MAC_X, NULL);
	now(T0 + 20 * SEC);
	cr_expect_eq(n_alarms(), 5);
	ft_findings_free(&FS);
	cr_assert_eq(ft_findings_collect(R, &FS, true), 0);
	for (size_t i = 0; i < FS.n; i++) {
		cr_expect_eq(FS.v[i].kind, FT_KIND_ONE_WAY);
		cr_expect_eq(FS.v[i].reason, FT_OW_UDP);
	}
}

/* The querier is the client of the answer's flow: when it goes on over
 * unicast by another interface, it is the request that left there. */
Test(reduce_oneway, the_querier_is_the_client)
{
	char ip[FT_IP_STRLEN];

	u(T0, OUT, "10.0.0.2", 40000, "224.0.0.251", 5353, MAC_MDNS4, NULL);
	u(T0 + MS, IN, "10.0.0.7", 5353, "10.0.0.2", 40000, MAC_X, NULL);
	send_pkt(&(struct pkt){ .ts = T0 + 2 * MS, .hook = OUT, .ifindex = ETH1,
				.src = "10.0.0.2", .sport = 40000, .dst = "10.0.0.7",
				.dport = 5353, .proto = 17, .mac = MAC_R2 });
	now(T0 + 5 * SEC);
	const struct ft_finding *f = found(FT_KIND_RETURN_PATH_MISMATCH);
	cr_expect_str_eq(ft_fmt_ip(f->family, f->client_ip, ip), "10.0.0.2");
	cr_expect_eq(f->client_port, 40000);
	cr_expect_eq(f->server_port, 5353);
	cr_expect_str_eq(ifname(&f->req_out, 0), "eth1");
}
