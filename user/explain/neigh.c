// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Hints for ARP-flux findings: what was seen, where, and what to set. */
#include <stdio.h>
#include <string.h>
#include "common/format.h"
#include "explain/explain.h"
#include "explain/hostfacts.h"


static void route_tail(const struct ft_finding *f, struct ft_facts *live, char *buf,
		       size_t len)
{
	struct ft_route rt;

	if (!live) {
		snprintf(buf, len, " (%s)", FT_NO_FACTS);
		return;
	}
	ft_hostfacts_ask_route(live, f->family, f->ip, NULL, 0, &rt);
	snprintf(buf, len, " (this host reaches it via \"%s\")", rt.text);
}

static void flux_hint(const struct ft_iftable *itab, const struct ft_finding *f,
		      struct ft_facts *live, const char *ip, char *buf, size_t len)
{
	char ifs[160], facts[600], sc[560];

	ft_iflist_str(itab, &f->ifaces, ifs, sizeof(ifs));
	if (f->family == FT_FAMILY_IPV6) {
		route_tail(f, live, facts, sizeof(facts));
		snprintf(buf, len,
			 "This host advertised %s from %s with %u MACs%s: the address is "
			 "on several interfaces of one segment (or proxy_ndp is on); keep it "
			 "on one interface.",
			 ip, ifs, f->macs.n, facts);
		return;
	}
	if (live)
		snprintf(facts, sizeof(facts), " (%s)",
			 ft_explain_sysctls(live, itab, &f->ifaces,
				       FT_SC_ARP_IGNORE | FT_SC_ARP_ANNOUNCE | FT_SC_ARP_FILTER, sc,
				       sizeof(sc)));
	else
		snprintf(facts, sizeof(facts), " (%s)", FT_NO_FACTS);
	snprintf(buf, len,
		 "This host answered for %s from %s with %u MACs%s: set arp_ignore=1 "
		 "and arp_announce=2 on these interfaces (or arp_filter=1 with source "
		 "routing) so only the interface holding the address answers.",
		 ip, ifs, f->macs.n, facts);
}

/* Only MACs in b, not in a: "aa:..,bb:.." into buf ("" when none). */
static const char *macs_not_in(const struct ft_maclist *b, const struct ft_maclist *a, char *buf,
			       size_t len)
{
	struct ft_maclist l = { 0 };

	for (__u32 i = 0; i < b->n; i++) {
		bool in = false;

		for (__u32 k = 0; k < a->n; k++)
			in |= !memcmp(b->mac[i], a->mac[k], 6);
		if (!in)
			ft_maclist_add(&l, b->mac[i]);
	}
	if (!l.n) {
		buf[0] = 0;
		return buf;
	}
	return ft_maclist_str(&l, buf, len);
}

static void dup_hint(const struct ft_finding *f, const char *ip, const char *macs,
		     const char *tail, char *buf, size_t len)
{
	char ann[160], users[160], why[480];
	size_t off = 0;

	if (f->reason == FT_DUP_ONE_HOST) {
		snprintf(buf, len,
			 "%s is answered by %s together, and the same MACs answer together "
			 "for this host's other addresses, with no unsolicited replies or "
			 "flipping entries: one host with several NICs on this segment%s; "
			 "set arp_ignore=1 and arp_announce=2 on that host.",
			 ip, macs, tail);
		return;
	}
	why[0] = 0;
	if (f->mac_evidence & FT_EVID_UNSOLICITED) {
		/* The likely spoofer: announces the IP, never uses it itself. */
		macs_not_in(&f->announced_by, &f->used_by, ann, sizeof(ann));
		FT_APPEND(why, sizeof(why), off, "%s sent ARP replies for it nobody asked for",
			  ann[0] ? ann : ft_maclist_str(&f->announced_by, ann, sizeof(ann)));
		if (f->used_by.n)
			FT_APPEND(why, sizeof(why), off,
				  ", while %s uses it in its own requests (likely the owner)",
				  ft_maclist_str(&f->used_by, users, sizeof(users)));
		if (f->mac_evidence & FT_EVID_NEIGH_FLIP)
			FT_APPEND(why, sizeof(why), off, "; the neighbour entry flipped between them");
		snprintf(buf, len,
			 "%s is claimed by %s (%s)%s: an ARP spoofer (arpspoof/ettercap "
			 "pattern) or a host with a duplicate address; find %s on the switch "
			 "by MAC and stop it, and do not tune arp_ignore for this.",
			 ip, macs, why, tail, ann[0] ? ann : macs);
		return;
	}
	if (f->mac_evidence & FT_EVID_LOCAL_AND_REMOTE)
		FT_APPEND(why, sizeof(why), off, "this host and another");
	else if (f->mac_evidence & FT_EVID_GRAT_SEVERAL)
		FT_APPEND(why, sizeof(why), off, "each announced it with gratuitous ARP/NA");
	else if (f->mac_evidence & FT_EVID_NEIGH_FLIP)
		FT_APPEND(why, sizeof(why), off, "the neighbour entry flipped between them");
	else if (f->co_answers)
		FT_APPEND(why, sizeof(why), off,
			  "they answer the same request at once, but nothing shows them to be "
			  "one host's NICs");
	else
		FT_APPEND(why, sizeof(why), off, "answers at different times");
	snprintf(buf, len,
		 "%s is claimed by %s (%s)%s: a duplicate address, a split-brain VIP or an "
		 "ARP spoofer answering beside the owner; find each MAC on the switch and "
		 "keep one owner (NICs of one host would answer together for its other "
		 "addresses too).",
		 ip, macs, why, tail);
}

/* A next hop that never answered ARP/NDP: what broke, and what to check
 * on it (up, on this segment, filtering ARP) and on the route to it. */
