// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One line per event:
 *   TIME HOOK IFACE DIR WHAT DETAILS
 * e.g.
 *   10:00:01.123456 xdp       veth0 in  new  tcp 10.0.0.1:43210 > 10.0.0.2:80 [S] \
 *       02:00:00:00:00:01 > 02:00:00:00:00:02
 */
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "common/format.h"
#include "common/names.h"
#include "render/events.h"

#define MAX_NAMES 1024

struct ft_event_printer {
	FILE *out;
	__s64 mono_to_wall_ns;
	size_t n_names;
	struct {
		__u32 ifindex;
		char name[FT_IFNAMSIZ];
	} names[MAX_NAMES];
};

struct ft_event_printer *ft_event_printer_new(FILE *out, __s64 mono_to_wall_ns)
{
	struct ft_event_printer *p = calloc(1, sizeof(*p));

	if (p) {
		p->out = out;
		p->mono_to_wall_ns = mono_to_wall_ns;
	}
	return p;
}

void ft_event_printer_free(struct ft_event_printer *p)
{
	free(p);
}

static const char *ifname(struct ft_event_printer *p, __u32 ifindex, char buf[16])
{
	for (size_t i = 0; i < p->n_names; i++)
		if (p->names[i].ifindex == ifindex)
			return p->names[i].name;
	snprintf(buf, 16, "if%u", ifindex);
	return buf;
}

static void remember_iface(struct ft_event_printer *p, const struct ft_iface_record *r)
{
	size_t i;

	for (i = 0; i < p->n_names; i++)
		if (p->names[i].ifindex == r->ifindex)
			break;
	if (i == MAX_NAMES)
		return;
	if (i == p->n_names)
		p->n_names++;
	p->names[i].ifindex = r->ifindex;
	memcpy(p->names[i].name, r->name, FT_IFNAMSIZ);
	p->names[i].name[FT_IFNAMSIZ - 1] = '\0';
}

static void tcp_flags_str(__u8 f, char buf[8])
{
	char *s = buf;

	if (f & FT_TCP_SYN)
		*s++ = 'S';
	if (f & FT_TCP_FIN)
		*s++ = 'F';
	if (f & FT_TCP_RST)
		*s++ = 'R';
	if (f & FT_TCP_ACK)
		*s++ = '.';
	*s = '\0';
}

/* "tcp 10.0.0.1:43210 > 10.0.0.2:80" for the packet sent by side. */
static void flow_str(const struct ft_flow_key *k, __u8 side, char *buf, size_t len)
{
	char a[FT_IP_STRLEN], b[FT_IP_STRLEN], pr[8];
	const __u8 *src = side == FT_SIDE_A ? k->addr_a : k->addr_b;
	const __u8 *dst = side == FT_SIDE_A ? k->addr_b : k->addr_a;
	__u16 sport = side == FT_SIDE_A ? k->port_a : k->port_b;
	__u16 dport = side == FT_SIDE_A ? k->port_b : k->port_a;
	int v6 = k->family == FT_FAMILY_IPV6;

	snprintf(buf, len, "%s %s%s%s:%u > %s%s%s:%u", ft_fmt_proto(k->proto, pr), v6 ? "[" : "",
		 ft_fmt_ip(k->family, src, a), v6 ? "]" : "", sport, v6 ? "[" : "",
		 ft_fmt_ip(k->family, dst, b), v6 ? "]" : "", dport);
}

static void print_prefix(struct ft_event_printer *p, __u64 ts, const char *hook, __u32 ifindex,
			 const char *dir)
{
	char t[FT_TIME_STRLEN], nb[16];

	fprintf(p->out, "%s %-10s %-10s %-3s ", ft_fmt_clock(ts, p->mono_to_wall_ns, t), hook,
		ifname(p, ifindex, nb), dir);
}

