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

enum { ETH0 = 2, ETH1 = 3, ETH2 = 4, BR0 = 5 };

#define MAC_R1 "02:00:00:00:01:01" /* router / load balancer */
#define MAC_R2 "02:00:00:00:01:02" /* another router */
#define MAC_C "02:00:00:00:0c:0c"  /* the client on the LAN */
#define MAC_VRRP "00:00:5e:00:01:07"

#define SYNACK (FT_TCP_SYN | FT_TCP_ACK)
#define IN FT_HOOK_XDP
#define OUT FT_HOOK_TC_EGRESS

struct pkt {
	__u64 ts;
	__u8 hook;
	__u32 ifindex;
	const char *src, *dst;
	__u16 sport, dport;
	__u8 proto;
	__u8 tcp;	 /* TCP flags */
	__u8 icmp;	 /* ICMP type for echo flows */
	const char *mac; /* the L2 peer: source at ingress, destination at egress */
};

struct emu_flow {
	struct ft_flow_key key;
	__u8 initiator, flags;
	struct emu_path {
		__u8 hook;
		__u32 ifindex;
		__u8 mac[6];
	} paths[2][16];
	int n_paths[2];
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
	cr_assert_eq(ft_reducer_feed(R, rec, len), 0, "feeding record type %u", *(const __u8 *)rec);
}

static void iface(__u32 ifindex, const char *name, const char *mac)
{
	struct ft_iface_record rec = { .type = FT_REC_IFACE, .ifindex = ifindex, .ts_ns = T0 };

	rec.hooks = FT_HOOKBIT(FT_HOOK_XDP) | FT_HOOKBIT(FT_HOOK_TC_EGRESS);
	mac_of(mac, rec.mac);
	snprintf(rec.name, sizeof(rec.name), "%.15s", name);
	feed(&rec, sizeof(rec));
}

static void setup_opts(const struct ft_reduce_opts *o)
{
	struct ft_reduce_opts def = FT_REDUCE_OPTS_DEFAULT;

	R = ft_reducer_new(o ? o : &def);
	cr_assert_not_null(R);
	n_emu = 0;
	memset(emu, 0, sizeof(emu));
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
	bool first;
	int c;

	memset(k, 0, sizeof(*k));
	k->family = ip_of(p->src, s);
	ip_of(p->dst, d);
	k->proto = p->proto;
	c = memcmp(s, d, 16);
	first = c < 0 || (c == 0 && p->sport <= p->dport);
	memcpy(k->addr_a, first ? s : d, 16);
	memcpy(k->addr_b, first ? d : s, 16);
	k->port_a = first ? p->sport : p->dport;
	k->port_b = first ? p->dport : p->sport;
	return first ? FT_SIDE_A : FT_SIDE_B;
}

static void emit(__u8 type, const struct pkt *p, const struct emu_flow *f, __u8 side,
		 const __u8 *mac)
{
	struct ft_flow_event e = { .type = type, .hook = p->hook, .side = side };

	e.initiator = f->initiator;
	e.ifindex = p->ifindex;
	e.ts_ns = p->ts;
	e.key = f->key;
	memcpy(FT_HOOK_IS_INGRESS(p->hook) ? e.src_mac : e.dst_mac, mac, 6);
	e.tcp_flags = p->tcp;
	e.flags = f->flags;
	feed(&e, sizeof(e));
}

static void send_pkt(const struct pkt *p)
{
	struct ft_flow_key k;
	struct emu_flow *f = NULL;
	__u8 side = canon(p, &k), mac[6];
	struct ft_side_stats *ss;
	struct emu_path path;
	bool fresh = false, newpath = true, syn, echo;

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
		/* A SYN or an echo says who started, as in the kernel. */
		syn = p->proto == 6 && (p->tcp & FT_TCP_SYN);
		echo = p->proto == 1 && (p->icmp == 8 || p->icmp == 0);
		if (syn)
			f->initiator = (p->tcp & FT_TCP_ACK) ? side ^ 1 : side;
		if (echo)
			f->initiator = p->icmp == 8 ? side : side ^ 1;
		f->flags = syn || echo ? FT_FLOW_INIT_SURE : 0;
	}
	memset(&path, 0, sizeof(path));
	path.hook = p->hook;
	path.ifindex = p->ifindex;
	memcpy(path.mac, mac, 6);
	for (int i = 0; i < f->n_paths[side]; i++)
		newpath &= !!memcmp(&f->paths[side][i], &path, sizeof(path));
	if (newpath)
		f->paths[side][f->n_paths[side]++] = path;
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

