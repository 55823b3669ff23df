// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The asymmetry reducer on synthetic packet sequences. Packets go through
 * a small model of the kernel's flow map (first packet: FLOW_NEW; a new
 * (side, hook, interface, MAC): FLOW_PATH; first FIN/RST: FLOW_END; map
 * counters as FLOW_STATS), so every test reads as the traffic it shows.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include "reduce_internal.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define T0 (100 * SEC)

enum { LO = 1, ETH0 = 2, ETH1 = 3, ETH2 = 4, BR0 = 5 };

#define MAC_R1 "02:00:00:00:01:01"	/* router / load balancer */
#define MAC_R2 "02:00:00:00:01:02"	/* another router */
#define MAC_C "02:00:00:00:0c:0c"	/* the client on the LAN */
#define MAC_VRRP "00:00:5e:00:01:07"

struct pkt {
	__u64 ts;
	__u8 hook;
	__u32 ifindex;
	const char *src, *dst;
	__u16 sport, dport;
	__u8 proto;
	__u8 tcp;		/* TCP flags */
	__u8 icmp;		/* ICMP type for echo flows */
	const char *mac;	/* the L2 peer: source at ingress, destination at egress */
};

struct emu_flow {
	struct ft_flow_key key;
	__u8 initiator, flags;
	struct { __u8 hook; __u32 ifindex; __u8 mac[6]; } paths[2][16];
	int n_paths[2];
	__u8 tflags[2];
	struct ft_side_stats st[2];
};

static struct ft_reducer *R;
static struct emu_flow emu[64];
static int n_emu;

static void mac_of(const char *s, __u8 *mac)
{
	unsigned int b[6];

	cr_assert_eq(sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]), 6);
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
}

static __u8 ip_of(const char *s, __u8 *ip)
{
	memset(ip, 0, 16);
	if (strchr(s, ':')) {
		cr_assert_eq(inet_pton(AF_INET6, s, ip), 1);
		return FT_FAMILY_IPV6;
	}
	cr_assert_eq(inet_pton(AF_INET, s, ip), 1);
	return FT_FAMILY_IPV4;
}

static void feed(const void *rec, size_t len)
{
	cr_assert_eq(ft_reducer_feed(R, rec, len), 0, "feeding record type %u",
		     *(const __u8 *)rec);
}

static void iface(__u32 ifindex, const char *name, const char *mac)
{
	struct ft_iface_record rec = { .type = FT_REC_IFACE, .ifindex = ifindex, .ts_ns = T0 };

	rec.hooks = FT_HOOKBIT(FT_HOOK_XDP) | FT_HOOKBIT(FT_HOOK_TC_EGRESS);
	mac_of(mac, rec.mac);
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	feed(&rec, sizeof(rec));
}

static void setup_opts(const struct ft_reduce_opts *o)
{
	struct ft_reduce_opts def = FT_REDUCE_OPTS_DEFAULT;

	R = ft_reducer_new(o ? o : &def);
	cr_assert_not_null(R);
	n_emu = 0;
	memset(emu, 0, sizeof(emu));
	iface(LO, "lo", "00:00:00:00:00:00");
	iface(ETH0, "eth0", "02:00:00:00:00:10");
	iface(ETH1, "eth1", "02:00:00:00:00:11");
	iface(ETH2, "eth2", "02:00:00:00:00:12");
	iface(BR0, "br0", "02:00:00:00:00:20");
}

static void setup(void)
{
	setup_opts(NULL);
}

static void teardown(void)
{
	ft_reducer_free(R);
	R = NULL;
}

TestSuite(reduce_flows, .init = setup, .fini = teardown);

/* The kernel's canonical key: any consistent order will do for us. */
static __u8 canon(const struct pkt *p, struct ft_flow_key *k)
{
	__u8 s[16], d[16];
	int c;

	memset(k, 0, sizeof(*k));
	k->family = ip_of(p->src, s);
	ip_of(p->dst, d);
	k->proto = p->proto;
	c = memcmp(s, d, 16);
	if (c < 0 || (c == 0 && p->sport <= p->dport)) {
		memcpy(k->addr_a, s, 16);
		memcpy(k->addr_b, d, 16);
		k->port_a = p->sport;
		k->port_b = p->dport;
		return FT_SIDE_A;
	}
	memcpy(k->addr_a, d, 16);
	memcpy(k->addr_b, s, 16);
	k->port_a = p->dport;
	k->port_b = p->sport;
	return FT_SIDE_B;
}

