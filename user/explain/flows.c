// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The hints of the asymmetry findings: the likely cause in one sentence,
 * with the route and the sysctls of the traced host: read from it live,
 * from the trace's recorded facts in a replay (never from the replaying
 * host: those facts would be its own, not the traced one's).
 */
#include <stdio.h>
#include <string.h>
#include "common/format.h"
#include "explain/explain.h"
#include "explain/hostfacts.h"

#define IPPROTO_TCP_ 6
#define SYNACK (FT_TCP_SYN | FT_TCP_ACK)

static void merge_if(struct ft_iflist *dst, const struct ft_iflist *src)
{
	for (__u32 i = 0; i < src->n; i++)
		ft_iflist_add(dst, src->ifindex[i]);
}

static const char *icmp_name(const struct ft_icmp_note *n)
{
	if (n->family == FT_FAMILY_IPV6) {
		switch (n->type) {
		case 1:
			return n->code == 4   ? "port unreachable"
			       : n->code == 1 ? "administratively prohibited"
					      : "destination unreachable";
		case 2:
			return "packet too big";
		case 3:
			return "time exceeded";
		}
		return "error";
	}
	switch (n->type) {
	case 3:
		switch (n->code) {
		case 0:
			return "net unreachable";
		case 1:
			return "host unreachable";
		case 3:
			return "port unreachable";
		case 4:
			return "fragmentation needed";
		case 9:
		case 10:
		case 13:
			return "administratively prohibited";
		}
		return "destination unreachable";
	case 11:
		return "time exceeded";
	case 12:
		return "parameter problem";
	}
	return "error";
}

/* ' (route to X: "R"; rp_filter ...)' or the no-facts notice. */
static void facts_tail(const struct ft_iftable *itab, const struct ft_finding *f,
		       struct ft_facts *live, const __u8 *dst, const __u8 *src, __u32 iif,
		       const struct ft_iflist *rp_ifs, char *buf, size_t len)
{
	char ip[FT_IP_STRLEN], rp[256];
	struct ft_route rt;

	if (!live) {
		snprintf(buf, len, " (%s)", FT_NO_FACTS);
		return;
	}
	ft_hostfacts_ask_route(live, f->family, dst, src, iif, &rt);
	if (rp_ifs && rp_ifs->n)
		snprintf(buf, len, " (route to %s: \"%s\"; %s)", ft_fmt_ip(f->family, dst, ip),
			 rt.text, ft_explain_sysctls(live, itab, rp_ifs, FT_SC_RP_FILTER, rp, sizeof(rp)));
	else
		snprintf(buf, len, " (route to %s: \"%s\")", ft_fmt_ip(f->family, dst, ip),
			 rt.text);
}

/* The effective rp_filter of one interface on this host; -1 when unknown
 * (a replay, an interface that is gone, an IPv6 flow: IPv6 has none). */
static int rp_filter_of(const struct ft_iftable *itab, const struct ft_finding *f,
			struct ft_facts *live, __u32 ifindex)
{
	char name[FT_IFNAMSIZ + 16];
	struct ft_if_sysctls sc;

	if (!live || f->family != FT_FAMILY_IPV4)
		return -1;
	if (ft_hostfacts_ask_sysctls(live, ft_iftable_name(itab, ifindex, name, sizeof(name)), &sc))
		return -1;
	return sc.rp_filter;
}

/* The strictest rp_filter among the interfaces of l, and where it is:
 * 1 (strict) drops most, then 2 (loose), then 0 (off). */
static int rp_filter_max(const struct ft_iftable *itab, const struct ft_finding *f,
			 struct ft_facts *live, const struct ft_iflist *l, __u32 *where)
{
	static const int rank[] = { [0] = 1, [1] = 3, [2] = 2 };
	int best = -1;

