// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Hints for ARP-flux findings: what was seen, where, and what to set. */
#include <stdio.h>
#include "common/format.h"
#include "explain/explain.h"
#include "explain/hostfacts.h"


static void route_tail(const struct ft_finding *f, bool live, char *buf,
		       size_t len)
{
	struct ft_route rt;

	if (!live) {
		snprintf(buf, len, " (%s)", FT_NO_FACTS);
		return;
	}
	ft_hostfacts_route(f->family, f->ip, NULL, 0, &rt);
	snprintf(buf, len, " (this host reaches it via \"%s\")", rt.text);
}

static void flux_hint(const struct ft_iftable *itab, const struct ft_finding *f,
		      bool live, const char *ip, char *buf, size_t len)
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
			 ft_explain_sysctls(itab, &f->ifaces,
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

void ft_explain_neigh(const struct ft_iftable *itab, const struct ft_finding *f,
		   bool live, char *buf, size_t len)
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
	case FT_KIND_LOCAL_FLUX:
		flux_hint(itab, f, live, ip, buf, len);
		return;
	case FT_KIND_DUPLICATE_IP:
		if (f->reason == FT_DUP_ONE_HOST)
			snprintf(buf, len,
				 "%s is answered by %s within the same instant (%s): one "
				 "host with several NICs on this segment%s; set arp_ignore=1 "
				 "and arp_announce=2 on that host.",
				 ip, macs,
				 f->mac_evidence & FT_EVID_SAME_OUI	 ? "same vendor prefix"
				 : f->mac_evidence & FT_EVID_LOCAL_ADMIN ? "virtual NICs"
									 : "they share addresses",
				 tail);
		else
			snprintf(buf, len,
				 "%s is claimed by %s (%s): several hosts hold the address, "
				 "a duplicate or a split-brain VIP%s; find the owners by MAC "
				 "and keep one.",
				 ip, macs,
				 f->mac_evidence & FT_EVID_LOCAL_AND_REMOTE
					 ? "this host and another"
				 : f->mac_evidence & FT_EVID_GRAT_SEVERAL
					 ? "each announced it with gratuitous ARP/NA"
					 : "answers at different times or from different vendors",
				 tail);
		return;
	case FT_KIND_FLIP_FLOP:
		snprintf(buf, len,
			 "The neighbour entry for %s on %s went back to an earlier MAC "
			 "(%u changes among %s)%s: two devices answer for it (duplicate "
			 "address, split-brain VIP or ARP flux); find the second owner by MAC.",
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