static void tcp(__u64 ts, __u8 hook, __u32 ifindex, const char *src, __u16 sport, const char *dst,
		__u16 dport, __u8 flags, const char *mac)
{
	struct pkt p = { .ts = ts, .hook = hook, .ifindex = ifindex, .src = src, .dst = dst };

	p.sport = sport;
	p.dport = dport;
	p.proto = 6;
	p.tcp = flags;
	p.mac = mac;
	send_pkt(&p);
}

/* Only the "now" marker, no map read. */
static void mark(__u64 ts)
{
	struct ft_counters_record c = { .type = FT_REC_COUNTERS, .ts_ns = ts };

	feed(&c, sizeof(c));
}

/* The consumer's batch read of the flow map, then the "now" marker. */
static void now(__u64 ts)
{
	for (int i = 0; i < n_emu; i++) {
		struct ft_flow_stats_record s = { .type = FT_REC_FLOW_STATS, .ts_ns = ts };

		s.initiator = emu[i].initiator;
		s.flags = emu[i].flags;
		s.key = emu[i].key;
		memcpy(s.side, emu[i].st, sizeof(s.side));
		feed(&s, sizeof(s));
	}
	mark(ts);
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

/* The first finding of a kind, which must exist. */
static const struct ft_finding *found(unsigned int kind)
{
	const struct ft_finding *f = find_kind(kind);

	cr_assert_not_null(f, "no %s finding", ft_finding_kind_name(kind));
	return f;
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

/* The standard flow: client 10.0.1.5:43210 -> server 10.0.0.2:80. */
static void req(__u64 ts, __u8 hook, __u32 ifindex, __u8 flags, const char *mac)
{
	tcp(ts, hook, ifindex, "10.0.1.5", 43210, "10.0.0.2", 80, flags, mac);
}

static void rep(__u64 ts, __u8 hook, __u32 ifindex, __u8 flags, const char *mac)
{
	tcp(ts, hook, ifindex, "10.0.0.2", 80, "10.0.1.5", 43210, flags, mac);
}

static void handshake(__u32 in_if, __u32 out_if, const char *in_mac, const char *out_mac)
{
	req(T0, IN, in_if, FT_TCP_SYN, in_mac);
	rep(T0 + MS, OUT, out_if, SYNACK, out_mac);
	req(T0 + 2 * MS, IN, in_if, FT_TCP_ACK, in_mac);
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

	ft_finding_hint(R, found(FT_KIND_RETURN_PATH_MISMATCH), NULL, hint, sizeof(hint));
	cr_expect_not_null(strstr(hint, "never completed"), "%s", hint);
	tcp(T0 + 2 * MS, OUT, ETH0, "10.0.0.2", 5000, "192.0.2.9", 443, FT_TCP_ACK, MAC_R1);
	now(T0 + 3 * SEC);
	ft_finding_hint(R, found(FT_KIND_RETURN_PATH_MISMATCH), NULL, hint, sizeof(hint));
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
		teardown();
		setup();
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

static void lone_syn(void)
{
	tcp(T0, OUT, ETH0, "10.0.0.2", 5000, "192.0.2.9", 443, FT_TCP_SYN, MAC_R1);
	tcp(T0 + SEC, OUT, ETH0, "10.0.0.2", 5000, "192.0.2.9", 443, FT_TCP_SYN, MAC_R1);
}

/* A SYN and its retransmit, never answered: one_way once the grace time
 * (1 s by default) has passed since the first. */
Test(reduce_flows, syn_never_answered)
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
	tcp(T0 + MS, IN, ETH0, "192.0.2.9", 443, "10.0.0.2", 5000, FT_TCP_RST | FT_TCP_ACK, MAC_R1);
	/* A lone RST from elsewhere answers a stray packet: not a flow. */
	tcp(T0, IN, ETH0, "10.9.0.1", 51000, "10.0.0.2", 8080, FT_TCP_RST, MAC_R1);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
}

Test(reduce_flows, tcp_mid_stream_one_direction)
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
Test(reduce_flows, reply_only_tcp)
{
	for (int i = 0; i < 3; i++)
		tcp(T0 + i * MS, IN, ETH0, "10.9.0.1", 443, "10.0.0.2", 51000, FT_TCP_ACK, MAC_R1);
	now(T0 + 3 * SEC);
	const struct ft_finding *f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_REPLY_ONLY);
	cr_expect_eq(f->server_port, 443, "the service port names the server");
	cr_expect_eq(f->pkts_rep, 3);
}

static void ping(const char *dst, bool answered)
{
	send_pkt(&(struct pkt){ .ts = T0,
				.hook = OUT,
				.ifindex = ETH0,
				.src = "10.0.0.2",
				.dst = dst,
				.sport = 77,
				.dport = 77,
				.proto = 1,
				.icmp = 8,
				.mac = MAC_C });
	if (answered)
		send_pkt(&(struct pkt){ .ts = T0 + MS,
					.hook = IN,
					.ifindex = ETH0,
					.src = dst,
					.dst = "10.0.0.2",
					.sport = 77,
					.dport = 77,
					.proto = 1,
					.icmp = 0,
					.mac = MAC_C });
}

/* An unanswered ping beside an answered one: only the first is one_way. */
Test(reduce_flows, echo_unanswered)
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

static void udp(__u64 ts, const char *src, __u16 sport, const char *dst, __u16 dport, int n)
{
	for (int i = 0; i < n; i++)
		send_pkt(&(struct pkt){ .ts = ts + i * 10 * MS,
					.hook = FT_HOOK_TC_EGRESS,
					.ifindex = ETH0,
					.src = src,
					.sport = sport,
					.dst = dst,
					.dport = dport,
					.proto = 17,
					.mac = MAC_R1 });
}

/* An unanswered DNS query beside an answered one. */
Test(reduce_flows, dns_query_without_answer)
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
Test(reduce_flows, one_way_udp_streams_are_not_flagged)
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

Test(reduce_flows, stream_ports_and_packet_limit_are_tunable)
{
	static const __u16 ports[] = { 9999, 0 };
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;

	o.oneway_udp_stream_ports = ports;
	o.oneway_udp_max_pkts = 2;
	teardown();
	setup_opts(&o);
	udp(T0, "10.0.0.2", 41003, "10.0.0.50", 9999, 1); /* listed as a stream */
	udp(T0, "10.0.0.2", 41004, "10.0.0.50", 7777, 3); /* more than 2 packets */
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 0);
	udp(T0, "10.0.0.2", 41005, "10.0.0.50", 7777, 2);
	now(T0 + 10 * SEC);
	cr_expect_eq(n_alarms(), 1);
}