static void emit(__u8 type, const struct pkt *p, const struct emu_flow *f, __u8 side,
		 const __u8 *mac)
{
	struct ft_flow_event e = { .type = type, .hook = p->hook, .side = side };

	e.initiator = f->initiator;
	e.ifindex = p->ifindex;
	e.ts_ns = p->ts;
	e.key = f->key;
	if (FT_HOOK_IS_INGRESS(p->hook))
		memcpy(e.src_mac, mac, 6);
	else
		memcpy(e.dst_mac, mac, 6);
	e.tcp_flags = p->tcp;
	e.flags = f->flags;
	e.pkt_len = 60;
	feed(&e, sizeof(e));
}

static void send_pkt(const struct pkt *p)
{
	struct ft_flow_key k;
	struct emu_flow *f = NULL;
	__u8 side = canon(p, &k), mac[6];
	struct ft_side_stats *ss;
	bool fresh = false, newpath = true;

	mac_of(p->mac, mac);
	for (int i = 0; i < n_emu; i++)
		if (!memcmp(&emu[i].key, &k, sizeof(k)))
			f = &emu[i];
	if (!f) {
		cr_assert_lt(n_emu, 64);
		f = &emu[n_emu++];
		f->key = k;
		fresh = true;
		f->initiator = side;
		if (p->proto == 6 && (p->tcp & FT_TCP_SYN)) {
			f->flags = FT_FLOW_INIT_SURE;
			f->initiator = (p->tcp & FT_TCP_ACK) ? side ^ 1 : side;
		}
		if ((p->proto == 1 && (p->icmp == 8 || p->icmp == 0)) ||
		    (p->proto == 58 && (p->icmp == 128 || p->icmp == 129))) {
			f->flags = FT_FLOW_INIT_SURE;
			f->initiator = (p->icmp == 8 || p->icmp == 128) ? side : side ^ 1;
		}
	}
	for (int i = 0; i < f->n_paths[side]; i++)
		if (f->paths[side][i].hook == p->hook && f->paths[side][i].ifindex == p->ifindex &&
		    !memcmp(f->paths[side][i].mac, mac, 6))
			newpath = false;
	if (newpath) {
		int n = f->n_paths[side]++;

		f->paths[side][n].hook = p->hook;
		f->paths[side][n].ifindex = p->ifindex;
		memcpy(f->paths[side][n].mac, mac, 6);
	}
	ss = &f->st[side];
	if (FT_HOOK_IS_INGRESS(p->hook))
		ss->pkts_in++;
	else
		ss->pkts_out++;
	if (!ss->first_ns)
		ss->first_ns = p->ts;
	ss->last_ns = p->ts;

	if (fresh)
		emit(FT_REC_FLOW_NEW, p, f, side, mac);
	else if (newpath)
		emit(FT_REC_FLOW_PATH, p, f, side, mac);
	else if (p->tcp & ~ss->tcp_flags & (FT_TCP_FIN | FT_TCP_RST))
		emit(FT_REC_FLOW_END, p, f, side, mac);
	ss->tcp_flags |= p->tcp;
}

#define PKT(...) send_pkt(&(struct pkt){ .proto = 6, __VA_ARGS__ })

/* The consumer's batch read of the flow map, then the "now" marker. */
static void now(__u64 ts)
{
	struct ft_counters_record c = { .type = FT_REC_COUNTERS, .ts_ns = ts };

	for (int i = 0; i < n_emu; i++) {
		struct ft_flow_stats_record s = { .type = FT_REC_FLOW_STATS, .ts_ns = ts };

		s.initiator = emu[i].initiator;
		s.flags = emu[i].flags;
		s.key = emu[i].key;
		memcpy(s.side, emu[i].st, sizeof(s.side));
		feed(&s, sizeof(s));
	}
	feed(&c, sizeof(c));
}

/* Only the "now" marker, no map read. */
static void mark(__u64 ts)
{
	struct ft_counters_record c = { .type = FT_REC_COUNTERS, .ts_ns = ts };

	feed(&c, sizeof(c));
}

static struct ft_findings FS;

static const struct ft_finding *find_kind(unsigned int kind)
{
	ft_findings_free(&FS);
	cr_assert_eq(ft_findings_collect(R, &FS), 0);
	for (size_t i = 0; i < FS.n; i++)
		if (FS.v[i].kind == kind)
			return &FS.v[i];
	return NULL;
}

static __u32 n_alarms(void)
{
	struct ft_summary s;

	ft_reducer_summary(R, &s);
	return s.asymmetry + s.arp_flux;
}

static const char *ifname(const struct ft_iflist *l, int i)
{
	static char buf[4][32];

	cr_assert_lt((__u32)i, l->n);
	return ft_iface_name(R, l->ifindex[i], buf[i % 4], sizeof(buf[0]));
}