	*where = l->n ? l->ifindex[0] : 0;
	for (__u32 i = 0; i < l->n; i++) {
		int v = rp_filter_of(itab, f, live, l->ifindex[i]);

		if (v < 0 || v > 2 || (best >= 0 && rank[v] <= rank[best]))
			continue;
		best = v;
		*where = l->ifindex[i];
	}
	return best;
}

/* The earliest drop of a reason (0: any) from one side, NULL if none. */
static const struct ft_drop_note *first_drop(const struct ft_finding *f, __u8 reason, int side)
{
	const struct ft_drop_note *first = NULL;

	for (int i = 0; i < f->n_drops; i++) {
		const struct ft_drop_note *d = &f->drops[i];

		if ((reason && d->reason != reason) || (side >= 0 && d->side != side))
			continue;
		if (!first || d->first_ns < first->first_ns)
			first = d;
	}
	return first;
}

/* The cause of drops by rp_filter on an interface whose effective value is
 * v (-1: unknown), for packets from sender. */
static void rp_filter_cause(const char *ifname, int v, const char *sender, char *buf, size_t len)
{
	switch (v) {
	case 1:
		snprintf(buf, len,
			 "strict rp_filter (1, the larger of net.ipv4.conf.all.rp_filter and "
			 "net.ipv4.conf.%s.rp_filter) accepts a packet only on the interface "
			 "that routes back to its source; set net.ipv4.conf.%s.rp_filter=2 "
			 "(loose) or make the routes symmetric",
			 ifname, ifname);
		return;
	case 2:
		snprintf(buf, len,
			 "loose rp_filter (2, the larger of net.ipv4.conf.all.rp_filter and "
			 "net.ipv4.conf.%s.rp_filter) drops a packet only when no route at all "
			 "leads back to its source; add a route to %s",
			 ifname, sender);
		return;
	case 0:
		snprintf(buf, len,
			 "rp_filter on %s is off (0) now, so the drops happened under an earlier "
			 "setting",
			 ifname);
		return;
	}
	snprintf(buf, len,
		 "reverse-path filtering on %s (the larger of net.ipv4.conf.all.rp_filter and "
		 "net.ipv4.conf.%s.rp_filter: 1 strict, 2 loose) dropped them; set it to 2 "
		 "(loose) or make the routes symmetric",
		 ifname, ifname);
}

/* one_way because the stack dropped one direction. */
static void drop_hint(const struct ft_iftable *itab, const struct ft_finding *f,
		      struct ft_facts *live, char *buf, size_t len)
{
	char sender[FT_IP_STRLEN], ifname[FT_IFNAMSIZ + 16], other[200], cause[400], tail[512];
	char ifs[160];
	struct ft_iflist at = {};
	bool request;
	__u8 why = ft_oneway_drop_reason(f->reason, &request);
	int side = request ? f->client_side : f->client_side ^ 1;
	const struct ft_drop_note *d = first_drop(f, why, side);
	const __u8 *from = request ? f->client_ip : f->server_ip;
	const struct ft_iflist *out = request ? &f->rep_out : &f->req_out;
	const struct ft_iflist *in = request ? &f->rep_in : &f->req_in;

	if (!d) /* cannot happen: the reason came from a drop */
		d = first_drop(f, 0, -1);
	ft_fmt_ip(f->family, from, sender);
	ft_iftable_name(itab, d ? d->ifindex : 0, ifname, sizeof(ifname));
	ft_iflist_add(&at, d ? d->ifindex : 0);
	/* Where the other direction went, as a reader checks the routes. */
	other[0] = 0;
	if (out->n)
		snprintf(other, sizeof(other), "; %s leave on %s", request ? "replies" : "requests",
			 ft_iflist_str(itab, out, ifs, sizeof(ifs)));
	else if (in->n)
		snprintf(other, sizeof(other), "; %s arrive on %s",
			 request ? "replies" : "requests", ft_iflist_str(itab, in, ifs, sizeof(ifs)));
	facts_tail(itab, f, live, from, NULL, 0, why == FT_DROP_RPFILTER ? &at : NULL, tail,
		   sizeof(tail));
	if (why == FT_DROP_RPFILTER)
		rp_filter_cause(ifname, rp_filter_of(itab, f, live, at.ifindex[0]), sender, cause,
				sizeof(cause));
	else
		snprintf(cause, sizeof(cause),
			 "a netfilter rule or conntrack state INVALID (an asymmetric path?) drops "
			 "them; check the iptables/nft rule counters");
	snprintf(buf, len, "%s from %s reach %s, where the kernel drops them (%s)%s%s: %s.",
		 request ? "Requests" : "Replies", sender, ifname, ft_drop_reason_name(why), other,
		 tail, cause);
}

