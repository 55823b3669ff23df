// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Synthetic traffic for the asymmetry reducer's tests (reduce_flows_emu.h). */
#include <criterion/criterion.h>
#include <string.h>
#include <arpa/inet.h>
#include "lib/reduce_flows_emu.h"
#include "lib/records.h"

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

struct ft_reducer *R;
struct ft_findings FS;
static struct emu_flow emu[64];
static int n_emu;

void emu_feed(const void *rec, size_t len)
{
	cr_assert_eq(ft_reducer_feed(R, rec, len), 0, "feeding record type %u", *(const __u8 *)rec);
}

static void iface(__u32 ifindex, const char *name, const char *mac)
{
	struct ft_iface_record rec = { .type = FT_REC_IFACE, .ifindex = ifindex, .ts_ns = T0 };

	rec.hooks = FT_HOOKBIT(FT_HOOK_XDP) | FT_HOOKBIT(FT_HOOK_TC_EGRESS);
	rec_mac(mac, rec.mac);
	snprintf(rec.name, sizeof(rec.name), "%.15s", name);
	emu_feed(&rec, sizeof(rec));
}

void emu_setup_opts(const struct ft_reduce_opts *o)
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

void emu_setup(void)
{
	emu_setup_opts(NULL);
}

void emu_teardown(void)
{
	ft_findings_free(&FS);
	ft_reducer_free(R);
	R = NULL;
}

/* The kernel's canonical key: any consistent order will do for us. */
__u8 emu_canon(const struct pkt *p, struct ft_flow_key *k)
{
	__u8 s[16], d[16];
	bool first;
	int c;

	memset(k, 0, sizeof(*k));
	k->family = rec_ip(p->src, s);
	rec_ip(p->dst, d);
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
	if (FT_HOOK_IS_INGRESS(p->hook) && p->l2dst)
		rec_mac(p->l2dst, e.dst_mac);
	e.tcp_flags = p->tcp;
	e.flags = f->flags;
	emu_feed(&e, sizeof(e));
}

void send_pkt(const struct pkt *p)
{
	struct ft_flow_key k;
	struct emu_flow *f = NULL;
	__u8 side = emu_canon(p, &k), mac[6];
	struct ft_side_stats *ss;
	struct emu_path path;
	bool fresh = false, newpath = true, syn, echo;

	rec_mac(p->mac, mac);
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
	/* Like the kernel: a group destination MAC is looked at on news. */
	if (fresh || newpath) {
		__u8 l2dst[6] = { 0 };

		if (!FT_HOOK_IS_INGRESS(p->hook))
			memcpy(l2dst, mac, 6);
		else if (p->l2dst)
			rec_mac(p->l2dst, l2dst);
		if (l2dst[0] & 1)
			f->flags |= FT_FLOW_L2_GROUP;
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

void tcp(__u64 ts, __u8 hook, __u32 ifindex, const char *src, __u16 sport, const char *dst,
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

void udp(__u64 ts, const char *src, __u16 sport, const char *dst, __u16 dport, int n)
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

void ping(const char *dst, bool answered)
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

void icmp_error(__u64 ts, const char *src, __u16 sport, const char *dst, __u16 dport, __u8 type,
		__u8 code, const char *from)
{
	struct ft_icmp_event e = { .type = FT_REC_ICMP_ERROR, .hook = FT_HOOK_XDP };
	struct pkt p = { .src = src,
			 .dst = dst,
			 .sport = sport,
			 .dport = dport,
			 .proto = sport == 80 ? 6 : 17 };

	e.side = emu_canon(&p, &e.key);
	e.icmp_type = type;
	e.icmp_code = code;
	e.ifindex = ETH0;
	e.ts_ns = ts;
	e.family = rec_ip(from, e.from);
	emu_feed(&e, sizeof(e));
}

void drop(__u64 ts, __u8 reason, __u32 ifindex, __u8 proto, const char *src, __u16 sport,
	  const char *dst, __u16 dport)
{
	struct ft_drop_event e = { .type = FT_REC_DROP, .reason = reason, .ifindex = ifindex };
	struct pkt p = { .src = src, .dst = dst, .sport = sport, .dport = dport, .proto = proto };

	e.side = emu_canon(&p, &e.key);
	e.ts_ns = ts;
	/* Like the kernel: every drop is counted in the flow's map entry. */
	for (int i = 0; i < n_emu; i++)
		if (!memcmp(&emu[i].key, &e.key, sizeof(e.key)))
			emu[i].st[e.side].drops++;
	emu_feed(&e, sizeof(e));
}

void mark(__u64 ts)
{
	struct ft_counters_record c = { .type = FT_REC_COUNTERS, .ts_ns = ts };

	emu_feed(&c, sizeof(c));
}

void now(__u64 ts)
{
	for (int i = 0; i < n_emu; i++) {
		struct ft_flow_stats_record s = { .type = FT_REC_FLOW_STATS, .ts_ns = ts };

		s.initiator = emu[i].initiator;
		s.flags = emu[i].flags;
		s.key = emu[i].key;
		memcpy(s.side, emu[i].st, sizeof(s.side));
		emu_feed(&s, sizeof(s));
	}
	mark(ts);
}

const struct ft_finding *find_kind(unsigned int kind)
{
	ft_findings_free(&FS);
	cr_assert_eq(ft_findings_collect(R, &FS, true), 0);
	for (size_t i = 0; i < FS.n; i++)
		if (FS.v[i].kind == kind)
			return &FS.v[i];
	return NULL;
}

const struct ft_finding *found(unsigned int kind)
{
	const struct ft_finding *f = find_kind(kind);

	cr_assert_not_null(f, "no %s finding", ft_kind_name(kind));
	return f;
}

__u32 n_alarms(void)
{
	struct ft_report rep;
	__u32 n = 0;

	cr_assert_eq(ft_reducer_report(R, &rep, false), 0);
	for (unsigned int k = 0; k < FT_KIND_MAX; k++)
		n += rep.findings.per_kind[k];
	ft_report_free(&rep);
	return n;
}

const char *ifname(const struct ft_iflist *l, int i)
{
	static char buf[4][32];

	cr_assert_lt((__u32)i, l->n);
	return ft_iftable_name(&R->ifaces, l->ifindex[i], buf[i % 4], sizeof(buf[0]));
}

void req(__u64 ts, __u8 hook, __u32 ifindex, __u8 flags, const char *mac)
{
	tcp(ts, hook, ifindex, "10.0.1.5", 43210, "10.0.0.2", 80, flags, mac);
}

void rep(__u64 ts, __u8 hook, __u32 ifindex, __u8 flags, const char *mac)
{
	tcp(ts, hook, ifindex, "10.0.0.2", 80, "10.0.1.5", 43210, flags, mac);
}

void handshake(__u32 in_if, __u32 out_if, const char *in_mac, const char *out_mac)
{
	req(T0, IN, in_if, FT_TCP_SYN, in_mac);
	rep(T0 + MS, OUT, out_if, SYNACK, out_mac);
	req(T0 + 2 * MS, IN, in_if, FT_TCP_ACK, in_mac);
}
