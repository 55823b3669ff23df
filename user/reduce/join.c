// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Correlated findings from the per-host reports. Passes, most specific
 * first; a finding used by one story is not reused by a later one, so a
 * DNAT bypass is one nat_return_bypass, not also a return_path_around.
 *   1. nat_return_bypass: on the balancer a flow in (client -> VIP) and a
 *      flow out (client -> real server) of one client; on the server the
 *      flow out's tuple, asked from a balancer MAC and answered to another.
 *   2. return_path_around: one tuple on two hosts where one saw only the
 *      requests and the other the replies, or both ends saw the replies on
 *      other interfaces than the requests.
 *   3. duplicate_ip_owners / arp_flux_explained: an observer's
 *      duplicate_ip or flip_flop whose MACs belong to traced hosts.
 * Stories of the same hosts and interfaces are grouped into one finding.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/format.h"
#include "explain/hostfacts.h"
#include "reduce/join.h"

struct join {
	const struct ft_host *h;
	size_t n;
	__u64 skew;
	bool *used[FT_CORR_HOSTS * 4];	/* [host][finding]: taken by a story */
	struct ft_correlation *out;
};

#define MAX_HOSTS (FT_CORR_HOSTS * 4)

static int alen(__u8 family)
{
	return family == FT_FAMILY_IPV6 ? 16 : 4;
}

static const struct ft_findings *fs_of(const struct join *j, size_t h)
{
	return &j->h[h].rep->findings;
}

static __s64 wall(const struct ft_host *h, __u64 ns)
{
	return (__s64)ns + h->mono_to_wall_ns;
}

/* Do two findings of two hosts overlap in time, within the skew? */
static bool overlap(const struct join *j, size_t ha, const struct ft_finding *a, size_t hb,
		    const struct ft_finding *b)
{
	__s64 skew = (__s64)j->skew;

	return wall(&j->h[ha], a->first_ns) - skew <= wall(&j->h[hb], b->last_ns) &&
	       wall(&j->h[hb], b->first_ns) - skew <= wall(&j->h[ha], a->last_ns);
}

static bool zero_mac(const __u8 *m)
{
	static const __u8 z[6];

	return !memcmp(m, z, 6);
}

/* The interface of host h that owns mac, or NULL. */
static const struct ft_iface_info *mac_owner_if(const struct ft_host *h, const __u8 *mac)
{
	const struct ft_iftable *t = h->rep->ifaces;

	if (!t || zero_mac(mac))
		return NULL;
	for (__u32 i = 0; i < t->n; i++)
		if (!memcmp(t->v[i].mac, mac, 6))
			return &t->v[i];
	return NULL;
}

/* The host (other than skip) owning mac, or -1. */
static int mac_owner(const struct join *j, const __u8 *mac, int skip)
{
	for (size_t i = 0; i < j->n; i++)
		if ((int)i != skip && mac_owner_if(&j->h[i], mac))
			return i;
	return -1;
}

static bool has_mac_of(const struct ft_host *h, const struct ft_maclist *l)
{
	for (__u32 i = 0; i < l->n; i++)
		if (mac_owner_if(h, l->mac[i]))
			return true;
	return false;
}

static bool all_macs_of(const struct ft_host *h, const struct ft_maclist *l)
{
	for (__u32 i = 0; i < l->n; i++)
		if (!mac_owner_if(h, l->mac[i]))
			return false;
	return true;
}

static bool same_ends(const struct ft_finding *a, const struct ft_finding *b)
{
	return a->family == b->family && a->proto == b->proto &&
	       !memcmp(a->client_ip, b->client_ip, alen(a->family));
}

static bool same_tuple(const struct ft_finding *a, const struct ft_finding *b)
{
	return same_ends(a, b) && !memcmp(a->server_ip, b->server_ip, alen(a->family)) &&
	       a->client_port == b->client_port && a->server_port == b->server_port;
}

static bool saw_reply(const struct ft_finding *f)
{
	return f->rep_in.n || f->rep_out.n;
}

static void iflist_merge(struct ft_iflist *d, const struct ft_iflist *s)
{
	for (__u32 i = 0; i < s->n; i++)
		ft_iflist_add(d, s->ifindex[i]);
}