static void handshake(__u32 in_if, __u32 out_if, const char *in_mac, const char *out_mac)
{
	PKT(.ts = T0, .hook = FT_HOOK_XDP, .ifindex = in_if, .src = "10.0.1.5", .sport = 43210,
	    .dst = "10.0.0.2", .dport = 80, .tcp = FT_TCP_SYN, .mac = in_mac);
	PKT(.ts = T0 + 1 * MS, .hook = FT_HOOK_TC_EGRESS, .ifindex = out_if, .src = "10.0.0.2",
	    .sport = 80, .dst = "10.0.1.5", .dport = 43210, .tcp = FT_TCP_SYN | FT_TCP_ACK,
	    .mac = out_mac);
	PKT(.ts = T0 + 2 * MS, .hook = FT_HOOK_XDP, .ifindex = in_if, .src = "10.0.1.5",
	    .sport = 43210, .dst = "10.0.0.2", .dport = 80, .tcp = FT_TCP_ACK, .mac = in_mac);
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
	const struct ft_finding *f;

	handshake(ETH0, ETH1, MAC_R1, MAC_R2);
	now(T0 + 10 * SEC);
	f = find_kind(FT_KIND_RETURN_PATH_MISMATCH);
	cr_assert_not_null(f);
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
	const struct ft_finding *f;

	PKT(.ts = T0, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0, .src = "10.0.0.2", .sport = 5000,
	    .dst = "192.0.2.9", .dport = 443, .tcp = FT_TCP_SYN, .mac = MAC_R1);
	PKT(.ts = T0 + MS, .hook = FT_HOOK_XDP, .ifindex = ETH1, .src = "192.0.2.9", .sport = 443,
	    .dst = "10.0.0.2", .dport = 5000, .tcp = FT_TCP_SYN | FT_TCP_ACK, .mac = MAC_R2);
	now(T0 + 2 * SEC);
	f = find_kind(FT_KIND_RETURN_PATH_MISMATCH);
	cr_assert_not_null(f);
	cr_expect_str_eq(ifname(&f->req_out, 0), "eth0");
	cr_expect_str_eq(ifname(&f->rep_in, 0), "eth1");
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
}

static void forward(__u32 req_in, __u32 req_out, __u32 rep_in, __u32 rep_out)
{
	PKT(.ts = T0, .hook = FT_HOOK_XDP, .ifindex = req_in, .src = "10.1.0.5", .sport = 40000,
	    .dst = "10.2.0.7", .dport = 22, .tcp = FT_TCP_SYN, .mac = MAC_C);
	PKT(.ts = T0 + 10000, .hook = FT_HOOK_TC_EGRESS, .ifindex = req_out, .src = "10.1.0.5",
	    .sport = 40000, .dst = "10.2.0.7", .dport = 22, .tcp = FT_TCP_SYN, .mac = MAC_R1);
	PKT(.ts = T0 + MS, .hook = FT_HOOK_XDP, .ifindex = rep_in, .src = "10.2.0.7", .sport = 22,
	    .dst = "10.1.0.5", .dport = 40000, .tcp = FT_TCP_SYN | FT_TCP_ACK, .mac = MAC_R1);
	PKT(.ts = T0 + MS + 10000, .hook = FT_HOOK_TC_EGRESS, .ifindex = rep_out, .src = "10.2.0.7",
	    .sport = 22, .dst = "10.1.0.5", .dport = 40000, .tcp = FT_TCP_SYN | FT_TCP_ACK,
	    .mac = MAC_C);
}

Test(reduce_flows, forwarding_symmetric_is_clean)
{
	forward(ETH0, ETH1, ETH1, ETH0);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_flows, forwarding_reply_enters_elsewhere)
{
	const struct ft_finding *f;

	forward(ETH0, ETH1, ETH2, ETH0);
	now(T0 + 5 * SEC);
	f = find_kind(FT_KIND_RETURN_PATH_MISMATCH);
	cr_assert_not_null(f);
	cr_expect_str_eq(ifname(&f->req_in, 0), "eth0");
	cr_expect_str_eq(ifname(&f->req_out, 0), "eth1");
	cr_expect_str_eq(ifname(&f->rep_in, 0), "eth2");
	cr_expect_str_eq(ifname(&f->rep_out, 0), "eth0");
}

Test(reduce_flows, forwarding_reply_leaves_elsewhere)
{
	forward(ETH0, ETH1, ETH1, ETH2);
	now(T0 + 5 * SEC);
	cr_expect_not_null(find_kind(FT_KIND_RETURN_PATH_MISMATCH));
}

/* A bridge port and its bridge see the same packet microseconds apart:
 * one path, not two. */