/* This host sends the requests and the replies come back elsewhere. */
static void reply_in_hint(const struct ft_iftable *itab, const struct ft_finding *f,
			  struct ft_facts *live, const struct ft_iflist *ifs, char *buf,
			  size_t len)
{
	char sv[FT_IP_STRLEN], a[160], b[160], tail[512], what[320], ifname[FT_IFNAMSIZ + 16];
	const struct ft_drop_note *d = first_drop(f, 0, -1);
	/* A SYN-ACK seen but never acknowledged: dropped after our hook. */
	bool unacked = f->proto == IPPROTO_TCP_ &&
		       (f->tcp_flags[f->client_side ^ 1] & SYNACK) == SYNACK &&
		       !(f->tcp_flags[f->client_side] & FT_TCP_ACK);
	__u32 where;
	int v = rp_filter_max(itab, f, live, &f->rep_in, &where);

	ft_fmt_ip(f->family, f->server_ip, sv);
	ft_iftable_name(itab, where, ifname, sizeof(ifname));
	if (!f->rep_in.n)
		snprintf(ifname, sizeof(ifname), "the reply interface");
	/* Say what the setting in force does, not what strict mode would. */
	if (d) {
		bool request = d->side == f->client_side;
		char dn[FT_IFNAMSIZ + 16];

		ft_iftable_name(itab, d->ifindex, dn, sizeof(dn));
		/* Before the grace time has passed, a drop may still be all there is. */
		if (f->got_through & (request ? FT_GOT_REQUEST : FT_GOT_REPLY))
			snprintf(what, sizeof(what),
				 "the kernel dropped %s at first (%s on %s), later ones got "
				 "through",
				 request ? "requests" : "replies", ft_drop_reason_name(d->reason),
				 dn);
		else
			snprintf(what, sizeof(what), "the kernel drops the %s (%s on %s)",
				 request ? "requests" : "replies", ft_drop_reason_name(d->reason),
				 dn);
	} else if (unacked) {
		if (v == 1)
			snprintf(what, sizeof(what),
				 "the handshake never completed: strict rp_filter (1) on %s drops "
				 "them",
				 ifname);
		else if (v == 0 || v == 2)
			snprintf(what, sizeof(what),
				 "the handshake never completed, so they are dropped after "
				 "arriving, though rp_filter on %s is %d (%s): a firewall?",
				 ifname, v, v ? "loose" : "off");
		else
			snprintf(what, sizeof(what),
				 "the handshake never completed, so they are dropped here (strict "
				 "rp_filter 1 or a firewall)");
	} else if (v == 1) {
		snprintf(what, sizeof(what), "strict rp_filter (1) on %s drops them", ifname);
	} else if (v == 2) {
		snprintf(what, sizeof(what),
			 "loose rp_filter (2) on %s accepts them; strict (1) would drop them",
			 ifname);
	} else if (v == 0) {
		snprintf(what, sizeof(what),
			 "rp_filter is off (0) on %s, so they are accepted; strict (1) would drop "
			 "them",
			 ifname);
	} else {
		snprintf(what, sizeof(what),
			 "strict rp_filter (1) on the reply interface would drop them");
	}
	facts_tail(itab, f, live, f->server_ip, NULL, 0, ifs, tail, sizeof(tail));
	snprintf(buf, len, "Replies from %s arrive on %s but requests leave on %s%s: %s; %s.", sv,
		 ft_iflist_str(itab, &f->rep_in, a, sizeof(a)),
		 ft_iflist_str(itab, &f->req_out, b, sizeof(b)), tail, what,
		 v == 0 || v == 2 ? "keep rp_filter at 2 or 0 there, or make the routes symmetric"
				  : "use loose rp_filter (2) there or make the routes symmetric");
}