static bool iflist_eq(const struct ft_iflist *a, const struct ft_iflist *b)
{
	struct ft_iflist u = *a;

	iflist_merge(&u, b);
	return u.n == a->n && u.n == b->n;
}

static struct ft_correlated *add(struct join *j, __u8 kind)
{
	struct ft_correlation *c = j->out;
	struct ft_correlated *x;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		struct ft_correlated *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	x = &c->v[c->n++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->reply_mac_host = -1;
	c->per_kind[kind]++;
	return x;
}

/* The part of host h, added on first use; NULL when the list is full. */
static struct ft_corr_host *part(struct ft_correlated *x, size_t h, __u8 role)
{
	for (__u32 i = 0; i < x->n_hosts; i++)
		if (x->hosts[i].host == h)
			return &x->hosts[i];
	if (x->n_hosts == FT_CORR_HOSTS)
		return NULL;
	x->hosts[x->n_hosts].host = h;
	x->hosts[x->n_hosts].role = role;
	return &x->hosts[x->n_hosts++];
}

/* Its own MACs on the interfaces it used. */
static void own_macs(const struct ft_host *h, struct ft_corr_host *p)
{
	for (__u32 i = 0; i < p->ifaces.n; i++) {
		const struct ft_iface_info *f = ft_iftable_get(h->rep->ifaces, p->ifaces.ifindex[i]);

		if (f && !zero_mac(f->mac))
			ft_maclist_add(&p->macs, f->mac);
	}
}

static void stretch(const struct join *j, struct ft_correlated *x, size_t h,
		    const struct ft_finding *f)
{
	__u64 a = wall(&j->h[h], f->first_ns), b = wall(&j->h[h], f->last_ns);

	if (!x->first_wall_ns || a < x->first_wall_ns)
		x->first_wall_ns = a;
	if (b > x->last_wall_ns)
		x->last_wall_ns = b;
}

static void set_flow(struct ft_correlated *x, const struct ft_finding *f)
{
	x->family = f->family;
	x->proto = f->proto;
	memcpy(x->client_ip, f->client_ip, 16);
	memcpy(x->server_ip, f->server_ip, 16);
	memcpy(x->asked_ip, f->server_ip, 16);
	x->client_port = f->client_port;
	x->server_port = f->server_port;
	x->asked_port = f->server_port;
}

static const char *ifs_str(const struct join *j, const struct ft_corr_host *p,
			   const struct ft_iflist *l, char *buf, size_t len)
{
	return ft_iflist_str(j->h[p->host].rep->ifaces, l, buf, len);
}

/* ---- 1. nat_return_bypass ---- */

/* On the balancer: the flow out (client -> real server) of flow in fi. */
static int nat_out_flow(const struct join *j, size_t b, size_t in)
{
	const struct ft_findings *fs = fs_of(j, b);
	const struct ft_finding *fi = &fs->v[in];
	int best = -1;

	for (size_t k = 0; k < fs->n; k++) {
		const struct ft_finding *fo = &fs->v[k];

		if (k == in || j->used[b][k] || !ft_kind_is_asymmetry(fo->kind) ||
		    !same_ends(fi, fo) || !fo->req_out.n || fo->req_in.n || saw_reply(fo) ||
		    (!memcmp(fo->server_ip, fi->server_ip, 16) && fo->server_port == fi->server_port))
			continue;
		/* Ports preserved: the client's port names the pair. */
		if (fo->client_port == fi->client_port)
			return k;
		/* Rewritten: the nearest in time, on this host's own clock. */
		if (best < 0 && fo->first_ns + FT_NSEC >= fi->first_ns &&
		    fo->first_ns <= fi->first_ns + FT_NSEC)
			best = k;
	}
	return best;
}

/* On server host s: the flow out's tuple, asked from a MAC of balancer b
 * and answered to another. */
static int nat_server_flow(const struct join *j, size_t b, const struct ft_finding *fo, size_t s)
{
	const struct ft_findings *fs = fs_of(j, s);
	int best = -1;

	for (size_t k = 0; k < fs->n; k++) {
		const struct ft_finding *f = &fs->v[k];

		if (j->used[s][k] || !ft_kind_is_asymmetry(f->kind) || !same_ends(f, fo) ||
		    memcmp(f->server_ip, fo->server_ip, 16) || f->server_port != fo->server_port ||
		    !f->rep_dst.n || has_mac_of(&j->h[b], &f->rep_dst) ||
		    !has_mac_of(&j->h[b], &f->req_src) || !overlap(j, b, fo, s, f))
			continue;
		if (f->client_port == fo->client_port)
			return k;
		if (best < 0)
			best = k;
	}
	return best;
}

static struct ft_correlated *nat_story(struct join *j, size_t b, const struct ft_finding *fi,
				       size_t s, const struct ft_finding *fv, const __u8 *mac)
{
	struct ft_correlation *c = j->out;

	for (size_t i = 0; i < c->n; i++) {
		struct ft_correlated *x = &c->v[i];

		if (x->kind == FT_CORR_NAT_RETURN_BYPASS && x->hosts[0].host == b &&
		    x->hosts[1].host == s && x->family == fi->family && x->proto == fi->proto &&
		    !memcmp(x->asked_ip, fi->server_ip, 16) && x->asked_port == fi->server_port &&
		    !memcmp(x->server_ip, fv->server_ip, 16) && x->server_port == fv->server_port &&
		    !memcmp(x->reply_mac, mac, 6))
			return x;
	}
	return NULL;
}

static int nat_pass(struct join *j)
{
	for (size_t b = 0; b < j->n; b++) {
		const struct ft_findings *fs = fs_of(j, b);

		for (size_t in = 0; in < fs->n; in++) {
			const struct ft_finding *fi = &fs->v[in];
			int out;

			if (j->used[b][in] || !ft_kind_is_asymmetry(fi->kind) || !fi->req_in.n ||
			    fi->req_out.n || saw_reply(fi))
				continue;
			out = nat_out_flow(j, b, in);
			if (out < 0)
				continue;
			for (size_t s = 0; s < j->n; s++) {
				const struct ft_finding *fo = &fs->v[out], *fv;
				struct ft_correlated *x;
				struct ft_corr_host *pb, *ps;
				const __u8 *mac;
				int v, owner;

				if (s == b || (v = nat_server_flow(j, b, fo, s)) < 0)
					continue;
				fv = &fs_of(j, s)->v[v];
				mac = fv->rep_dst.mac[0];
				for (__u32 m = 0; m < fv->rep_dst.n; m++)
					if (!mac_owner_if(&j->h[b], fv->rep_dst.mac[m]))
						mac = fv->rep_dst.mac[m];
				x = nat_story(j, b, fi, s, fv, mac);
				if (!x) {
					x = add(j, FT_CORR_NAT_RETURN_BYPASS);
					if (!x)
						return -ENOMEM;
					set_flow(x, fv);
					memcpy(x->asked_ip, fi->server_ip, 16);
					x->asked_port = fi->server_port;
					memcpy(x->reply_mac, mac, 6);
					owner = mac_owner(j, mac, -1);
					x->reply_mac_host = owner;
					pb = part(x, b, FT_CORR_ROLE_BALANCER);
					ps = part(x, s, FT_CORR_ROLE_SERVER);
					iflist_merge(&pb->req_ifaces, &fi->req_in);
					iflist_merge(&pb->req_ifaces, &fo->req_out);
					pb->ifaces = pb->req_ifaces;
					iflist_merge(&ps->req_ifaces, &fv->req_in);
					iflist_merge(&ps->rep_ifaces, &fv->rep_out);
					ps->ifaces = ps->req_ifaces;
					iflist_merge(&ps->ifaces, &ps->rep_ifaces);
					own_macs(&j->h[b], pb);
					own_macs(&j->h[s], ps);
					if (owner >= 0) {
						struct ft_corr_host *pc = part(x, owner, FT_CORR_ROLE_CLIENT);
						const struct ft_iface_info *ci =
							mac_owner_if(&j->h[owner], mac);

						if (pc && ci) {
							ft_iflist_add(&pc->ifaces, ci->ifindex);
							ft_maclist_add(&pc->macs, ci->mac);
						}
					}
				}
				x->flows++;
				stretch(j, x, b, fi);
				stretch(j, x, s, fv);
				j->used[b][in] = j->used[b][out] = j->used[s][v] = true;
				break;
			}
		}
	}
	return 0;
}

/* ---- 2. return_path_around ---- */

/* The story of these hosts with these interfaces, or a new one. */
static struct ft_correlated *around_story(struct join *j, size_t ha, const struct ft_iflist *areq,
					  const struct ft_iflist *arep, size_t hb,
					  const struct ft_iflist *breq,
					  const struct ft_iflist *brep, const struct ft_finding *f,
					  __u8 role_a, __u8 role_b)
{
	struct ft_correlation *c = j->out;
	struct ft_correlated *x;
	struct ft_corr_host *pa, *pb;

	for (size_t i = 0; i < c->n; i++) {
		x = &c->v[i];
		if (x->kind == FT_CORR_RETURN_PATH_AROUND && x->hosts[0].host == ha &&
		    x->hosts[1].host == hb && x->family == f->family &&
		    !memcmp(x->client_ip, f->client_ip, 16) &&
		    !memcmp(x->server_ip, f->server_ip, 16) &&
		    iflist_eq(&x->hosts[0].req_ifaces, areq) &&
		    iflist_eq(&x->hosts[0].rep_ifaces, arep) &&
		    iflist_eq(&x->hosts[1].req_ifaces, breq) &&
		    iflist_eq(&x->hosts[1].rep_ifaces, brep))
			return x;
	}
	x = add(j, FT_CORR_RETURN_PATH_AROUND);
	if (!x)
		return NULL;
	set_flow(x, f);
	pa = part(x, ha, role_a);
	pb = part(x, hb, role_b);
	pa->req_ifaces = *areq;
	pa->rep_ifaces = *arep;
	pb->req_ifaces = *breq;
	pb->rep_ifaces = *brep;
	pa->ifaces = *areq;
	iflist_merge(&pa->ifaces, arep);
	pb->ifaces = *breq;
	iflist_merge(&pb->ifaces, brep);
	own_macs(&j->h[ha], pa);
	own_macs(&j->h[hb], pb);
	return x;
}

static struct ft_iflist req_ifs(const struct ft_finding *f)
{
	struct ft_iflist l = f->req_in;

