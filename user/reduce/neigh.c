// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ARP flux, IPv4 ARP and IPv6 NDP alike: who claims each IP on the wire
 * (local_flux, duplicate_ip) and how neighbour entries change MAC
 * (flip_flop, mac_changed). Legitimate look-alikes (virtual router MACs,
 * proxy ARP, Microsoft NLB) and allowed addresses are classified, not
 * alarmed on.
 *
 * A claim is a packet that tells the segment "this IP is at this MAC": an
 * ARP reply or request (sender fields), a gratuitous ARP, an NDP NA
 * (target and its link-layer option) or NS (source and its option).
 * Probes (sender 0.0.0.0, DAD from ::) claim nothing. ARP requests also
 * note who asked for their target, so a reply can be told from one
 * nobody asked for (what a spoofer sends, never a kernel).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "reduce/internal.h"

static bool claim_evictable(void *ctx, const void *entry)
{
	const struct ft_ipclaim *c = entry;

	return c->n_macs <= 1; /* one owner: nothing to report */
}

static bool neigh_evictable(void *ctx, const void *entry)
{
	const struct ft_neighst *n = entry;

	return !n->changes && !n->unres.active;
}

int ft_neigh_init(struct ft_reducer *r)
{
	int err = ft_table_init(&r->claims, sizeof(struct ft_ipclaim), sizeof(struct ft_ip_key),
				r->opts.max_ips, claim_evictable, r);

	if (!err)
		err = ft_table_init(&r->neighs, sizeof(struct ft_neighst), sizeof(struct ft_ip_key),
				    r->opts.max_ips, neigh_evictable, r);
	return err;
}

static bool ip_is_zero(const __u8 *ip, __u8 family)
{
	static const __u8 zero[16];

	return !memcmp(ip, zero, family == FT_FAMILY_IPV6 ? 16 : 4);
}

static void ip_key(struct ft_ip_key *k, __u8 family, __u32 ifindex, const __u8 *ip)
{
	memset(k, 0, sizeof(*k));
	k->family = family;
	k->ifindex = ifindex;
	memcpy(k->ip, ip, family == FT_FAMILY_IPV6 ? 16 : 4);
}

static __u32 owner_ifindex(const struct ft_reducer *r, const __u8 *mac, __u32 fallback)
{
	for (__u32 i = 0; i < r->ifaces.n; i++)
		if (!memcmp(r->ifaces.v[i].mac, mac, 6))
			return r->ifaces.v[i].ifindex;
	return fallback;
}

static __u64 absdiff(__u64 a, __u64 b)
{
	return a > b ? a - b : b - a;
}

/* An ARP request asks for its target: remember who asked, and when. */
static int note_asker(struct ft_reducer *r, const struct ft_arp_event *e)
{
	struct ft_ipclaim *c;
	struct ft_ip_key key;
	int slot = 0;
	bool fresh;

	if (ip_is_zero(e->target_ip, FT_FAMILY_IPV4) || ft_mac_is_zero(e->sender_mac))
		return 0;
	ip_key(&key, FT_FAMILY_IPV4, 0, e->target_ip);
	c = ft_table_get(&r->claims, &key, &fresh);
	if (!c)
		return -ENOMEM;
	for (int i = 0; i < FT_IP_ASKERS; i++) {
		if (!memcmp(c->askers[i].mac, e->sender_mac, 6)) {
			slot = i;
			break;
		}
		if (c->askers[i].ns < c->askers[slot].ns)
			slot = i; /* the oldest (or an empty one) */
	}
	memcpy(c->askers[slot].mac, e->sender_mac, 6);
	if (e->ts_ns > c->askers[slot].ns)
		c->askers[slot].ns = e->ts_ns;
	return 0;
}

static bool mac_is_group(const __u8 *mac)
{
	return mac[0] & 0x01;
}

/*
 * An ARP reply nobody asked for: sent to broadcast/multicast (answers are
 * unicast), or to an asker whose own requests this trace sees and who sent
 * no request for the IP within FT_SOLICIT_NS. When the asker's requests are
 * not seen (tracing began after it asked, or they take another path), the
 * reply is taken as an answer.
 */