Test(reduce_flows, stacked_devices_are_one_path)
{
	PKT(.ts = T0, .hook = FT_HOOK_XDP, .ifindex = ETH0, .src = "10.0.1.5", .sport = 43210,
	    .dst = "10.0.0.2", .dport = 80, .tcp = FT_TCP_SYN, .mac = MAC_C);
	PKT(.ts = T0 + 20000, .hook = FT_HOOK_TC_INGRESS, .ifindex = BR0, .src = "10.0.1.5",
	    .sport = 43210, .dst = "10.0.0.2", .dport = 80, .tcp = FT_TCP_SYN, .mac = MAC_C);
	PKT(.ts = T0 + MS, .hook = FT_HOOK_TC_EGRESS, .ifindex = BR0, .src = "10.0.0.2",
	    .sport = 80, .dst = "10.0.1.5", .dport = 43210, .tcp = FT_TCP_SYN | FT_TCP_ACK,
	    .mac = MAC_C);
	PKT(.ts = T0 + MS + 15000, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0, .src = "10.0.0.2",
	    .sport = 80, .dst = "10.0.1.5", .dport = 43210, .tcp = FT_TCP_SYN | FT_TCP_ACK,
	    .mac = MAC_C);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

/* Load balancer without SNAT, seen on the real server. */
Test(reduce_flows, reply_bypasses_the_balancer)
{
	const struct ft_finding *f;
	char m[FT_MAC_STRLEN];

	handshake(ETH0, ETH0, MAC_R1, MAC_C);
	now(T0 + 5 * SEC);
	f = find_kind(FT_KIND_NEXT_HOP_MISMATCH);
	cr_assert_not_null(f);
	cr_expect_eq(f->cls, FT_CLASS_NONE);
	cr_assert_eq(f->req_src.n, 1);
	cr_assert_eq(f->rep_dst.n, 1);
	cr_expect_str_eq(ft_fmt_mac(f->req_src.mac[0], m), MAC_R1);
	cr_expect_str_eq(ft_fmt_mac(f->rep_dst.mac[0], m), MAC_C);
	cr_expect_null(find_kind(FT_KIND_RETURN_PATH_MISMATCH));
}

Test(reduce_flows, vrrp_gateway_is_classified)
{
	const struct ft_finding *f;

	handshake(ETH0, ETH0, MAC_R1, MAC_VRRP);
	now(T0 + 5 * SEC);
	f = find_kind(FT_KIND_NEXT_HOP_MISMATCH);
	cr_assert_not_null(f);
	cr_expect_eq(f->cls, FT_CLASS_VRRP);
	cr_expect_eq(n_alarms(), 0, "a VRRP look-alike must not alarm");
}

Test(reduce_flows, client_side_next_hop_mismatch)
{
	const struct ft_finding *f;

	PKT(.ts = T0, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0, .src = "10.0.0.2", .sport = 5000,
	    .dst = "192.0.2.9", .dport = 443, .tcp = FT_TCP_SYN, .mac = MAC_R1);
	PKT(.ts = T0 + MS, .hook = FT_HOOK_XDP, .ifindex = ETH0, .src = "192.0.2.9", .sport = 443,
	    .dst = "10.0.0.2", .dport = 5000, .tcp = FT_TCP_SYN | FT_TCP_ACK, .mac = MAC_R2);
	now(T0 + 2 * SEC);
	f = find_kind(FT_KIND_NEXT_HOP_MISMATCH);
	cr_assert_not_null(f);
	cr_expect_eq(f->req_dst.n, 1);
	cr_expect_eq(f->rep_src.n, 1);
}

Test(reduce_flows, request_on_two_interfaces_is_multipath)
{
	const struct ft_finding *f;

	handshake(ETH0, ETH0, MAC_R1, MAC_R1);
	/* A second later the request direction arrives through eth1 (ECMP rehash). */
	PKT(.ts = T0 + SEC, .hook = FT_HOOK_XDP, .ifindex = ETH1, .src = "10.0.1.5", .sport = 43210,
	    .dst = "10.0.0.2", .dport = 80, .tcp = FT_TCP_ACK, .mac = MAC_R2);
	now(T0 + 5 * SEC);
	f = find_kind(FT_KIND_MULTIPATH);
	cr_assert_not_null(f);
	cr_expect_eq(f->multi_dir, 1);
	cr_expect_eq(f->req_in.n, 2);
}

/* Bond flapping: the same peer, first on one slave, later on the other. */
Test(reduce_flows, bond_flapping_is_multipath)
{
	handshake(ETH0, ETH0, MAC_R1, MAC_R1);
	PKT(.ts = T0 + 3 * SEC, .hook = FT_HOOK_XDP, .ifindex = ETH1, .src = "10.0.1.5",
	    .sport = 43210, .dst = "10.0.0.2", .dport = 80, .tcp = FT_TCP_ACK, .mac = MAC_R1);
	now(T0 + 5 * SEC);
	cr_expect_not_null(find_kind(FT_KIND_MULTIPATH));
}

Test(reduce_flows, new_peer_on_same_interface_is_not_multipath)
{
	handshake(ETH0, ETH0, MAC_R1, MAC_R1);
	PKT(.ts = T0 + SEC, .hook = FT_HOOK_XDP, .ifindex = ETH0, .src = "10.0.1.5", .sport = 43210,
	    .dst = "10.0.0.2", .dport = 80, .tcp = FT_TCP_ACK, .mac = MAC_R2);
	now(T0 + 5 * SEC);
	cr_expect_null(find_kind(FT_KIND_MULTIPATH));
}

static void lone_syn(void)
{
	PKT(.ts = T0, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0, .src = "10.0.0.2", .sport = 5000,
	    .dst = "192.0.2.9", .dport = 443, .tcp = FT_TCP_SYN, .mac = MAC_R1);
	PKT(.ts = T0 + SEC, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0, .src = "10.0.0.2",
	    .sport = 5000, .dst = "192.0.2.9", .dport = 443, .tcp = FT_TCP_SYN, .mac = MAC_R1);
}

Test(reduce_flows, syn_never_answered)
{
	const struct ft_finding *f;

	lone_syn();
	now(T0 + 3 * SEC);
	f = find_kind(FT_KIND_ONE_WAY);
	cr_assert_not_null(f);
	cr_expect_eq(f->reason, FT_OW_SYN);
	cr_expect_eq(f->pkts_req, 2);
	cr_expect_eq(f->pkts_rep, 0);
	cr_expect_eq(f->server_port, 443);
}

Test(reduce_flows, syn_within_grace_is_not_yet_one_way)
{
	lone_syn();
	now(T0 + 900 * MS);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
	/* The same trace, later: now it is. */
	now(T0 + 1100 * MS);
	cr_expect_not_null(find_kind(FT_KIND_ONE_WAY));
}

Test(reduce_flows, grace_time_is_tunable)
{
	struct ft_reduce_opts o = { .oneway_after_ns = 10 * SEC };

	teardown();
	setup_opts(&o);
	lone_syn();
	now(T0 + 5 * SEC);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
	now(T0 + 11 * SEC);
	cr_expect_not_null(find_kind(FT_KIND_ONE_WAY));
}

Test(reduce_flows, syn_answered_by_rst_is_not_one_way)
{
	lone_syn();
	PKT(.ts = T0 + MS, .hook = FT_HOOK_XDP, .ifindex = ETH0, .src = "192.0.2.9", .sport = 443,
	    .dst = "10.0.0.2", .dport = 5000, .tcp = FT_TCP_RST | FT_TCP_ACK, .mac = MAC_R1);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_flows, tcp_mid_stream_one_direction)
{
	const struct ft_finding *f;

	for (int i = 0; i < 5; i++)
		PKT(.ts = T0 + i * 100 * MS, .hook = FT_HOOK_XDP, .ifindex = ETH0, .src = "10.9.0.1",
		    .sport = 51000, .dst = "10.0.0.2", .dport = 8080, .tcp = FT_TCP_ACK,
		    .mac = MAC_R1);
	now(T0 + 3 * SEC);
	f = find_kind(FT_KIND_ONE_WAY);
	cr_assert_not_null(f);
	cr_expect_eq(f->reason, FT_OW_MIDSTREAM);
	cr_expect_eq(f->pkts_req, 5);
}

Test(reduce_flows, lone_rst_is_not_one_way)
{
	PKT(.ts = T0, .hook = FT_HOOK_XDP, .ifindex = ETH0, .src = "10.9.0.1", .sport = 51000,
	    .dst = "10.0.0.2", .dport = 8080, .tcp = FT_TCP_RST, .mac = MAC_R1);
	now(T0 + 3 * SEC);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
}

/* Only the server's half of a TCP flow was seen: the requests went around. */
Test(reduce_flows, reply_only_tcp)
{
	const struct ft_finding *f;

	for (int i = 0; i < 3; i++)
		PKT(.ts = T0 + i * MS, .hook = FT_HOOK_XDP, .ifindex = ETH0, .src = "10.9.0.1",
		    .sport = 443, .dst = "10.0.0.2", .dport = 51000, .tcp = FT_TCP_ACK,
		    .mac = MAC_R1);
	now(T0 + 3 * SEC);
	f = find_kind(FT_KIND_ONE_WAY);
	cr_assert_not_null(f);
	cr_expect_eq(f->reason, FT_OW_REPLY_ONLY);
	cr_expect_eq(f->server_port, 443, "the service port names the server");
	cr_expect_eq(f->pkts_rep, 3);
}

static void ping(bool answered)
{
	send_pkt(&(struct pkt){ .ts = T0, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH0,
				.src = "10.0.0.2", .dst = "10.0.0.9", .sport = 77, .dport = 77,
				.proto = 1, .icmp = 8, .mac = MAC_C });
	if (answered)
		send_pkt(&(struct pkt){ .ts = T0 + MS, .hook = FT_HOOK_XDP, .ifindex = ETH0,
					.src = "10.0.0.9", .dst = "10.0.0.2", .sport = 77,
					.dport = 77, .proto = 1, .icmp = 0, .mac = MAC_C });
}

Test(reduce_flows, echo_unanswered)
{
	const struct ft_finding *f;

	ping(false);
	now(T0 + 2 * SEC);
	f = find_kind(FT_KIND_ONE_WAY);
	cr_assert_not_null(f);
	cr_expect_eq(f->reason, FT_OW_ECHO);
	cr_expect_eq(f->client_port, 0, "ICMP has no ports");
}

Test(reduce_flows, echo_answered)
{
	ping(true);
	now(T0 + 2 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

static void udp(__u64 ts, const char *src, __u16 sport, const char *dst, __u16 dport, int n)
{
	for (int i = 0; i < n; i++)
		send_pkt(&(struct pkt){ .ts = ts + i * 10 * MS, .hook = FT_HOOK_TC_EGRESS,
					.ifindex = ETH0, .src = src, .sport = sport, .dst = dst,
					.dport = dport, .proto = 17, .mac = MAC_R1 });
}

Test(reduce_flows, dns_query_without_answer)
{
	const struct ft_finding *f;

	udp(T0, "10.0.0.2", 53124, "10.0.0.53", 53, 3);
	now(T0 + 5 * SEC);
	f = find_kind(FT_KIND_ONE_WAY);
	cr_assert_not_null(f);
	cr_expect_eq(f->reason, FT_OW_UDP);
	cr_expect_eq(f->proto, 17);
	cr_expect_eq(f->server_port, 53);
}

Test(reduce_flows, dns_query_answered)
{
	udp(T0, "10.0.0.2", 53124, "10.0.0.53", 53, 1);
	send_pkt(&(struct pkt){ .ts = T0 + MS, .hook = FT_HOOK_XDP, .ifindex = ETH0,
				.src = "10.0.0.53", .sport = 53, .dst = "10.0.0.2", .dport = 53124,
				.proto = 17, .mac = MAC_R1 });
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_flows, one_way_udp_streams_are_not_flagged)
{
	udp(T0, "10.0.0.2", 41000, "10.0.0.50", 514, 3);	/* syslog */
	udp(T0, "10.0.0.2", 41001, "10.0.0.50", 8125, 2);	/* statsd */
	udp(T0, "10.0.0.2", 41002, "10.0.0.50", 2055, 1);	/* NetFlow export */
	udp(T0, "10.0.0.2", 41003, "10.0.0.50", 9999, 50);	/* a busy custom stream */
	udp(T0, "10.0.0.2", 5353, "224.0.0.251", 5353, 2);	/* multicast */
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_flows, few_unanswered_packets_to_an_unknown_port_are_one_way)
{
	udp(T0, "10.0.0.2", 41003, "10.0.0.50", 9999, 4);
	now(T0 + 10 * SEC);
	cr_expect_not_null(find_kind(FT_KIND_ONE_WAY));
}

Test(reduce_flows, stream_ports_and_packet_limit_are_tunable)
{
	static const __u16 ports[] = { 9999, 0 };
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;

	o.oneway_udp_stream_ports = ports;
	o.oneway_udp_max_pkts = 2;
	teardown();
	setup_opts(&o);
	udp(T0, "10.0.0.2", 41003, "10.0.0.50", 9999, 1);	/* listed as a stream */
	udp(T0, "10.0.0.2", 41004, "10.0.0.50", 7777, 3);	/* more than 2 packets */
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 0);
	udp(T0, "10.0.0.2", 41005, "10.0.0.50", 7777, 2);
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 1);
}

static void icmp_error(__u64 ts, const char *src, __u16 sport, const char *dst, __u16 dport,
		       __u8 type, __u8 code, const char *from)
{
	struct ft_icmp_event e = { .type = FT_REC_ICMP_ERROR, .hook = FT_HOOK_XDP };
	struct pkt p = { .src = src, .dst = dst, .sport = sport, .dport = dport, .proto = 17 };

	e.side = canon(&p, &e.key);
	e.icmp_type = type;
	e.icmp_code = code;
	e.ifindex = ETH0;
	e.ts_ns = ts;
	e.family = ip_of(from, e.from);
	feed(&e, sizeof(e));
}

Test(reduce_flows, closed_port_carries_the_icmp_error)
{
	const struct ft_finding *f;
	char ip[FT_IP_STRLEN];

	/* Even a stream port: an unreachable means a failed exchange. */
	udp(T0, "10.0.0.2", 41000, "10.0.0.50", 514, 1);
	icmp_error(T0 + MS, "10.0.0.2", 41000, "10.0.0.50", 514, 3, 3, "10.0.0.50");
	icmp_error(T0 + 2 * MS, "10.0.0.2", 41000, "10.0.0.50", 514, 3, 3, "10.0.0.50");
	now(T0 + 5 * SEC);
	f = find_kind(FT_KIND_ONE_WAY);
	cr_assert_not_null(f);
	cr_expect_eq(f->reason, FT_OW_UDP);
	cr_assert_eq(f->n_icmp, 1, "the same error twice is one entry");
	cr_expect_eq(f->icmp[0].type, 3);
	cr_expect_eq(f->icmp[0].code, 3);
	cr_expect_str_eq(ft_fmt_ip(f->icmp[0].family, f->icmp[0].from, ip), "10.0.0.50");
}

Test(reduce_flows, traceroute_probes_are_not_one_way)
{
	for (int i = 0; i < 5; i++) {
		udp(T0 + i * MS, "10.0.0.2", 40000 + i, "198.51.100.7", 33434 + i, 1);
		icmp_error(T0 + i * MS + 100, "10.0.0.2", 40000 + i, "198.51.100.7", 33434 + i, 11,
			   0, "10.0.0.1");
	}
	now(T0 + 5 * SEC);
	cr_expect_null(find_kind(FT_KIND_ONE_WAY));
}

Test(reduce_flows, icmp_error_attached_to_mismatch)
{
	const struct ft_finding *f;
	struct ft_icmp_event e = { .type = FT_REC_ICMP_ERROR, .hook = FT_HOOK_XDP };
	struct pkt p = { .src = "10.0.0.2", .dst = "10.0.1.5", .sport = 80, .dport = 43210,
			 .proto = 6 };

	handshake(ETH0, ETH1, MAC_R1, MAC_R2);
	e.side = canon(&p, &e.key);
	e.icmp_type = 3;
	e.icmp_code = 4;	/* fragmentation needed */
	e.ts_ns = T0 + 3 * MS;
	e.family = ip_of("10.0.0.1", e.from);
	feed(&e, sizeof(e));
	now(T0 + 5 * SEC);
	f = find_kind(FT_KIND_RETURN_PATH_MISMATCH);
	cr_assert_not_null(f);
	cr_expect_eq(f->n_icmp, 1);
	cr_expect_eq(f->icmp[0].code, 4);
}

Test(reduce_flows, ipv6_mismatch)
{
	const struct ft_finding *f;
	char ip[FT_IP_STRLEN];

	PKT(.ts = T0, .hook = FT_HOOK_XDP, .ifindex = ETH0, .src = "2001:db8::5", .sport = 40000,
	    .dst = "2001:db8::2", .dport = 443, .tcp = FT_TCP_SYN, .mac = MAC_R1);
	PKT(.ts = T0 + MS, .hook = FT_HOOK_TC_EGRESS, .ifindex = ETH1, .src = "2001:db8::2",
	    .sport = 443, .dst = "2001:db8::5", .dport = 40000, .tcp = FT_TCP_SYN | FT_TCP_ACK,
	    .mac = MAC_R2);
	now(T0 + 5 * SEC);
	f = find_kind(FT_KIND_RETURN_PATH_MISMATCH);
	cr_assert_not_null(f);
	cr_expect_eq(f->family, FT_FAMILY_IPV6);
	cr_expect_str_eq(ft_fmt_ip(f->family, f->client_ip, ip), "2001:db8::5");
}

Test(reduce_flows, allow_list_classifies)
{
	static const char *const allow[] = { "10.0.1.0/24", NULL };
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;
	const struct ft_finding *f;

	o.allow = allow;
	teardown();
	setup_opts(&o);
	handshake(ETH0, ETH1, MAC_R1, MAC_R2);
	now(T0 + 5 * SEC);
	f = find_kind(FT_KIND_RETURN_PATH_MISMATCH);
	cr_assert_not_null(f);
	cr_expect_eq(f->cls, FT_CLASS_ALLOWED);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_flows, allow_list_by_mac)
{
	static const char *const allow[] = { "02-00-00-00-01-02", NULL };
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;

	o.allow = allow;
	teardown();
	setup_opts(&o);
	handshake(ETH0, ETH1, MAC_R1, MAC_R2);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_flows, bad_allow_entries_are_refused)
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

/* Past max_flows, healthy flows make room; unanswered ones are kept and
 * new flows are dropped, counted as lost. */
Test(reduce_flows, bounded_flow_table)
{
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;
	struct ft_summary s;
	int dropped = 0;

	o.max_flows = 4;
	teardown();
	setup_opts(&o);
	for (int i = 0; i < 8; i++) {	/* answered DNS: evictable */
		udp(T0, "10.0.0.2", 20000 + i, "10.0.0.53", 53, 1);
		send_pkt(&(struct pkt){ .ts = T0 + MS, .hook = FT_HOOK_XDP, .ifindex = ETH0,
					.src = "10.0.0.53", .sport = 53, .dst = "10.0.0.2",
					.dport = 20000 + i, .proto = 17, .mac = MAC_R1 });
	}
	cr_expect_eq(R->flows.evicted, 4);
	cr_expect_eq(ft_lost_events(R), 0);
	for (int i = 0; i < 6; i++) {	/* unanswered SYNs: kept */
		struct ft_flow_event e = { .type = FT_REC_FLOW_NEW, .hook = FT_HOOK_TC_EGRESS };
		struct pkt p = { .src = "10.0.0.2", .dst = "192.0.2.1", .sport = 30000 + i,
				 .dport = 80, .proto = 6 };

		e.side = canon(&p, &e.key);
		e.initiator = e.side;
		e.flags = FT_FLOW_INIT_SURE;
		e.tcp_flags = FT_TCP_SYN;
		e.ts_ns = T0 + 2 * MS;
		if (ft_reducer_feed(R, &e, sizeof(e)) == -ENOMEM)
			dropped++;
	}
	cr_expect_eq(dropped, 2);
	mark(T0 + 5 * SEC);
	ft_reducer_summary(R, &s);
	cr_expect_eq(s.by_kind[FT_KIND_ONE_WAY], 4);
	cr_expect_eq(s.lost_events, 2);
	cr_expect_eq(s.flows, 12);
}

/* Events lost in the kernel: the map's counters alone still tell. */
Test(reduce_flows, stats_without_events)
{
	struct ft_flow_stats_record s = { .type = FT_REC_FLOW_STATS, .ts_ns = T0 + 3 * SEC };
	struct pkt p = { .src = "10.0.0.2", .dst = "192.0.2.1", .sport = 30000, .dport = 80,
			 .proto = 6 };
	const struct ft_finding *f;
	__u8 side = canon(&p, &s.key);

	s.initiator = side;
	s.flags = FT_FLOW_INIT_SURE;
	s.side[side].pkts_out = 3;
	s.side[side].first_ns = T0;
	s.side[side].last_ns = T0 + 2 * SEC;
	s.side[side].tcp_flags = FT_TCP_SYN;
	feed(&s, sizeof(s));
	f = find_kind(FT_KIND_ONE_WAY);
	cr_assert_not_null(f);
	cr_expect_eq(f->reason, FT_OW_SYN);
	cr_expect_eq(f->pkts_req, 3);
	cr_expect_eq(f->req_out.n, 0, "no path events: interfaces unknown");
}

Test(reduce_flows, malformed_records_are_refused)
{
	struct ft_flow_event e = { .type = FT_REC_FLOW_NEW };
	__u8 junk[8] = { 200 };

	cr_expect_eq(ft_reducer_feed(R, &e, sizeof(e) - 1), -EINVAL);
	cr_expect_eq(ft_reducer_feed(R, junk, sizeof(junk)), -EINVAL);
	cr_expect_eq(ft_reducer_feed(R, NULL, 0), -EINVAL);
	cr_expect_eq(R->bad_records, 3);
}

Test(reduce_flows, kinds_are_named)
{
	cr_expect_str_eq(ft_finding_kind_name(FT_KIND_RETURN_PATH_MISMATCH),
			 "return_path_mismatch");
	cr_expect_str_eq(ft_finding_kind_name(FT_KIND_MAC_CHANGED), "mac_changed");
	cr_expect_null(ft_finding_kind_name(FT_KIND_MAX));
	cr_expect(ft_finding_kind_is_asymmetry(FT_KIND_ONE_WAY));
	cr_expect_not(ft_finding_kind_is_asymmetry(FT_KIND_DUPLICATE_IP));
}