	iflist_merge(&l, &f->req_out);
	return l;
}

static struct ft_iflist rep_ifs(const struct ft_finding *f)
{
	struct ft_iflist l = f->rep_in;

	iflist_merge(&l, &f->rep_out);
	return l;
}

/* A host that saw only requests, another that saw the replies. */
static int around_missing(struct join *j, size_t m, size_t km)
{
	const struct ft_finding *fm = &fs_of(j, m)->v[km];

	for (size_t h = 0; h < j->n; h++) {
		const struct ft_findings *fs = fs_of(j, h);

		for (size_t k = 0; h != m && k < fs->n; k++) {
			const struct ft_finding *f = &fs->v[k];
			struct ft_iflist mreq = req_ifs(fm), mrep = { 0 }, hreq, hrep;
			struct ft_correlated *x;

			/* Replies sent to (or from) m's own MACs did reach it. */
			if (j->used[h][k] || !ft_kind_is_asymmetry(f->kind) || !same_tuple(f, fm) ||
			    !saw_reply(f) || has_mac_of(&j->h[m], &f->rep_dst) ||
			    has_mac_of(&j->h[m], &f->rep_src) || !overlap(j, m, fm, h, f))
				continue;
			hreq = req_ifs(f);
			hrep = rep_ifs(f);
			x = around_story(j, m, &mreq, &mrep, h, &hreq, &hrep, fm, FT_CORR_ROLE_BYPASSED,
					 f->req_in.n ? FT_CORR_ROLE_SERVER : FT_CORR_ROLE_CLIENT);
			if (!x)
				return -ENOMEM;
			x->flows++;
			stretch(j, x, m, fm);
			stretch(j, x, h, f);
			j->used[m][km] = j->used[h][k] = true;
			return 0;
		}
	}
	return 0;
}

/* Both ends saw the replies, at least one on other interfaces than its
 * requests: the client end (requests out, replies in) first. */
static int around_ends(struct join *j, size_t c, size_t kc)
{
	const struct ft_finding *fc = &fs_of(j, c)->v[kc];

	for (size_t s = 0; s < j->n; s++) {
		const struct ft_findings *fs = fs_of(j, s);

		for (size_t k = 0; s != c && k < fs->n; k++) {
			const struct ft_finding *f = &fs->v[k];
			struct ft_correlated *x;

			if (j->used[s][k] || !ft_kind_is_asymmetry(f->kind) || !same_tuple(f, fc) ||
			    !f->req_in.n || !f->rep_out.n || !overlap(j, c, fc, s, f))
				continue;
			if (iflist_eq(&fc->req_out, &fc->rep_in) && iflist_eq(&f->req_in, &f->rep_out))
				continue;
			/* The client's one link, its next hops all the server's own
			 * MACs: the server's NICs on one segment (its ARP flux or
			 * its own return_path_mismatch), no path around anything. */
			if (iflist_eq(&fc->req_out, &fc->rep_in) && all_macs_of(&j->h[s], &fc->req_dst) &&
			    all_macs_of(&j->h[s], &fc->rep_src))
				continue;
			x = around_story(j, c, &fc->req_out, &fc->rep_in, s, &f->req_in, &f->rep_out,
					 fc, FT_CORR_ROLE_CLIENT, FT_CORR_ROLE_SERVER);
			if (!x)
				return -ENOMEM;
			x->flows++;
			stretch(j, x, c, fc);
			stretch(j, x, s, f);
			j->used[c][kc] = j->used[s][k] = true;
			return 0;
		}
	}
	return 0;
}

static int around_pass(struct join *j)
{
	for (size_t h = 0; h < j->n; h++) {
		const struct ft_findings *fs = fs_of(j, h);

		for (size_t k = 0; k < fs->n; k++) {
			const struct ft_finding *f = &fs->v[k];
			int err = 0;

			if (j->used[h][k] || !ft_kind_is_asymmetry(f->kind))
				continue;
			if (!saw_reply(f) && (f->req_in.n || f->req_out.n))
				err = around_missing(j, h, k);
			else if (f->req_out.n && f->rep_in.n && !f->req_in.n)
				err = around_ends(j, h, k);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- 3. ARP stories ---- */

/* The owners of a story, in host order, are exactly owners[0..n). */
static bool same_owners(const struct ft_correlated *x, const int *owners, size_t n)
{
	size_t k = 0;

	for (__u32 i = 0; i < x->n_hosts; i++) {
		if (x->hosts[i].role != FT_CORR_ROLE_OWNER)
			continue;
		if (k == n || x->hosts[i].host != (__u32)owners[k])
			return false;
		k++;
	}
	return k == n;
}

static void add_ip(struct ft_correlated *x, const struct ft_finding *f)
{
	for (__u8 i = 0; i < x->n_ips; i++)
		if (x->ip_family[i] == f->family && !memcmp(x->ips[i], f->ip, 16))
			return;
	if (x->n_ips == FT_CORR_IPS)
		return;
	x->ip_family[x->n_ips] = f->family;
	memcpy(x->ips[x->n_ips++], f->ip, 16);
}

static void owner_sysctls(const struct join *j, struct ft_corr_host *p)
{
	char names[FT_LIST_MAX][FT_IFNAMSIZ + 16];
	const char *ptrs[FT_LIST_MAX];
	const struct ft_host *h = &j->h[p->host];

	if (!h->facts || h->facts->mode == FT_FACTS_NONE) {
		snprintf(p->sysctls, sizeof(p->sysctls), "not recorded (format version 1 trace)");
		return;
	}
	for (__u32 i = 0; i < p->ifaces.n; i++)
		ptrs[i] = ft_iftable_name(h->rep->ifaces, p->ifaces.ifindex[i], names[i],
					  sizeof(names[i]));
	ft_hostfacts_sysctl_str(h->facts, ptrs, p->ifaces.n,
				FT_SC_ARP_IGNORE | FT_SC_ARP_ANNOUNCE | FT_SC_ARP_FILTER, p->sysctls,
				sizeof(p->sysctls));
}

/* The traced hosts owning f's MACs (the observer too: a node of a
 * split-brain VIP sees its peer claim its address), in host order. */
static size_t arp_owners(const struct join *j, const struct ft_finding *f, int *owners,
			 bool *untraced)
{
	size_t n = 0;

	*untraced = false;
	for (__u32 i = 0; i < f->macs.n; i++) {
		int h = mac_owner(j, f->macs.mac[i], -1);
		size_t k;

		if (h < 0) {
			*untraced = true;
			continue;
		}
		for (k = 0; k < n && owners[k] != h; k++)
			;
		if (k < n || n == FT_CORR_HOSTS - 1)
			continue;
		while (k > 0 && owners[k - 1] > h) {
			owners[k] = owners[k - 1];
			k--;
		}
		owners[k] = h;
		n++;
	}
	return n;
}

/* One observer's duplicate_ip or flip_flop: the story of its owners. */
static int arp_one(struct join *j, size_t o, const struct ft_finding *f)
{
	int owners[FT_CORR_HOSTS - 1];
	struct ft_correlation *c = j->out;
	struct ft_correlated *x = NULL;
	struct ft_corr_host *seer;
	bool untraced;
	size_t n = arp_owners(j, f, owners, &untraced);
	__u8 kind;

	/* Nothing to join: no traced owner, or the observer owns them all. */
	if (!n || (n == 1 && (size_t)owners[0] == o && !untraced))
		return 0;
	if (n == 1 && !untraced && f->macs.n >= 2)
		kind = FT_CORR_ARP_FLUX_EXPLAINED;
	else
		kind = FT_CORR_DUPLICATE_IP_OWNERS;
	for (size_t i = 0; i < c->n && !x; i++)
		if (c->v[i].kind == kind && same_owners(&c->v[i], owners, n))
			x = &c->v[i];
	if (!x) {
		x = add(j, kind);
		if (!x)
			return -ENOMEM;
		x->family = f->family;
		for (size_t i = 0; i < n; i++)
			part(x, owners[i], FT_CORR_ROLE_OWNER);
	}
	seer = part(x, o, FT_CORR_ROLE_OBSERVER);
	if (seer && seer->role == FT_CORR_ROLE_OBSERVER)
		iflist_merge(&seer->ifaces, &f->ifaces);
	add_ip(x, f);
	x->seen_as |= 1u << f->kind;
	x->flows++;
	stretch(j, x, o, f);
	for (__u32 i = 0; i < f->macs.n; i++) {
		for (__u32 p = 0; p < x->n_hosts; p++) {
			const struct ft_iface_info *in =
				mac_owner_if(&j->h[x->hosts[p].host], f->macs.mac[i]);

			if (in && x->hosts[p].role == FT_CORR_ROLE_OWNER) {
				ft_iflist_add(&x->hosts[p].ifaces, in->ifindex);
				ft_maclist_add(&x->hosts[p].macs, in->mac);
			}
		}
	}
	return 0;
}

static int arp_pass(struct join *j)
{
	for (size_t o = 0; o < j->n; o++) {
		const struct ft_findings *fs = fs_of(j, o);

		for (size_t k = 0; k < fs->n; k++) {
			const struct ft_finding *f = &fs->v[k];
			int err;

			if (f->kind != FT_KIND_DUPLICATE_IP && f->kind != FT_KIND_FLIP_FLOP)
				continue;
			err = arp_one(j, o, f);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- the sentences ---- */

/* The summary sentence (cut at its size, which holds any real one). */
__attribute__((format(printf, 2, 3)))
static void say(struct ft_correlated *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->summary, sizeof(x->summary), fmt, ap);
	va_end(ap);
}

static const char *label(const struct join *j, const struct ft_corr_host *p)
{
	return j->h[p->host].label;
}

static void say_nat(const struct join *j, struct ft_correlated *x)
{
	const struct ft_corr_host *b = &x->hosts[0], *s = &x->hosts[1];
	char ci[FT_IP_STRLEN], vi[FT_IP_STRLEN], si[FT_IP_STRLEN], mac[FT_MAC_STRLEN];
	char bif[160], bmac[160], sif[160], who[200] = "";

	ifs_str(j, b, &b->ifaces, bif, sizeof(bif));
	ft_maclist_str(&b->macs, bmac, sizeof(bmac));
	ifs_str(j, s, &s->rep_ifaces, sif, sizeof(sif));
	if (x->reply_mac_host >= 0)
		snprintf(who, sizeof(who), " (host %s)", j->h[x->reply_mac_host].label);
	say(x, "Balancer %s (%s, %s) forwards %s -> %s:%u to %s:%u without SNAT, and the real "
	       "server, host %s, sends the replies out %s to %s%s instead of back through the "
	       "balancer (%u flow%s): SNAT on the balancer, or route the clients via it on the "
	       "server.",
		 label(j, b), bif, bmac, ft_fmt_ip(x->family, x->client_ip, ci),
		 ft_fmt_ip(x->family, x->asked_ip, vi), x->asked_port,
		 ft_fmt_ip(x->family, x->server_ip, si), x->server_port, label(j, s), sif,
		 ft_fmt_mac(x->reply_mac, mac), who, x->flows, x->flows == 1 ? "" : "s");
}

static void say_around(const struct join *j, struct ft_correlated *x)
{
	const struct ft_corr_host *a = &x->hosts[0], *b = &x->hosts[1];
	char ci[FT_IP_STRLEN], si[FT_IP_STRLEN], a1[160], a2[160], b1[160], b2[160];

	ft_fmt_ip(x->family, x->client_ip, ci);
	ft_fmt_ip(x->family, x->server_ip, si);
	ifs_str(j, a, &a->req_ifaces, a1, sizeof(a1));
	ifs_str(j, b, &b->req_ifaces, b1, sizeof(b1));
	ifs_str(j, b, &b->rep_ifaces, b2, sizeof(b2));
	if (a->role == FT_CORR_ROLE_BYPASSED) {
		say(x, "Requests %s -> %s pass %s (%s) but their replies never do: %s %s them "
			 "on %s (%u flow%s); the return path goes around %s (its firewall or "
			 "NAT state never sees the answers): check the routes back to %s.",
			 ci, si, label(j, a), a1, label(j, b),
			 b->role == FT_CORR_ROLE_SERVER ? "sends" : "receives", b2, x->flows,
			 x->flows == 1 ? "" : "s", label(j, a), ci);
		return;
	}
	ifs_str(j, a, &a->rep_ifaces, a2, sizeof(a2));
	say(x, "Requests %s -> %s leave %s by %s and reach %s on %s; the replies leave %s by "
		 "%s and reach %s on %s (%u flow%s): the return path goes around the request "
		 "path; check %s's route back to %s and what filters %s's %s.",
		 ci, si, label(j, a), a1, label(j, b), b1, label(j, b), b2, label(j, a), a2,
		 x->flows, x->flows == 1 ? "" : "s", label(j, b), ci, label(j, a), a2);
}

static void ips_str(const struct ft_correlated *x, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (__u8 i = 0; i < x->n_ips && off < len; i++) {
		char ip[FT_IP_STRLEN];
		int w = snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				 ft_fmt_ip(x->ip_family[i], x->ips[i], ip));

		off += w > 0 ? w : 0;
	}
}

/* "a (eth0, 02:..) and b (eth0, 02:..)" of the hosts of one role. */
static void parts_str(const struct join *j, const struct ft_correlated *x, __u8 role, bool macs,
		      char *buf, size_t len)
{
	__u32 n = 0, k = 0;
	size_t off = 0;

	buf[0] = 0;
	for (__u32 i = 0; i < x->n_hosts; i++)
		n += x->hosts[i].role == role;
	for (__u32 i = 0; i < x->n_hosts && off < len; i++) {
		const struct ft_corr_host *p = &x->hosts[i];
		char ifs[160], ms[160];
		int w;

		if (p->role != role)
			continue;
		ifs_str(j, p, &p->ifaces, ifs, sizeof(ifs));
		if (macs)
			w = snprintf(buf + off, len - off, "%s%s (%s, %s)",
				     !k ? "" : k + 1 == n ? " and " : ", ", label(j, p), ifs,
				     ft_maclist_str(&p->macs, ms, sizeof(ms)));
		else
			w = snprintf(buf + off, len - off, "%s%s (%s)",
				     !k ? "" : k + 1 == n ? " and " : ", ", label(j, p), ifs);
		off += w > 0 ? w : 0;
		k++;
	}
}

static void say_arp(const struct join *j, struct ft_correlated *x)
{
	char ips[FT_CORR_IPS * FT_IP_STRLEN], owners[400], seen[300], *sc = "";

	ips_str(x, ips, sizeof(ips));
	parts_str(j, x, FT_CORR_ROLE_OWNER, true, owners, sizeof(owners));
	parts_str(j, x, FT_CORR_ROLE_OBSERVER, false, seen, sizeof(seen));
	for (__u32 i = 0; i < x->n_hosts; i++)
		if (x->hosts[i].role == FT_CORR_ROLE_OWNER)
			sc = x->hosts[i].sysctls;
	if (x->kind == FT_CORR_ARP_FLUX_EXPLAINED) {
		say(x,
		    "%s sees %s answered by several MACs, all of host %s: that host answers ARP "
		    "from every interface (%s); set arp_ignore=1 and arp_announce=2 there.",
		    seen[0] ? seen : "A traced host", ips, owners, sc);
		return;
	}
	say(x, "%s claimed by %s%s%s: let only one of them hold %s (a split-brain VIP or an "
	       "address conflict).",
	    ips, owners, seen[0] ? ", seen by " : "", seen, x->n_ips == 1 ? "it" : "each");
}

/* Interfaces in the order of the host's table, and its MACs on them:
 * the same story reads the same whatever order its findings came in. */
static void tidy(const struct join *j, struct ft_correlated *x)
{
	for (__u32 i = 0; i < x->n_hosts; i++) {
		struct ft_corr_host *p = &x->hosts[i];
		const struct ft_iftable *t = j->h[p->host].rep->ifaces;
		struct ft_iflist l = { 0 };
		bool macs = p->macs.n;

		for (__u32 k = 0; t && k < t->n; k++)
			for (__u32 m = 0; m < p->ifaces.n; m++)
				if (p->ifaces.ifindex[m] == t->v[k].ifindex)
					ft_iflist_add(&l, t->v[k].ifindex);
		for (__u32 m = 0; m < p->ifaces.n; m++)
			ft_iflist_add(&l, p->ifaces.ifindex[m]); /* not in the table: last */
		p->ifaces = l;
		memset(&p->macs, 0, sizeof(p->macs));
		if (macs)
			own_macs(&j->h[p->host], p);
	}
}

static int by_kind(const void *a, const void *b)
{
	const struct ft_correlated *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->first_wall_ns < y->first_wall_ns ? -1 : x->first_wall_ns > y->first_wall_ns;
}

int ft_join(const struct ft_host *hosts, size_t n, __u64 skew_ns, struct ft_correlation *out)
{
	struct join j = { .h = hosts, .n = n, .skew = skew_ns, .out = out };
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (n > MAX_HOSTS)
		n = j.n = MAX_HOSTS;
	for (size_t i = 0; i < n && !err; i++) {
		j.used[i] = calloc(hosts[i].rep->findings.n + 1, sizeof(bool));
		if (!j.used[i])
			err = -ENOMEM;
	}
	if (!err)
		err = nat_pass(&j);
	if (!err)
		err = around_pass(&j);
	if (!err)
		err = arp_pass(&j);
	for (size_t i = 0; i < n; i++)
		free(j.used[i]);
	if (err) {
		ft_correlation_free(out);
		return err;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(out->v[0]), by_kind);
	for (size_t i = 0; i < out->n; i++) {
		struct ft_correlated *x = &out->v[i];

		tidy(&j, x);
		for (__u32 p = 0; x->kind == FT_CORR_ARP_FLUX_EXPLAINED && p < x->n_hosts; p++)
			if (x->hosts[p].role == FT_CORR_ROLE_OWNER)
				owner_sysctls(&j, &x->hosts[p]);
		if (x->kind == FT_CORR_NAT_RETURN_BYPASS)
			say_nat(&j, x);
		else if (x->kind == FT_CORR_RETURN_PATH_AROUND)
			say_around(&j, x);
		else
			say_arp(&j, x);
	}
	return 0;
}