static bool reply_unsolicited(struct ft_reducer *r, const struct ft_ipclaim *c,
			      const struct ft_arp_event *e)
{
	const struct ft_ipclaim *asker;
	struct ft_ip_key key;

	if (mac_is_group(e->eth_dst))
		return true;
	for (int i = 0; i < FT_IP_ASKERS; i++)
		if (c->askers[i].ns && !memcmp(c->askers[i].mac, e->eth_dst, 6) &&
		    absdiff(c->askers[i].ns, e->ts_ns) <= FT_SOLICIT_NS)
			return false;
	ip_key(&key, FT_FAMILY_IPV4, 0, e->target_ip);
	asker = ft_table_find(&r->claims, &key);
	for (int i = 0; asker && i < asker->n_macs; i++)
		if (!memcmp(asker->macs[i].mac, e->eth_dst, 6))
			return asker->macs[i].ops & FT_CLAIM_REQUEST;
	return false;
}

/* ---- unresolved neighbours ---- */


static struct ft_neighst *neigh_get(struct ft_reducer *r, __u8 family, __u32 ifindex,
				    const __u8 *ip, __u64 ts)
{
	struct ft_ip_key key;
	struct ft_neighst *n;
	bool fresh;

	ip_key(&key, family, ifindex, ip);
	n = ft_table_get(&r->neighs, &key, &fresh);
	if (n && fresh)
		n->first_ns = ts;
	return n;
}

/* Something of this episode: the first one opens it. */
static void unres_touch(struct ft_unres *u, __u64 ts)
{
	if (!u->active) {
		memset(u, 0, sizeof(*u));
		u->active = 1;
		u->first_ns = ts;
	}
	if (ts < u->first_ns)
		u->first_ns = ts;
	if (ts > u->last_ns)
		u->last_ns = ts;
}

/* The address answered: whatever went unanswered before resolved. */
static void unres_answered(struct ft_reducer *r, __u8 family, __u32 ifindex, const __u8 *ip)
{
	struct ft_ip_key key;
	struct ft_neighst *n;

	ip_key(&key, family, ifindex, ip);
	n = ft_table_find(&r->neighs, &key);
	if (n)
		memset(&n->unres, 0, sizeof(n->unres));
}

/* This host asking for an address (its own ARP request or NS at egress,
 * not a probe or an announcement), or the address answering for itself
 * on the wire (reply, NA, or a request it sends: it is up and here). */
static int unres_feed_arp(struct ft_reducer *r, const struct ft_arp_event *e)
{
	bool request = e->op == FT_ARP_REQUEST || e->op == FT_NDP_NS;
	struct ft_neighst *n;

	if (e->flags & (FT_ARP_PROBE | FT_ARP_GRATUITOUS)) {
		/* An announcement by the address itself is an answer too. */
		if ((e->flags & FT_ARP_GRATUITOUS) && e->hook != FT_HOOK_TC_EGRESS)
			unres_answered(r, e->family, e->ifindex,
				       e->op == FT_NDP_NA ? e->target_ip : e->sender_ip);
		return 0;
	}
	if (e->hook == FT_HOOK_TC_EGRESS) {
		if (!request || !ft_mac_is_local(r, e->eth_src) || ip_is_zero(e->target_ip, e->family))
			return 0;
		n = neigh_get(r, e->family, e->ifindex, e->target_ip, e->ts_ns);
		if (!n)
			return -ENOMEM;
		unres_touch(&n->unres, e->ts_ns);
		n->unres.requests += 1 + e->repeats;
		return 0;
	}
	unres_answered(r, e->family, e->ifindex,
		       e->op == FT_NDP_NA ? e->target_ip : e->sender_ip);
	return 0;
}

