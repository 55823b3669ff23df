// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Findings: the flow and neighbour collectors add them, then they are
 * ordered worst first, trimmed to a bound per kind, and given their hints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "explain/explain.h"
#include "reduce/internal.h"

struct ft_finding *ft_findings_add(struct ft_findings *fs)
{
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 64;
		struct ft_finding *v = realloc(fs->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		fs->v = v;
		fs->cap = cap;
	}
	memset(&fs->v[fs->n], 0, sizeof(fs->v[0]));
	return &fs->v[fs->n++];
}

void ft_findings_free(struct ft_findings *fs)
{
	free(fs->v);
	free(fs->hints);
	memset(fs, 0, sizeof(*fs));
}

/* ---- groups ---- */

/*
 * Asymmetry findings are made per flow and folded into groups by what is
 * wrong: kind, class, one-way reason, protocol, the first ICMP error, the
 * local end (a server's ip:port, or a client's address when this host only
 * asked), the interfaces of each direction and, for a client, the L2 next
 * hops its requests went to (the gateway or the server on the link: one
 * group per way out). A server's L2 peers are not part of the key (a
 * LAN's clients each have their own MAC); they are listed, as a union.
 * ARP-flux findings are one per address already: each is its own group.
 */
struct group_key {
	__u8 kind, cls, reason, family, proto, role, icmp_type, icmp_code;
	__u16 port;
	__u8 ip[16];
	__u32 ifs[4][FT_LIST_MAX];	/* request in/out, reply in/out, sorted */
	__u8 next_hops[FT_LIST_MAX][6];	/* a client's request_dst_macs, sorted */
};

struct ft_groups {
	struct ft_finding *v;
	size_t n, cap;
	__u32 *slot;		/* open addressing: group index + 1, by id */
	size_t n_slot;
	__u64 *peers;		/* (group id, peer address) hashes seen */
	size_t n_peers, peers_cap;
	__u64 dropped[FT_KIND_MAX][2];	/* members of groups past FT_MAX_GROUPS */
};

/* Groups held while collecting: a flood of distinct endpoints (a port
 * scan) is counted past this, not kept. */
#define FT_MAX_GROUPS 65536
/* Pending per-flow findings folded into groups at once. */
#define FT_FOLD_BATCH 4096