/* An ICMP error quoting a UDP packet (TCP when the port is 80). */
static void icmp_error(__u64 ts, const char *src, __u16 sport, const char *dst, __u16 dport,
		       __u8 type, __u8 code, const char *from)
{
	struct ft_icmp_event e = { .type = FT_REC_ICMP_ERROR, .hook = FT_HOOK_XDP };
	struct pkt p = { .src = src,
			 .dst = dst,
			 .sport = sport,
			 .dport = dport,
			 .proto = sport == 80 ? 6 : 17 };

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
	teardown();
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
	teardown();
	setup_opts(&o);
	handshake(ETH0, ETH1, MAC_R1, MAC_R2);
	now(T0 + 5 * SEC);
	cr_expect_eq(n_alarms(), 0);
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
	for (int i = 0; i < 6; i++) { /* unanswered SYNs: kept */
		struct ft_flow_event e = { .type = FT_REC_FLOW_NEW, .hook = FT_HOOK_TC_EGRESS };
		struct pkt p = { .src = "10.0.0.2",
				 .dst = "192.0.2.1",
				 .sport = 30000 + i,
				 .dport = 80,
				 .proto = 6 };

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
	struct pkt p = {
		.src = "10.0.0.2", .dst = "192.0.2.1", .sport = 30000, .dport = 80, .proto = 6
	};
	__u8 side = canon(&p, &s.key);

	s.initiator = side;
	s.flags = FT_FLOW_INIT_SURE;
	s.side[side].pkts_out = 3;
	s.side[side].first_ns = T0;
	s.side[side].last_ns = T0 + 2 * SEC;
	s.side[side].tcp_flags = FT_TCP_SYN;
	feed(&s, sizeof(s));
	const struct ft_finding *f = found(FT_KIND_ONE_WAY);
	cr_expect_eq(f->reason, FT_OW_SYN);
	cr_expect_eq(f->pkts_req, 3);
	cr_expect_eq(f->req_out.n, 0, "no path events: interfaces unknown");
}