int ft_neigh_feed_drop(struct ft_reducer *r, const struct ft_neigh_drop_event *e)
{
	const struct ft_flow_key *k = &e->key;
	bool a = e->side == FT_SIDE_A;
	const __u8 *src = a ? k->addr_a : k->addr_b, *dst = a ? k->addr_b : k->addr_a;
	__u8 nh_family = e->nh_family ? e->nh_family : k->family;
	const __u8 *nh = e->nh_family ? e->nexthop : dst;
	size_t ipl = k->family == FT_FAMILY_IPV6 ? 16 : 4;
	__u16 sport = a ? k->port_a : k->port_b, dport = a ? k->port_b : k->port_a;
	struct ft_unres_flow *fl = NULL;
	struct ft_neighst *n;

	if ((nh_family != FT_FAMILY_IPV4 && nh_family != FT_FAMILY_IPV6) ||
	    (k->family != FT_FAMILY_IPV4 && k->family != FT_FAMILY_IPV6))
		return 0;
	n = neigh_get(r, nh_family, e->ifindex, nh, e->ts_ns);
	if (!n)
		return -ENOMEM;
	unres_touch(&n->unres, e->ts_ns);
	n->unres.drops += e->count;
	for (int i = 0; i < n->unres.n_flows; i++) {
		struct ft_unres_flow *f = &n->unres.flows[i];

		if (f->proto == k->proto && f->sport == sport && f->dport == dport &&
		    !memcmp(f->src, src, ipl) && !memcmp(f->dst, dst, ipl))
			fl = f;
	}
	if (!fl && n->unres.n_flows < FT_UNRES_FLOWS) {
		fl = &n->unres.flows[n->unres.n_flows++];
		fl->family = k->family;
		fl->proto = k->proto;
		fl->reason = e->reason;
		memcpy(fl->src, src, ipl);
		memcpy(fl->dst, dst, ipl);
		fl->sport = sport;
		fl->dport = dport;
		fl->via_gateway = nh_family != k->family || memcmp(nh, dst, ipl);
	}
	if (fl)
		fl->drops += e->count;
	return 0;
}