static __u64 fnv1a(__u64 h, const void *p, size_t len)
{
	const __u8 *b = p;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_mac6(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

static void key_ifs(__u32 *dst, const struct ft_iflist *l)
{
	memcpy(dst, l->ifindex, l->n * sizeof(__u32));
	qsort(dst, l->n, sizeof(__u32), cmp_u32);
}

/* This host only sent the requests (and got replies, or none): it is the
 * client. Requests that came in, or passed through, make it the server
 * side (or a forwarder: the service is still the server's endpoint). */
static __u8 finding_role(const struct ft_finding *f)
{
	return f->req_out.n && !f->req_in.n ? FT_ROLE_CLIENT : FT_ROLE_SERVER;
}

static __u64 asym_id(const struct ft_finding *f)
{
	struct group_key k;

	memset(&k, 0, sizeof(k));
	k.kind = f->kind;
	k.cls = f->cls;
	k.reason = f->kind == FT_KIND_ONE_WAY ? f->reason : 0;
	k.family = f->family;
	k.proto = f->proto;
	k.role = f->role;
	if (f->n_icmp) {
		k.icmp_type = f->icmp[0].type;
		k.icmp_code = f->icmp[0].code;
	}
	if (f->role == FT_ROLE_CLIENT) {
		memcpy(k.ip, f->client_ip, 16);
		memcpy(k.next_hops, f->req_dst.mac, f->req_dst.n * 6);
		qsort(k.next_hops, f->req_dst.n, 6, cmp_mac6);
	} else {
		memcpy(k.ip, f->server_ip, 16);
		k.port = f->server_port;
	}
	key_ifs(k.ifs[0], &f->req_in);
	key_ifs(k.ifs[1], &f->req_out);
	key_ifs(k.ifs[2], &f->rep_in);
	key_ifs(k.ifs[3], &f->rep_out);
	return fnv1a(FNV_OFFSET, &k, sizeof(k));
}

/* ARP flux: the kind and the address; entries tracked per interface
 * (flip_flop, mac_changed) add theirs. */
static __u64 flux_id(const struct ft_finding *f)
{
	struct {
		__u8 kind, family, pad[2];
		__u32 ifindex;
		__u8 ip[16];
	} k;

	memset(&k, 0, sizeof(k));
	k.kind = f->kind;
	k.family = f->family;
	memcpy(k.ip, f->ip, 16);
	if ((f->kind == FT_KIND_FLIP_FLOP || f->kind == FT_KIND_MAC_CHANGED) && f->ifaces.n)
		k.ifindex = f->ifaces.ifindex[0];
	return fnv1a(FNV_OFFSET, &k, sizeof(k));
}

static void sample_of(const struct ft_finding *f, struct ft_sample *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->client_ip, f->client_ip, 16);
	memcpy(s->server_ip, f->server_ip, 16);
	s->client_port = f->client_port;
	s->server_port = f->server_port;
	s->pkts_req = f->pkts_req;
	s->pkts_rep = f->pkts_rep;
	s->first_ns = f->first_ns;
	s->last_ns = f->last_ns;
}

/* Worse: more packets, then earlier, then by address: a total order, so
 * the same members give the same samples live and in a replay. */
static int sample_cmp(const struct ft_sample *a, const struct ft_sample *b)
{
	__u64 wa = a->pkts_req + a->pkts_rep, wb = b->pkts_req + b->pkts_rep;
	int c;

	if (wa != wb)
		return wa > wb ? -1 : 1;
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	c = memcmp(a->client_ip, b->client_ip, 16);
	if (!c)
		c = (int)a->client_port - (int)b->client_port;
	if (!c)
		c = memcmp(a->server_ip, b->server_ip, 16);
	if (!c)
		c = (int)a->server_port - (int)b->server_port;
	return c;
}

/* Is this (group, peer) new? A set of 64-bit hashes: a collision only
 * undercounts distinct peers. */
static int peer_new(struct ft_groups *gs, __u64 id, const __u8 *ip, bool *fresh)
{
	__u64 h = fnv1a(id ? id : 1, ip, 16), mask;
	size_t i;

	if (!h)
		h = 1;
	if ((gs->n_peers + 1) * 2 > gs->peers_cap) {
		size_t cap = gs->peers_cap ? gs->peers_cap * 2 : 1024;
		__u64 *v = calloc(cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		for (size_t j = 0; j < gs->peers_cap; j++) {
			__u64 x = gs->peers[j];

			if (!x)
				continue;
			for (i = x & (cap - 1); v[i]; i = (i + 1) & (cap - 1))
				;
			v[i] = x;
		}
		free(gs->peers);
		gs->peers = v;
		gs->peers_cap = cap;
	}
	mask = gs->peers_cap - 1;
	for (i = h & mask; gs->peers[i]; i = (i + 1) & mask) {
		if (gs->peers[i] == h) {
			*fresh = false;
			return 0;
		}
	}
	gs->peers[i] = h;
	gs->n_peers++;
	*fresh = true;
	return 0;
}

static int slot_rehash(struct ft_groups *gs)
{
	size_t n = gs->n_slot ? gs->n_slot * 2 : 256;
	__u32 *v = calloc(n, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t g = 0; g < gs->n; g++) {
		size_t i;

		for (i = gs->v[g].id & (n - 1); v[i]; i = (i + 1) & (n - 1))
			;
		v[i] = g + 1;
	}
	free(gs->slot);
	gs->slot = v;
	gs->n_slot = n;
	return 0;
}

/* The group with this id, or a new one (NULL: at FT_MAX_GROUPS or out of
 * memory; *err says which). */
static struct ft_finding *group_get(struct ft_groups *gs, __u64 id, bool *fresh, int *err)
{
	size_t mask, i;

	*err = 0;
	if ((gs->n + 1) * 2 > gs->n_slot && (*err = slot_rehash(gs)))
		return NULL;
	mask = gs->n_slot - 1;
	for (i = id & mask; gs->slot[i]; i = (i + 1) & mask) {
		if (gs->v[gs->slot[i] - 1].id == id) {
			*fresh = false;
			return &gs->v[gs->slot[i] - 1];
		}
	}
	if (gs->n == FT_MAX_GROUPS)
		return NULL;
	if (gs->n == gs->cap) {
		size_t cap = gs->cap ? gs->cap * 2 : 64;
		struct ft_finding *v = realloc(gs->v, cap * sizeof(*v));

		if (!v) {
			*err = -ENOMEM;
			return NULL;
		}
		gs->v = v;
		gs->cap = cap;
	}
	gs->slot[i] = gs->n + 1;
	*fresh = true;
	return &gs->v[gs->n++];
}

static void iflist_union(struct ft_iflist *a, const struct ft_iflist *b)
{
	for (__u32 i = 0; i < b->n; i++)
		ft_iflist_add(a, b->ifindex[i]);
}

static void maclist_union(struct ft_maclist *a, const struct ft_maclist *b)
{
	for (__u32 i = 0; i < b->n; i++)
		ft_maclist_add(a, b->mac[i]);
}

/* Fold member m into group g: the union and sums, the samples; the worst
 * member tells the group (its flow, ICMP errors, drops). */
static void group_merge(struct ft_finding *g, const struct ft_finding *m, bool new_peer)
{
	struct ft_sample s;
	int at;

	sample_of(m, &s);
	if (sample_cmp(&s, &g->samples[0]) < 0) {
		struct ft_finding agg = *g;

		*g = *m;
		g->id = agg.id;
		g->role = agg.role;
		g->flows = agg.flows;
		g->peers = agg.peers;
		g->pkts_req = agg.pkts_req;
		g->pkts_rep = agg.pkts_rep;
		g->first_ns = agg.first_ns;
		g->last_ns = agg.last_ns;
		g->evidence_ns = agg.evidence_ns;
		g->weight = agg.weight;
		g->got_through = agg.got_through;
		g->n_samples = agg.n_samples;
		memcpy(g->samples, agg.samples, sizeof(g->samples));
		iflist_union(&g->req_in, &agg.req_in);
		iflist_union(&g->req_out, &agg.req_out);
		iflist_union(&g->rep_in, &agg.rep_in);
		iflist_union(&g->rep_out, &agg.rep_out);
		maclist_union(&g->req_src, &agg.req_src);
		maclist_union(&g->req_dst, &agg.req_dst);
		maclist_union(&g->rep_src, &agg.rep_src);
		maclist_union(&g->rep_dst, &agg.rep_dst);
	} else {
		maclist_union(&g->req_src, &m->req_src);
		maclist_union(&g->req_dst, &m->req_dst);
		maclist_union(&g->rep_src, &m->rep_src);
		maclist_union(&g->rep_dst, &m->rep_dst);
	}
	g->flows++;
	g->peers += new_peer;
	g->pkts_req += m->pkts_req;
	g->pkts_rep += m->pkts_rep;
	g->weight += m->weight;
	g->got_through |= m->got_through;
	if (m->first_ns < g->first_ns)
		g->first_ns = m->first_ns;
	if (m->last_ns > g->last_ns)
		g->last_ns = m->last_ns;
	if (m->evidence_ns > g->evidence_ns)
		g->evidence_ns = m->evidence_ns;
	/* Insert into the samples, worst first. */
	for (at = g->n_samples; at > 0 && sample_cmp(&s, &g->samples[at - 1]) < 0; at--)
		;
	if (at == FT_GROUP_SAMPLES)
		return;
	if (g->n_samples < FT_GROUP_SAMPLES)
		g->n_samples++;
	memmove(&g->samples[at + 1], &g->samples[at],
		(g->n_samples - 1 - at) * sizeof(g->samples[0]));
	g->samples[at] = s;
}

static int group_add(struct ft_groups *gs, struct ft_finding *m)
{
	struct ft_finding *g;
	bool fresh, new_peer;
	int err;

	m->role = finding_role(m);
	m->id = asym_id(m);
	g = group_get(gs, m->id, &fresh, &err);
	if (!g) {
		if (!err)
			gs->dropped[m->kind][m->cls != FT_CLASS_NONE]++;
		return err;
	}
	err = peer_new(gs, m->id, m->role == FT_ROLE_CLIENT ? m->server_ip : m->client_ip,
		       &new_peer);
	if (err)
		return err;
	if (fresh) {
		*g = *m;
		g->flows = 1;
		g->peers = 1;
		g->n_samples = 1;
		sample_of(m, &g->samples[0]);
		return 0;
	}
	group_merge(g, m, new_peer);
	return 0;
}

/* Move the pending asymmetry findings into their groups; the ARP-flux
 * ones stay where they are (their collector may still amend them). */
static int findings_fold(struct ft_groups *gs, struct ft_findings *fs)
{
	size_t out = 0;

	for (size_t i = 0; i < fs->n; i++) {
		if (ft_kind_is_asymmetry(fs->v[i].kind)) {
			int err = group_add(gs, &fs->v[i]);

			if (err)
				return err;
			continue;
		}
		if (out != i)
			fs->v[out] = fs->v[i];
		out++;
	}
	fs->n = out;
	return 0;
}

static void groups_free(struct ft_groups *gs)
{
	free(gs->v);
	free(gs->slot);
	free(gs->peers);
	memset(gs, 0, sizeof(*gs));
}

int ft_findings_checkpoint(struct ft_reducer *r, struct ft_findings *fs)
{
	if (fs->n < FT_FOLD_BATCH)
		return 0;
	return findings_fold(r->groups, fs);
}

/* ---- order and bounds ---- */

static int cmp_finding(const void *pa, const void *pb)
{
	const struct ft_finding *a = pa, *b = pb;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((a->cls != FT_CLASS_NONE) != (b->cls != FT_CLASS_NONE))
		return a->cls == FT_CLASS_NONE ? -1 : 1;
	/* Active before resolved (the same without a window). */
	if (a->state != b->state)
		return a->state < b->state ? -1 : 1;
	if (a->flows != b->flows)
		return a->flows > b->flows ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	c = memcmp(a->client_ip, b->client_ip, 16);
	if (!c)
		c = memcmp(a->server_ip, b->server_ip, 16);
	if (!c)
		c = memcmp(a->ip, b->ip, 16);
	if (!c)
		c = (int)a->client_port - (int)b->client_port;
	if (!c)
		c = (int)a->server_port - (int)b->server_port;
	if (!c)
		c = (int)a->proto - (int)b->proto;
	if (!c && a->ifaces.n && b->ifaces.n)
		c = (int)a->ifaces.ifindex[0] - (int)b->ifaces.ifindex[0];
	return c;
}

/* Sort, and keep the FT_MAX_FINDINGS_PER_KIND first alarms and look-alikes
 * of each kind; the rest is only counted. */
static void findings_trim(struct ft_findings *fs)
{
	__u32 kept[FT_KIND_MAX][2] = {};
	size_t out = 0;

	if (fs->n)
		qsort(fs->v, fs->n, sizeof(fs->v[0]), cmp_finding);
	for (size_t i = 0; i < fs->n; i++) {
		const struct ft_finding *f = &fs->v[i];
		int classified = f->cls != FT_CLASS_NONE;

		if (!classified && f->state != FT_STATE_RESOLVED)
			fs->active[f->kind]++;
		if (kept[f->kind][classified] == FT_MAX_FINDINGS_PER_KIND) {
			fs->over[f->kind][classified]++;
			continue;
		}
		kept[f->kind][classified]++;
		fs->v[out++] = *f;
	}
	fs->n = out;
}

/* Each kept finding's hint, written once into one buffer. Host facts
 * (sysctls, routes) are read here, when the finding is made, never
 * while a renderer prints. */
static int write_hints(const struct ft_reducer *r, struct ft_findings *fs)
{
	char hint[FT_HINT_MAX];
	size_t cap = 0, used = 0, *offs;

	if (!fs->n)
		return 0;
	offs = calloc(fs->n, sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	for (size_t i = 0; i < fs->n; i++) {
		size_t len;

		ft_explain(&fs->v[i], &r->ifaces, r->opts.host_facts, hint, sizeof(hint));
		len = strlen(hint) + 1;
		if (used + len > cap) {
			size_t ncap = cap ? cap * 2 : 16384;
			char *n;

			while (ncap < used + len)
				ncap *= 2;
			n = realloc(fs->hints, ncap);
			if (!n) {
				free(offs);
				return -ENOMEM;
			}
			fs->hints = n;
			cap = ncap;
		}
		memcpy(fs->hints + used, hint, len);
		offs[i] = used;
		used += len;
	}
	for (size_t i = 0; i < fs->n; i++)
		fs->v[i].hint = fs->hints + offs[i];
	free(offs);
	return 0;
}

/* The lifecycle: active while the evidence is newer than the window. */
static void findings_state(const struct ft_reducer *r, struct ft_findings *fs)
{
	__u64 w = r->opts.window_ns, now = r->now_ns;

	for (size_t i = 0; i < fs->n; i++) {
		struct ft_finding *f = &fs->v[i];

		if (!ft_kind_is_asymmetry(f->kind)) {
			f->id = flux_id(f);
			f->flows = 1;
		}
		if (w)
			f->state = now - f->evidence_ns < w || f->evidence_ns > now
					   ? FT_STATE_ACTIVE
					   : FT_STATE_RESOLVED;
	}
}

/* All findings, grouped, sorted worst first, bounded per kind; with their
 * hints when asked (a metrics scrape needs only the counts). */
int ft_findings_collect(struct ft_reducer *r, struct ft_findings *fs, bool hints)
{
	struct ft_groups gs = {};
	int err;

	memset(fs, 0, sizeof(*fs));
	r->groups = &gs;
	err = ft_flows_collect(r, fs);
	if (!err)
		err = findings_fold(&gs, fs);
	if (!err)
		err = ft_neigh_collect(r, fs);
	/* The groups join the ARP-flux findings. */
	for (size_t i = 0; !err && i < gs.n; i++) {
		struct ft_finding *x = ft_findings_add(fs);

		if (!x)
			err = -ENOMEM;
		else
			*x = gs.v[i];
	}
	r->groups = NULL;
	for (unsigned int k = 0; k < FT_KIND_MAX; k++) {
		fs->over[k][0] += gs.dropped[k][0];
		fs->over[k][1] += gs.dropped[k][1];
	}
	groups_free(&gs);
	if (err) {
		ft_findings_free(fs);
		return err;
	}
	findings_state(r, fs);
	findings_trim(fs);
	for (unsigned int k = 0; k < FT_KIND_MAX; k++) {
		fs->per_kind[k] = fs->over[k][0];
		fs->classified += fs->over[k][1];
		fs->truncated += fs->over[k][0] + fs->over[k][1];
	}
	for (size_t i = 0; i < fs->n; i++) {
		fs->v[i].hint = "";
		if (fs->v[i].cls != FT_CLASS_NONE)
			fs->classified++;
		else
			fs->per_kind[fs->v[i].kind]++;
	}
	err = hints ? write_hints(r, fs) : 0;
	if (err)
		ft_findings_free(fs);
	return err;
}