static void print_flow(struct ft_event_printer *p, const struct ft_flow_event *e)
{
	static const char *const what[] = { [FT_REC_FLOW_NEW] = "new",
					    [FT_REC_FLOW_PATH] = "path",
					    [FT_REC_FLOW_END] = "end" };
	char flow[160], fl[8], sm[FT_MAC_STRLEN], dm[FT_MAC_STRLEN];

	print_prefix(p, e->ts_ns, ft_hook_name(e->hook), e->ifindex,
		     FT_HOOK_IS_INGRESS(e->hook) ? "in" : "out");
	flow_str(&e->key, e->side, flow, sizeof(flow));
	tcp_flags_str(e->tcp_flags, fl);
	fprintf(p->out, "%-4s %s%s%s%s %s > %s%s len %u", what[e->type], flow, *fl ? " [" : "", fl,
		*fl ? "]" : "", ft_fmt_mac(e->src_mac, sm), ft_fmt_mac(e->dst_mac, dm),
		e->side == e->initiator ? " request" : " reply", e->pkt_len);
	if (e->vlan)
		fprintf(p->out, " vlan %u", e->vlan);
	fputc('\n', p->out);
}

static void print_icmp(struct ft_event_printer *p, const struct ft_icmp_event *e)
{
	char flow[160], from[FT_IP_STRLEN];

	print_prefix(p, e->ts_ns, ft_hook_name(e->hook), e->ifindex,
		     FT_HOOK_IS_INGRESS(e->hook) ? "in" : "out");
	flow_str(&e->key, e->side, flow, sizeof(flow));
	fprintf(p->out, "icmp-error type %u code %u from %s for %s\n", e->icmp_type, e->icmp_code,
		ft_fmt_ip(e->family, e->from, from), flow);
}

static void print_arp(struct ft_event_printer *p, const struct ft_arp_event *e)
{
	char sip[FT_IP_STRLEN], tip[FT_IP_STRLEN], sm[FT_MAC_STRLEN], es[FT_MAC_STRLEN],
		ed[FT_MAC_STRLEN];
	const char *op = e->op == FT_ARP_REQUEST ? "arp-request"
			 : e->op == FT_ARP_REPLY ? "arp-reply"
			 : e->op == FT_NDP_NS	 ? "ndp-ns"
						 : "ndp-na";

	print_prefix(p, e->ts_ns, ft_hook_name(e->hook), e->ifindex,
		     FT_HOOK_IS_INGRESS(e->hook) ? "in" : "out");
	ft_fmt_ip(e->family, e->sender_ip, sip);
	ft_fmt_ip(e->family, e->target_ip, tip);
	ft_fmt_mac(e->sender_mac, sm);
	if (e->op == FT_ARP_REQUEST || e->op == FT_NDP_NS)
		fprintf(p->out, "%s who-has %s tell %s (%s)", op, tip, sip, sm);
	else if (e->op == FT_ARP_REPLY)
		fprintf(p->out, "%s %s is-at %s", op, sip, sm);
	else
		fprintf(p->out, "%s %s is-at %s", op, tip, sm);
	fprintf(p->out, " eth %s > %s", ft_fmt_mac(e->eth_src, es), ft_fmt_mac(e->eth_dst, ed));
	if (e->flags & FT_ARP_GRATUITOUS)
		fputs(" gratuitous", p->out);
	if (e->flags & FT_ARP_PROBE)
		fputs(" probe", p->out);
	if (e->flags & FT_NA_ROUTER)
		fputs(" router", p->out);
	if (e->flags & FT_NA_SOLICITED)
		fputs(" solicited", p->out);
	if (e->flags & FT_NA_OVERRIDE)
		fputs(" override", p->out);
	if (e->vlan)
		fprintf(p->out, " vlan %u", e->vlan);
	if (e->repeats)
		fprintf(p->out, " (+%u repeats)", e->repeats);
	fputc('\n', p->out);
}