static void unresolved_hint(const struct ft_iftable *itab, const struct ft_finding *f,
			    struct ft_facts *live, const char *ip, char *buf, size_t len)
{
	char ifs[160], flows[300], route[260], dst[FT_IP_STRLEN], pr[8], asked[80];
	const struct ft_unres_flow *gw = NULL;
	size_t off = 0;
	double secs = f->last_ns > f->first_ns ? (double)(f->last_ns - f->first_ns) / FT_NSEC : 0;

	ft_iflist_str(itab, &f->ifaces, ifs, sizeof(ifs));
	flows[0] = 0;
	for (int i = 0; i < f->n_unres_flows; i++)
		if (f->unres_flows[i].via_gateway && !gw)
			gw = &f->unres_flows[i];
	if (f->unres_drops) {
		const struct ft_unres_flow *x = gw ? gw : &f->unres_flows[0];

		FT_APPEND(flows, sizeof(flows), off, "; %llu packet%s dropped waiting for it",
			  (unsigned long long)f->unres_drops, f->unres_drops == 1 ? "" : "s");
		if (f->n_unres_flows) {
			FT_APPEND(flows, sizeof(flows), off, ", e.g. %s to %s",
				  ft_fmt_proto(x->proto, pr), ft_fmt_ip(x->family, x->dst, dst));
			if (x->proto == 6 || x->proto == 17) /* TCP, UDP */
				FT_APPEND(flows, sizeof(flows), off, " port %u", x->dport);
			FT_APPEND(flows, sizeof(flows), off, "%s", gw ? " (it is the gateway)" : "");
		}
	}
	if (!live)
		snprintf(route, sizeof(route), " (%s)", FT_NO_FACTS);
	else if (gw) {
		struct ft_route rt;

		ft_hostfacts_ask_route(live, gw->family, gw->dst, NULL, 0, &rt);
		snprintf(route, sizeof(route), " (this host routes %s via \"%s\")", dst, rt.text);
	} else {
		struct ft_route rt;

		ft_hostfacts_ask_route(live, f->family, f->ip, NULL, 0, &rt);
		snprintf(route, sizeof(route), " (this host reaches it via \"%s\")", rt.text);
	}
	if (f->requests)
		snprintf(asked, sizeof(asked), "%u request%s unanswered over %.1f s", f->requests,
			 f->requests == 1 ? "" : "s", secs);
	else
		snprintf(asked, sizeof(asked), "no request of this host seen on a traced interface");
	snprintf(buf, len,
		 "%s on %s never answered %s: %s%s%s; "
		 "check that %s is up and on this segment (the same VLAN as %s), that it "
		 "does not filter %s (its arp_ignore/arp_filter or firewall), and that %s%s.",
		 ip, ifs, f->family == FT_FAMILY_IPV6 ? "neighbour solicitation" : "ARP", asked,
		 f->neigh_failed ? ", the entry went FAILED" : "", flows, ip, ifs,
		 f->family == FT_FAMILY_IPV6 ? "NDP" : "ARP",
		 gw ? "the route's gateway is right" : "a route using it as gateway is right", route);
}

void ft_explain_neigh(const struct ft_iftable *itab, const struct ft_finding *f,
		   struct ft_facts *live, char *buf, size_t len)
{
	char ip[FT_IP_STRLEN], macs[160], ifs[160], tail[400];

	ft_fmt_ip(f->family, f->ip, ip);
	ft_maclist_str(&f->macs, macs, sizeof(macs));
	ft_iflist_str(itab, &f->ifaces, ifs, sizeof(ifs));
	route_tail(f, live, tail, sizeof(tail));
	switch (f->cls) {
	case FT_CLASS_ALLOWED:
		snprintf(buf, len, "%s or one of %s is on the allow-list: not alarmed%s.", ip, macs,
			 tail);
		return;
	case FT_CLASS_VRRP:
		snprintf(buf, len,
			 "A virtual router MAC (VRRP/CARP/HSRP) is among %s for %s%s: "
			 "expected around router failover or with use_vmac; allow-list it "
			 "if it persists.",
			 macs, ip, tail);
		return;
	case FT_CLASS_NLB:
		snprintf(buf, len,
			 "A Microsoft NLB cluster MAC or an Ethernet source unlike the ARP "
			 "sender answers for %s%s: an NLB virtual IP, expected.",
			 ip, tail);
		return;
	case FT_CLASS_PROXY_ARP:
		snprintf(buf, len,
			 "One of %s answers for %s only with replies and for several "
			 "addresses: a router with proxy_arp answering beside the owner%s; "
			 "harmless if intended.",
			 macs, ip, tail);
		return;
	}
	switch (f->kind) {
	case FT_KIND_UNRESOLVED_NEIGHBOR:
		unresolved_hint(itab, f, live, ip, buf, len);
		return;
	case FT_KIND_LOCAL_FLUX:
		flux_hint(itab, f, live, ip, buf, len);
		return;
	case FT_KIND_DUPLICATE_IP:
		dup_hint(f, ip, macs, tail, buf, len);
		return;
	case FT_KIND_FLIP_FLOP:
		snprintf(buf, len,
			 "The neighbour entry for %s on %s went back to an earlier MAC "
			 "(%u changes among %s)%s: two devices answer for it (duplicate "
			 "address, split-brain VIP, ARP spoofer or ARP flux); find the second owner by MAC.",
			 ip, ifs, f->changes, macs, tail);
		return;
	case FT_KIND_MAC_CHANGED:
		snprintf(buf, len,
			 "The neighbour entry for %s on %s moved to a new MAC (%s) and "
			 "stayed%s: a failover (bond, VRRP, moved VM or replaced NIC), "
			 "informational.",
			 ip, ifs, macs, tail);
		return;
	}
	buf[0] = 0;
}