int ft_neigh_feed_arp(struct ft_reducer *r, const struct ft_arp_event *e)
{
	bool grat = e->flags & FT_ARP_GRATUITOUS, fresh, egress = e->hook == FT_HOOK_TC_EGRESS;
	const __u8 *ip, *mac = e->sender_mac;
	struct ft_claimer *cl = NULL;
	struct ft_ipclaim *c;
	struct ft_ip_key key;
	__u8 op;

	if (e->family == FT_FAMILY_IPV4 && e->op == FT_ARP_REQUEST && !grat) {
		int err = note_asker(r, e);

		if (err)
			return err;
	}
	if ((e->family == FT_FAMILY_IPV4 || e->family == FT_FAMILY_IPV6) &&
	    unres_feed_arp(r, e))
		return -ENOMEM;
	if ((e->flags & FT_ARP_PROBE) ||
	    (e->family != FT_FAMILY_IPV4 && e->family != FT_FAMILY_IPV6))
		return 0;
	switch (e->op) {
	case FT_ARP_REPLY:
		ip = e->sender_ip;
		op = grat ? FT_CLAIM_GRAT : FT_CLAIM_REPLY; /* UNSOL: below */
		break;
	case FT_ARP_REQUEST:
		ip = e->sender_ip;
		op = grat ? FT_CLAIM_GRAT : FT_CLAIM_REQUEST;
		break;
	case FT_NDP_NA:
		ip = e->target_ip;
		op = grat ? FT_CLAIM_GRAT : FT_CLAIM_REPLY;
		break;
	case FT_NDP_NS:
		ip = e->sender_ip;
		op = FT_CLAIM_REQUEST;
		break;
	default:
		return 0;
	}
	if (ip_is_zero(ip, e->family) || ft_mac_is_zero(mac))
		return 0;

	ip_key(&key, e->family, 0, ip);
	c = ft_table_get(&r->claims, &key, &fresh);
	if (!c)
		return -ENOMEM;
	if (op == FT_CLAIM_REPLY && e->op == FT_ARP_REPLY && reply_unsolicited(r, c, e))
		op = FT_CLAIM_UNSOL;
	for (int i = 0; i < c->n_macs; i++)
		if (!memcmp(c->macs[i].mac, mac, 6))
			cl = &c->macs[i];
	if (!cl) {
		if (c->n_macs == FT_IP_MACS) {
			c->macs_dropped++;
			r->macs_dropped++;
			return 0;
		}
		cl = &c->macs[c->n_macs++];
		memcpy(cl->mac, mac, 6);
		cl->first_ns = e->ts_ns;
	}
	/* Our own claims seen again on another traced port of the segment
	 * count for the interface that owns the MAC. */
	if (egress || ft_mac_is_local(r, mac)) {
		__u32 ifindex = egress ? e->ifindex : owner_ifindex(r, mac, e->ifindex);
		bool known = false;

		cl->local = 1;
		for (int i = 0; i < cl->n_if; i++)
			known |= cl->ifindex[i] == ifindex;
		if (!known && cl->n_if < FT_CLAIM_IFACES)
			cl->ifindex[cl->n_if++] = ifindex;
	} else {
		bool known = false;

		for (int i = 0; i < cl->n_if; i++)
			known |= cl->ifindex[i] == e->ifindex;
		if (!known && cl->n_if < FT_CLAIM_IFACES)
			cl->ifindex[cl->n_if++] = e->ifindex;
	}
	cl->ops |= op;
	if (e->op <= FT_ARP_REPLY && memcmp(e->eth_src, e->sender_mac, 6))
		cl->l2_mismatch = 1;
	cl->count += 1 + e->repeats;
	if (e->ts_ns < cl->first_ns)
		cl->first_ns = e->ts_ns;
	if (e->ts_ns > cl->last_ns)
		cl->last_ns = e->ts_ns;

	if (!ft_mac_is_zero(c->last_mac) && memcmp(c->last_mac, mac, 6))
		c->changes++;
	memcpy(c->last_mac, mac, 6);

	/* Several MACs answering one asker at once: one request, several answers. */
	if (op == FT_CLAIM_REPLY) {
		if (c->last_reply_ns && memcmp(c->last_reply_mac, mac, 6) &&
		    !memcmp(c->last_reply_dst, e->eth_dst, 6) &&
		    absdiff(e->ts_ns, c->last_reply_ns) <= FT_INSTANT_NS) {
			c->co_answers++;
			cl->co = 1;
			for (int i = 0; i < c->n_macs; i++)
				if (!memcmp(c->macs[i].mac, c->last_reply_mac, 6))
					c->macs[i].co = 1;
		}
		c->last_reply_ns = e->ts_ns;
		memcpy(c->last_reply_mac, mac, 6);
		memcpy(c->last_reply_dst, e->eth_dst, 6);
	}
	return 0;
}

static bool hist_has(const struct ft_neighst *n, const __u8 *mac)
{
	for (int i = 0; i < n->n_hist; i++)
		if (!memcmp(n->hist[i], mac, 6))
			return true;
	return false;
}

static void hist_add(struct ft_neighst *n, const __u8 *mac)
{
	if (hist_has(n, mac))
		return;
	if (n->n_hist == FT_NEIGH_HISTORY) {
		n->hist_dropped++;
		return;
	}
	memcpy(n->hist[n->n_hist++], mac, 6);
}