static const char *nud_str(__u16 s)
{
	/* Most significant state wins. */
	static const struct { __u16 bit; const char *name; } states[] = {
		{ FT_NUD_PERMANENT, "PERMANENT" }, { FT_NUD_NOARP, "NOARP" },
		{ FT_NUD_FAILED, "FAILED" },	   { FT_NUD_PROBE, "PROBE" },
		{ FT_NUD_DELAY, "DELAY" },	   { FT_NUD_STALE, "STALE" },
		{ FT_NUD_REACHABLE, "REACHABLE" }, { FT_NUD_INCOMPLETE, "INCOMPLETE" },
	};

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (s & states[i].bit)
			return states[i].name;
	return "NONE";
}

static void print_neigh(struct ft_event_printer *p, const struct ft_neigh_event *e)
{
	char ip[FT_IP_STRLEN], om[FT_MAC_STRLEN], nm[FT_MAC_STRLEN];

	print_prefix(p, e->ts_ns, "neigh", e->ifindex, "-");
	fprintf(p->out, "neigh %s %s > %s %s > %s\n", ft_fmt_ip(e->family, e->ip, ip),
		ft_fmt_mac(e->old_mac, om), ft_fmt_mac(e->new_mac, nm), nud_str(e->old_state),
		nud_str(e->new_state));
}

static void print_drop(struct ft_event_printer *p, const struct ft_drop_event *e)
{
	char flow[160];

	print_prefix(p, e->ts_ns, "kfree_skb", e->ifindex, "in");
	flow_str(&e->key, e->side, flow, sizeof(flow));
	fprintf(p->out, "drop %s by %s\n", flow,
		ft_drop_reason_name(e->reason));
}

static void print_neigh_drop(struct ft_event_printer *p, const struct ft_neigh_drop_event *e)
{
	char flow[160], nh[FT_IP_STRLEN];

	print_prefix(p, e->ts_ns, "kfree_skb", e->ifindex, "out");
	flow_str(&e->key, e->side, flow, sizeof(flow));
	fprintf(p->out, "drop %s by %s via %s x%u\n", flow, ft_drop_reason_name(e->reason),
		e->nh_family ? ft_fmt_ip(e->nh_family, e->nexthop, nh) : "?", e->count);
}

static void print_iface(struct ft_event_printer *p, const struct ft_iface_record *r)
{
	char mac[FT_MAC_STRLEN];

	print_prefix(p, r->ts_ns, "-", r->ifindex, "-");
	fprintf(p->out, "iface %s ifindex %u mac %s%s%s%s\n", r->removed ? "gone" : "traced",
		r->ifindex, ft_fmt_mac(r->mac, mac),
		r->hooks & FT_HOOKBIT(FT_HOOK_XDP) ? " xdp" : "",
		r->hooks & FT_HOOKBIT(FT_HOOK_TC_INGRESS) ? " tc_ingress" : "",
		r->hooks & FT_HOOKBIT(FT_HOOK_TC_EGRESS) ? " tc_egress" : "");
}

void ft_event_print(struct ft_event_printer *p, const void *rec, size_t len)
{
	__u8 type = *(const __u8 *)rec;

	if (len != ft_record_size(type))
		return;
	switch (type) {
	case FT_REC_FLOW_NEW:
	case FT_REC_FLOW_PATH:
	case FT_REC_FLOW_END:
		print_flow(p, rec);
		break;
	case FT_REC_ICMP_ERROR:
		print_icmp(p, rec);
		break;
	case FT_REC_ARP:
		print_arp(p, rec);
		break;
	case FT_REC_NEIGH:
		print_neigh(p, rec);
		break;
	case FT_REC_DROP:
		print_drop(p, rec);
		break;
	case FT_REC_NEIGH_DROP:
		print_neigh_drop(p, rec);
		break;
	case FT_REC_IFACE:
		remember_iface(p, rec);
		print_iface(p, rec);
		break;
	}
}