static void return_path_hint(const struct ft_iftable *itab, const struct ft_finding *f,
			     struct ft_facts *live, char *buf, size_t len)
{
	char cl[FT_IP_STRLEN], a[160], b[160], tail[512];
	struct ft_iflist ifs = {};
	bool forwarding = f->req_in.n && f->req_out.n;
	__u32 iif;

	merge_if(&ifs, &f->req_in);
	merge_if(&ifs, &f->rep_in);
	if (!(f->req_in.n && f->rep_out.n)) {
		reply_in_hint(itab, f, live, &ifs, buf, len);
		return;
	}
	ft_fmt_ip(f->family, f->client_ip, cl);
	iif = forwarding && f->rep_in.n ? f->rep_in.ifindex[0] : 0;
	facts_tail(itab, f, live, f->client_ip, f->server_ip, iif, &ifs, tail, sizeof(tail));
	snprintf(buf, len, "Replies to %s leave on %s but requests arrive on %s%s: %s.", cl,
		 ft_iflist_str(itab, &f->rep_out, a, sizeof(a)),
		 ft_iflist_str(itab, &f->req_in, b, sizeof(b)), tail,
		 forwarding ? "route the return traffic back through the request's interface, or "
			      "fix the asymmetric routes upstream"
			    : "add a source rule (ip rule add from the server's address table N) "
			      "routing replies out the interface requests arrive on, or set "
			      "arp_ignore=1/arp_announce=2 so clients reach the right interface");
}

static void next_hop_hint(const struct ft_iftable *itab, const struct ft_finding *f,
			  struct ft_facts *live, char *buf, size_t len)
{
	char cl[FT_IP_STRLEN], a[160], m1[160], m2[160], tail[512];

	ft_fmt_ip(f->family, f->client_ip, cl);
	if (f->cls == FT_CLASS_VRRP) {
		facts_tail(itab, f, live, f->client_ip, NULL, 0, NULL, tail, sizeof(tail));
		snprintf(buf, len,
			 "One next hop is a virtual router MAC (VRRP/HSRP) and the other the "
			 "active router's own MAC%s: normal with first-hop redundancy.",
			 tail);
	} else if (f->req_in.n && f->rep_out.n) {
		facts_tail(itab, f, live, f->client_ip, NULL, 0, NULL, tail, sizeof(tail));
		snprintf(buf, len,
			 "Requests arrive on %s from %s but replies go to %s%s: replies bypass "
			 "the device that forwarded the requests (a load balancer without "
			 "SNAT?); route them back through it or SNAT there.",
			 ft_iflist_str(itab, &f->req_in, a, sizeof(a)),
			 ft_maclist_str(&f->req_src, m1, sizeof(m1)),
			 ft_maclist_str(&f->rep_dst, m2, sizeof(m2)), tail);
	} else {
		facts_tail(itab, f, live, f->server_ip, NULL, 0, NULL, tail, sizeof(tail));
		snprintf(buf, len,
			 "Requests leave %s to %s but replies come back from %s%s: the return path "
			 "uses another router; check the routes toward %s on the far side.",
			 ft_iflist_str(itab, &f->req_out, a, sizeof(a)),
			 ft_maclist_str(&f->req_dst, m1, sizeof(m1)),
			 ft_maclist_str(&f->rep_src, m2, sizeof(m2)), tail, cl);
	}
}