int ft_neigh_feed_neigh(struct ft_reducer *r, const struct ft_neigh_event *e)
{
	struct ft_neighst *n;
	struct ft_ip_key key;
	bool fresh;

	if (e->family != FT_FAMILY_IPV4 && e->family != FT_FAMILY_IPV6)
		return 0;
	/* Resolution gave up: the episode ends FAILED. A failing entry says
	 * nothing about who owns the address. */
	if (e->new_state == FT_NUD_FAILED) {
		n = neigh_get(r, e->family, e->ifindex, e->ip, e->ts_ns);
		if (!n)
			return -ENOMEM;
		unres_touch(&n->unres, e->ts_ns);
		n->unres.failed = 1;
		return 0;
	}
	/* An entry with an address: resolved. */
	if ((e->new_state & FT_NUD_VALID) && !ft_mac_is_zero(e->new_mac))
		unres_answered(r, e->family, e->ifindex, e->ip);
	/* Entries being resolved or failing have no address yet. */
	if (ft_mac_is_zero(e->new_mac) ||
	    (e->family != FT_FAMILY_IPV4 && e->family != FT_FAMILY_IPV6))
		return 0;
	ip_key(&key, e->family, e->ifindex, e->ip);
	n = ft_table_get(&r->neighs, &key, &fresh);
	if (!n)
		return -ENOMEM;
	if (fresh) {
		n->first_ns = e->ts_ns;
		/* An entry that existed before tracing started. */
		if (!ft_mac_is_zero(e->old_mac)) {
			memcpy(n->cur, e->old_mac, 6);
			hist_add(n, e->old_mac);
		}
	}
	if (e->ts_ns > n->last_ns)
		n->last_ns = e->ts_ns;
	if (ft_mac_is_zero(n->cur)) {
		memcpy(n->cur, e->new_mac, 6);
		hist_add(n, e->new_mac);
		return 0;
	}
	if (!memcmp(n->cur, e->new_mac, 6))
		return 0;
	n->changes++;
	n->changed_ns = e->ts_ns;
	if (hist_has(n, e->new_mac))
		n->flips++;
	else
		hist_add(n, e->new_mac);
	memcpy(n->cur, e->new_mac, 6);
	return 0;
}

/* ---- findings ---- */

/* MACs that answered for addresses only with replies, one entry per
 * (IP, MAC), sorted: a MAC listed for several IPs acts as a proxy. */
struct proxy_index {
	__u8 (*mac)[6];
	size_t n;
};

static int cmp_mac(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

static int proxy_index_build(struct ft_reducer *r, struct proxy_index *px)
{
	size_t cap = 0;

	memset(px, 0, sizeof(*px));
	for (__u32 i = 0; i < r->claims.n_alloc; i++) {
		const struct ft_ipclaim *c = ft_table_at(&r->claims, i);

		for (int m = 0; c && m < c->n_macs; m++) {
			if (c->macs[m].ops != FT_CLAIM_REPLY)
				continue;
			if (px->n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				void *v = realloc(px->mac, ncap * 6);

				if (!v)
					return -ENOMEM;
				px->mac = v;
				cap = ncap;
			}
			memcpy(px->mac[px->n++], c->macs[m].mac, 6);
		}
	}
	if (px->n)
		qsort(px->mac, px->n, 6, cmp_mac);
	return 0;
}

static size_t proxy_ips(const struct proxy_index *px, const __u8 *mac)
{
	size_t lo = 0, hi = px->n, n = 0;

	while (lo < hi) { /* first entry >= mac */
		size_t mid = (lo + hi) / 2;

		if (memcmp(px->mac[mid], mac, 6) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < px->n && !memcmp(px->mac[lo + n], mac, 6))
		n++;
	return n;
}

static bool claim_has(const struct ft_ipclaim *c, const __u8 *mac, __u8 ops, bool co)
{
	for (int i = 0; i < c->n_macs; i++)
		if (!memcmp(c->macs[i].mac, mac, 6))
			return (c->macs[i].ops & ops) && (!co || c->macs[i].co);
	return false;
}

/* Did a neighbour entry for c's IP go back to a MAC it had before, among
 * two or more of c's MACs? A host's NICs answering together leave the
 * entry alone (the kernel keeps the first answer); a spoofer overwrites
 * it, the owner's next packet puts it back. */
static bool neigh_flipped(const struct ft_reducer *r, const struct ft_ipclaim *c)
{
	for (__u32 i = 0; i < r->neighs.n_alloc; i++) {
		const struct ft_neighst *n = ft_table_at(&r->neighs, i);
		int both = 0;

		if (!n || !n->flips || n->key.family != c->key.family ||
		    memcmp(n->key.ip, c->key.ip, 16))
			continue;
		for (int h = 0; h < n->n_hist; h++)
			both += claim_has(c, n->hist[h], 0xff, false);
		if (both >= 2)
			return true;
	}
	return false;
}

/* What speaks against one host: evidence that the MACs act on their own. */
static __u8 several_evidence(const struct ft_reducer *r, const struct ft_ipclaim *c)
{
	int grat = 0, n_local = 0;
	__u8 ev = 0;

	for (int i = 0; i < c->n_macs; i++) {
		grat += !!(c->macs[i].ops & FT_CLAIM_GRAT);
		n_local += c->macs[i].local;
		if (c->macs[i].ops & FT_CLAIM_UNSOL)
			ev |= FT_EVID_UNSOLICITED;
	}
	if (grat >= 2)
		ev |= FT_EVID_GRAT_SEVERAL;
	if (n_local && n_local < c->n_macs)
		ev |= FT_EVID_LOCAL_AND_REMOTE;
	if (neigh_flipped(r, c))
		ev |= FT_EVID_NEIGH_FLIP;
	return ev;
}

/* A host with several NICs on one segment answers for all its addresses
 * from all of them: does another IP, itself free of evidence against one
 * host, have every MAC of c answering one request together? */
static bool shares_other_ips(const struct ft_reducer *r, const struct ft_ipclaim *c)
{
	for (__u32 i = 0; i < r->claims.n_alloc; i++) {
		const struct ft_ipclaim *o = ft_table_at(&r->claims, i);
		bool all = true;

		if (!o || o == c || o->n_macs < 2 || !o->co_answers ||
		    o->key.family != c->key.family)
			continue;
		for (int a = 0; all && a < c->n_macs; a++)
			all = claim_has(o, c->macs[a].mac, FT_CLAIM_REPLY, true);
		if (all && !several_evidence(r, o))
			return true;
	}
	return false;
}

/*
 * One host with several NICs, or several owners (a duplicate address, a
 * split-brain VIP, an ARP spoofer)? Answers in the same instant and MACs
 * that look alike prove nothing: a spoofer answers right after the owner,
 * and every VM, container and veth MAC is locally administered. So:
 * one_host only when the wire shows one host — every MAC of the IP
 * answered one request together, and they answer together for another
 * address too — and nothing shows several: no MAC sent replies nobody
 * asked for, at most one announced it, not this host and another, and no
 * neighbour entry flipped among them. Anything else: several.
 */
static void duplicate_verdict(const struct ft_reducer *r, const struct ft_ipclaim *c,
			      struct ft_finding *x)
{
	int univ = 0, ladm = 0;
	bool same_oui = true, all_co = true;

	for (int i = 0; i < c->n_macs; i++) {
		const struct ft_claimer *m = &c->macs[i];

		if (m->mac[0] & 0x02) {
			ladm++;
		} else {
			univ++;
			if (memcmp(m->mac, c->macs[0].mac, 3))
				same_oui = false;
		}
		all_co &= m->co;
		if (m->ops & (FT_CLAIM_GRAT | FT_CLAIM_UNSOL))
			ft_maclist_add(&x->announced_by, m->mac);
		if (m->ops & FT_CLAIM_REQUEST)
			ft_maclist_add(&x->used_by, m->mac);
	}
	if (univ == c->n_macs && same_oui)
		x->mac_evidence |= FT_EVID_SAME_OUI;
	if (ladm == c->n_macs)
		x->mac_evidence |= FT_EVID_LOCAL_ADMIN;
	x->mac_evidence |= several_evidence(r, c);
	x->reason = FT_DUP_SEVERAL_OWNERS;
	if (c->co_answers && all_co && shares_other_ips(r, c))
		x->mac_evidence |= FT_EVID_SHARED_IPS;
	if ((x->mac_evidence & FT_EVID_SHARED_IPS) &&
	    !(x->mac_evidence & (FT_EVID_UNSOLICITED | FT_EVID_GRAT_SEVERAL |
				 FT_EVID_LOCAL_AND_REMOTE | FT_EVID_NEIGH_FLIP)))
		x->reason = FT_DUP_ONE_HOST;
}

static __u8 classify(const struct ft_reducer *r, __u8 family, const __u8 *ip,
		     const struct ft_maclist *macs, bool l2_mismatch, bool proxy)
{
	bool vrrp = false, nlb = l2_mismatch;

	if (ft_allowed_ip(&r->allow, family, ip))
		return FT_CLASS_ALLOWED;
	for (__u32 i = 0; i < macs->n; i++) {
		if (ft_allowed_mac(&r->allow, macs->mac[i]))
			return FT_CLASS_ALLOWED;
		vrrp |= ft_mac_is_vrrp(macs->mac[i]);
		nlb |= ft_mac_is_nlb(macs->mac[i]);
	}
	if (vrrp)
		return FT_CLASS_VRRP;
	if (nlb)
		return FT_CLASS_NLB;
	return proxy ? FT_CLASS_PROXY_ARP : FT_CLASS_NONE;
}


/* One MAC's claims folded into a wire finding: its MAC, interfaces, count
 * and time span. */
static void add_claimer(struct ft_finding *x, const struct ft_claimer *m)
{
	ft_maclist_add(&x->macs, m->mac);
	for (int k = 0; k < m->n_if; k++)
		ft_iflist_add(&x->ifaces, m->ifindex[k]);
	x->weight += m->count;
	if (!x->first_ns || m->first_ns < x->first_ns)
		x->first_ns = m->first_ns;
	/* Several MACs claiming the IP is the evidence: it is renewed while
	 * a second one still claims it, so it dates from the second newest
	 * claim. */
	if (m->last_ns > x->last_ns) {
		x->evidence_ns = x->last_ns;
		x->last_ns = m->last_ns;
	} else if (m->last_ns > x->evidence_ns) {
		x->evidence_ns = m->last_ns;
	}
}
static int claim_findings(struct ft_reducer *r, const struct proxy_index *px,
			  const struct ft_ipclaim *c, struct ft_findings *fs)
{
	int n_local = 0, n_remote = 0;
	bool l2_mismatch = false, proxy = false, owner_uses = false;
	struct ft_finding *x;

	for (int i = 0; i < c->n_macs; i++) {
		n_local += c->macs[i].local;
		n_remote += !c->macs[i].local;
		l2_mismatch |= c->macs[i].l2_mismatch;
		owner_uses |= !!(c->macs[i].ops & (FT_CLAIM_REQUEST | FT_CLAIM_GRAT | FT_CLAIM_UNSOL));
	}
	if (n_local >= 2) {
		x = ft_findings_add(fs);
		if (!x)
			return -ENOMEM;
		x->kind = FT_KIND_LOCAL_FLUX;
		for (int i = 0; i < c->n_macs; i++) {
			if (c->macs[i].local)
				add_claimer(x, &c->macs[i]);
		}
	}
	if (n_remote >= 1 && c->n_macs >= 2) {
		x = ft_findings_add(fs);
		if (!x)
			return -ENOMEM;
		x->kind = FT_KIND_DUPLICATE_IP;
		for (int i = 0; i < c->n_macs; i++) {
			add_claimer(x, &c->macs[i]);
		}
		duplicate_verdict(r, c, x);
		/* A proxy answers only with replies, for several IPs, while
		 * the owner also uses the address itself. */
		for (int i = 0; x->reason == FT_DUP_SEVERAL_OWNERS && i < c->n_macs; i++)
			if (c->macs[i].ops == FT_CLAIM_REPLY && owner_uses &&
			    proxy_ips(px, c->macs[i].mac) >= FT_PROXY_MIN_IPS)
				proxy = true;
	}
	/* Both findings of one IP share the IP, the counters and the class. */
	for (size_t i = fs->n - (n_local >= 2) - (n_remote >= 1 && c->n_macs >= 2); i < fs->n;
	     i++) {
		x = &fs->v[i];
		x->family = c->key.family;
		memcpy(x->ip, c->key.ip, 16);
		x->changes = c->changes;
		x->co_answers = c->co_answers;
		x->cls = classify(r, x->family, x->ip, &x->macs, l2_mismatch,
				  x->kind == FT_KIND_DUPLICATE_IP && proxy);
	}
	return 0;
}

static int neigh_finding(struct ft_reducer *r, const struct proxy_index *px,
			 const struct ft_neighst *n, struct ft_findings *fs)
{
	struct ft_finding *x;
	bool proxy = false;

	if (!n->changes)
		return 0;
	x = ft_findings_add(fs);
	if (!x)
		return -ENOMEM;
	x->kind = n->flips ? FT_KIND_FLIP_FLOP : FT_KIND_MAC_CHANGED;
	x->family = n->key.family;
	memcpy(x->ip, n->key.ip, 16);
	for (int i = 0; i < n->n_hist; i++) {
		ft_maclist_add(&x->macs, n->hist[i]);
		proxy |= proxy_ips(px, n->hist[i]) >= FT_PROXY_MIN_IPS;
	}
	ft_iflist_add(&x->ifaces, n->key.ifindex);
	x->changes = n->changes;
	x->first_ns = n->first_ns;
	x->last_ns = n->last_ns;
	x->evidence_ns = n->changed_ns;
	x->weight = n->changes;
	x->cls = classify(r, x->family, x->ip, &x->macs, false, proxy);
	return 0;
}

/* A neighbour this host asked for that never answered: FAILED, or at
 * least FT_UNRES_MIN_REQUESTS requests, or packets dropped waiting for it,
 * with no answer since. One finding per address: an entry seen on a
 * bridge and its port is one neighbour. */
static int unres_finding(struct ft_reducer *r, const struct ft_neighst *n,
			 struct ft_findings *fs)
{
	const struct ft_unres *u = &n->unres;
	struct ft_finding *x = NULL;

	if (!u->active || !(u->failed || u->requests >= FT_UNRES_MIN_REQUESTS || u->drops))
		return 0;
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].kind == FT_KIND_UNRESOLVED_NEIGHBOR &&
		    fs->v[i].family == n->key.family && !memcmp(fs->v[i].ip, n->key.ip, 16))
			x = &fs->v[i];
	if (!x) {
		x = ft_findings_add(fs);
		if (!x)
			return -ENOMEM;
		x->kind = FT_KIND_UNRESOLVED_NEIGHBOR;
		x->family = n->key.family;
		memcpy(x->ip, n->key.ip, 16);
		x->first_ns = u->first_ns;
		x->cls = ft_allowed_ip(&r->allow, x->family, x->ip) ? FT_CLASS_ALLOWED
								   : FT_CLASS_NONE;
	}
	ft_iflist_add(&x->ifaces, n->key.ifindex);
	if (u->first_ns < x->first_ns)
		x->first_ns = u->first_ns;
	if (u->last_ns > x->last_ns)
		x->last_ns = x->evidence_ns = u->last_ns;
	if (u->requests > x->requests)
		x->requests = u->requests;
	x->neigh_failed |= u->failed;
	if (u->drops > x->unres_drops) {
		x->unres_drops = u->drops;
		x->n_unres_flows = u->n_flows;
		memcpy(x->unres_flows, u->flows, sizeof(u->flows));
	}
	x->weight = x->requests + x->unres_drops;
	return 0;
}

int ft_neigh_collect(struct ft_reducer *r, struct ft_findings *fs)
{
	struct proxy_index px;
	int err = proxy_index_build(r, &px);

	for (__u32 i = 0; !err && i < r->claims.n_alloc; i++) {
		const struct ft_ipclaim *c = ft_table_at(&r->claims, i);

		if (c && c->n_macs >= 2)
			err = claim_findings(r, &px, c, fs);
	}
	for (__u32 i = 0; !err && i < r->neighs.n_alloc; i++) {
		const struct ft_neighst *n = ft_table_at(&r->neighs, i);

		if (n)
			err = neigh_finding(r, &px, n, fs);
		if (n && !err)
			err = unres_finding(r, n, fs);
	}
	free(px.mac);
	return err;
}