static void multipath_hint(const struct ft_iftable *itab, const struct ft_finding *f,
			   struct ft_facts *live, char *buf, size_t len)
{
	char a[160], tail[512];
	struct ft_iflist ifs = {};
	bool req = f->multi_dir & 1;

	if (req) {
		merge_if(&ifs, &f->req_in);
		merge_if(&ifs, &f->req_out);
	} else {
		merge_if(&ifs, &f->rep_in);
		merge_if(&ifs, &f->rep_out);
	}
	facts_tail(itab, f, live, req ? f->server_ip : f->client_ip, NULL, 0, NULL, tail,
		   sizeof(tail));
	snprintf(buf, len,
		 "The %s direction used %s%s: ECMP rehashing after a route change, or a bond "
		 "flapping between slaves; check the multipath route and the bond's active slave.",
		 req ? "request" : "reply", ft_iflist_str(itab, &ifs, a, sizeof(a)), tail);
}

static void one_way_hint(const struct ft_iftable *itab, const struct ft_finding *f,
			 struct ft_facts *live, char *buf, size_t len)
{
	char sv[FT_IP_STRLEN], from[FT_IP_STRLEN], tail[512];
	struct ft_iflist ifs = {};
	bool request;

	if (ft_oneway_drop_reason(f->reason, &request)) {
		drop_hint(itab, f, live, buf, len);
		return;
	}
	ft_fmt_ip(f->family, f->server_ip, sv);
	merge_if(&ifs, &f->req_in);
	merge_if(&ifs, &f->req_out);
	merge_if(&ifs, &f->rep_in);
	/* The route that matters: toward the peer this host sends to. */
	if (f->reason == FT_OW_REPLY_ONLY) {
		facts_tail(itab, f, live, f->rep_in.n ? f->server_ip : f->client_ip, NULL, 0, &ifs,
			   tail, sizeof(tail));
		snprintf(buf, len,
			 "Only %s's answers were seen here, never the requests%s: requests "
			 "reach it by another path than this host.",
			 sv, tail);
		return;
	}
	facts_tail(itab, f, live, f->req_in.n ? f->client_ip : f->server_ip, NULL, 0, &ifs, tail,
		   sizeof(tail));
	if (f->reason == FT_OW_UDP && f->n_icmp) {
		snprintf(buf, len,
			 "Answered only by ICMP %s from %s%s: nothing listens on %s port %u, or a "
			 "firewall rejects it.",
			 icmp_name(&f->icmp[0]),
			 ft_fmt_ip(f->icmp[0].family, f->icmp[0].from, from), tail, sv,
			 f->server_port);
		return;
	}
	snprintf(buf, len, "%s%s: %s.",
		 f->reason == FT_OW_SYN		? "TCP SYNs got no SYN-ACK here"
		 : f->reason == FT_OW_MIDSTREAM ? "This TCP flow passed here in one direction only"
		 : f->reason == FT_OW_ECHO	? "Echo requests got no reply here"
						: "UDP requests got no response here",
		 tail,
		 f->reason == FT_OW_MIDSTREAM
			 ? "the other direction takes another path around this host"
		 : f->reason == FT_OW_UDP
			 ? "the service is down or filtered, or answers by another path (a one-way "
			   "stream? add its port to the stream list)"
			 : "the peer is down or filtered, or its answers return by another path");
}

void ft_explain_flow(const struct ft_iftable *itab, const struct ft_finding *f,
		   struct ft_facts *live, char *buf, size_t len)
{
	buf[0] = 0;
	switch (f->kind) {
	case FT_KIND_RETURN_PATH_MISMATCH:
		return_path_hint(itab, f, live, buf, len);
		return;
	case FT_KIND_NEXT_HOP_MISMATCH:
		next_hop_hint(itab, f, live, buf, len);
		return;
	case FT_KIND_MULTIPATH:
		multipath_hint(itab, f, live, buf, len);
		return;
	case FT_KIND_ONE_WAY:
		one_way_hint(itab, f, live, buf, len);
		return;
	}
}
