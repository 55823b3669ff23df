// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The reducer's frame: record dispatch, the interface table, counters,
 * bounded tables and the allow-list. Flows are reduced in reduce_flows.c,
 * ARP/NDP and neighbour entries in reduce_neigh.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "hostfacts.h"
#include "reduce_internal.h"

#define FT_CHUNK 1024
#define FT_EVICT_SCAN 64 /* LRU entries looked at for one eviction */

static const char *const kind_names[FT_KIND_MAX] = {
	[FT_KIND_DUPLICATE_IP] = "duplicate_ip",
	[FT_KIND_RETURN_PATH_MISMATCH] = "return_path_mismatch",
	[FT_KIND_FLIP_FLOP] = "flip_flop",
	[FT_KIND_ONE_WAY] = "one_way",
	[FT_KIND_LOCAL_FLUX] = "local_flux",
	[FT_KIND_NEXT_HOP_MISMATCH] = "next_hop_mismatch",
	[FT_KIND_MULTIPATH] = "multipath",
	[FT_KIND_MAC_CHANGED] = "mac_changed",
};

const char *ft_finding_kind_name(unsigned int kind)
{
	return kind < FT_KIND_MAX ? kind_names[kind] : NULL;
}

bool ft_finding_kind_is_asymmetry(unsigned int kind)
{
	return kind == FT_KIND_RETURN_PATH_MISMATCH || kind == FT_KIND_NEXT_HOP_MISMATCH ||
	       kind == FT_KIND_ONE_WAY || kind == FT_KIND_MULTIPATH;
}

/* ---- bounded tables ---- */

static struct ft_slot *slot_at(const struct ft_table *t, __u32 idx)
{
	return (struct ft_slot *)(t->chunks[idx / FT_CHUNK] + (size_t)(idx % FT_CHUNK) * t->esize);
}

static __u32 hash_key(const struct ft_table *t, const void *key)
{
	const __u8 *p = key;
	__u32 h = 2166136261u;

	for (__u32 i = 0; i < t->ksize; i++)
		h = (h ^ p[i]) * 16777619u;
	return (h ^ (h >> 15)) & (t->nbuckets - 1);
}

int ft_table_init(struct ft_table *t, __u32 esize, __u32 ksize, __u32 cap, ft_evictable_fn fn,
		  void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->esize = esize;
	t->ksize = ksize;
	t->cap = cap ? cap : 1;
	t->nbuckets = 64;
	while (t->nbuckets < t->cap && t->nbuckets < (1u << 30))
		t->nbuckets <<= 1;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->n_chunks = (t->cap + FT_CHUNK - 1) / FT_CHUNK;
	t->chunks = calloc(t->n_chunks, sizeof(*t->chunks));
	t->evictable = fn;
	t->ctx = ctx;
	if (!t->buckets || !t->chunks) {
		ft_table_free(t);
		return -ENOMEM;
	}
	return 0;
}

void ft_table_free(struct ft_table *t)
{
	for (__u32 i = 0; t->chunks && i < t->n_chunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->buckets);
	t->chunks = NULL;
	t->buckets = NULL;
}

void *ft_table_at(const struct ft_table *t, __u32 i)
{
	struct ft_slot *s;

	if (i >= t->n_alloc)
		return NULL;
	s = slot_at(t, i);
	return s->used ? s : NULL;
}

static void lru_unlink(struct ft_table *t, __u32 idx)
{
	struct ft_slot *s = slot_at(t, idx);

	if (s->prev)
		slot_at(t, s->prev - 1)->next = s->next;
	else
		t->lru_head = s->next;
	if (s->next)
		slot_at(t, s->next - 1)->prev = s->prev;
	else
		t->lru_tail = s->prev;
	s->prev = s->next = 0;
}

static void lru_push(struct ft_table *t, __u32 idx)
{
	struct ft_slot *s = slot_at(t, idx);

	s->prev = 0;
	s->next = t->lru_head;
	if (t->lru_head)
		slot_at(t, t->lru_head - 1)->prev = idx + 1;
	t->lru_head = idx + 1;
	if (!t->lru_tail)
		t->lru_tail = idx + 1;
}

static struct ft_slot *find_idx(struct ft_table *t, const void *key, __u32 *idx)
{
	for (__u32 i = t->buckets[hash_key(t, key)]; i; i = slot_at(t, i - 1)->hnext) {
		struct ft_slot *s = slot_at(t, i - 1);

		if (!memcmp(s + 1, key, t->ksize)) {
			*idx = i - 1;
			return s;
		}
	}
	return NULL;
}

void *ft_table_find(struct ft_table *t, const void *key)
{
	__u32 idx;

	return find_idx(t, key, &idx);
}

static void bucket_unlink(struct ft_table *t, __u32 idx)
{
	struct ft_slot *s = slot_at(t, idx);
	__u32 *link = &t->buckets[hash_key(t, s + 1)];

	while (*link && *link != idx + 1)
		link = &slot_at(t, *link - 1)->hnext;
	if (*link)
		*link = s->hnext;
}

/* Forget the least recently active entry the owner can spare. An entry
 * it cannot spare is judged once until it changes (pinned) and moved to
 * the head, so the next scans look at others. */
static bool evict_one(struct ft_table *t, __u32 *idx)
{
	__u32 i = t->lru_tail;

	if (t->n_pinned >= t->n_used)	/* nothing to spare: no scan */
		return false;
	for (int n = 0; i && n < FT_EVICT_SCAN; n++) {
		struct ft_slot *s = slot_at(t, i - 1);
		__u32 prev = s->prev;

		if (!s->pinned && (!t->evictable || t->evictable(t->ctx, s))) {
			*idx = i - 1;
			bucket_unlink(t, *idx);
			lru_unlink(t, *idx);
			t->evicted++;
			return true;
		}
		if (!s->pinned) {
			s->pinned = 1;
			t->n_pinned++;
		}
		if (t->lru_head != i) {
			lru_unlink(t, i - 1);
			lru_push(t, i - 1);
		}
		i = prev;
	}
	return false;
}

void *ft_table_get(struct ft_table *t, const void *key, bool *fresh)
{
	struct ft_slot *s;
	__u32 idx, b;

	*fresh = false;
	s = find_idx(t, key, &idx);
	if (s) {
		if (s->pinned) {	/* the caller changes it: judge it again */
			s->pinned = 0;
			t->n_pinned--;
		}
		if (t->lru_head != idx + 1) {
			lru_unlink(t, idx);
			lru_push(t, idx);
		}
		return s;
	}
	if (t->n_alloc < t->cap) {
		idx = t->n_alloc;
		if (!t->chunks[idx / FT_CHUNK]) {
			t->chunks[idx / FT_CHUNK] = calloc(FT_CHUNK, t->esize);
			if (!t->chunks[idx / FT_CHUNK]) {
				t->dropped++;
				return NULL;
			}
		}
		t->n_alloc++;
		t->n_used++;
	} else if (!evict_one(t, &idx)) {
		t->dropped++;
		return NULL;
	}
	s = slot_at(t, idx);
	memset(s, 0, t->esize);
	s->used = 1;
	memcpy(s + 1, key, t->ksize);
	b = hash_key(t, key);
	s->hnext = t->buckets[b];
	t->buckets[b] = idx + 1;
	lru_push(t, idx);
	*fresh = true;
	return s;
}

/* ---- interfaces, MACs, allow-list ---- */

const struct ft_iface *ft_iface_get(const struct ft_reducer *r, __u32 ifindex)
{
	for (__u32 i = 0; i < r->n_ifaces; i++)
		if (r->ifaces[i].ifindex == ifindex)
			return &r->ifaces[i];
	return NULL;
}

const char *ft_iface_name(const struct ft_reducer *r, __u32 ifindex, char *buf, size_t len)
{
	const struct ft_iface *i = ft_iface_get(r, ifindex);

	if (i && i->name[0]) {
		snprintf(buf, len, "%.*s", FT_IFNAMSIZ, i->name);
		return buf;
	}
	snprintf(buf, len, "if%u", ifindex);
	return buf;
}

bool ft_mac_is_zero(const __u8 *mac)
{
	static const __u8 zero[6];

	return !memcmp(mac, zero, 6);
}

bool ft_mac_is_local(const struct ft_reducer *r, const __u8 *mac)
{
	for (__u32 i = 0; i < r->n_ifaces; i++)
		if (!memcmp(r->ifaces[i].mac, mac, 6))
			return true;
	return false;
}

/* Virtual router MACs: VRRP/CARP for IPv4 and IPv6 (RFC 5798), HSRP v1/v2. */
bool ft_mac_is_vrrp(const __u8 *mac)
{
	if (mac[0] == 0x00 && mac[1] == 0x00 && mac[2] == 0x5e && mac[3] == 0x00 &&
	    (mac[4] == 0x01 || mac[4] == 0x02))
		return true;
	if (mac[0] == 0x00 && mac[1] == 0x00 && mac[2] == 0x0c &&
	    ((mac[3] == 0x07 && mac[4] == 0xac) || (mac[3] == 0x9f && (mac[4] & 0xf0) == 0xf0)))
		return true;
	return false;
}

/* Microsoft NLB cluster MACs: unicast 02:bf, multicast 03:bf, IGMP 01:00:5e:7f. */
bool ft_mac_is_nlb(const __u8 *mac)
{
	if ((mac[0] == 0x02 || mac[0] == 0x03) && mac[1] == 0xbf)
		return true;
	return mac[0] == 0x01 && mac[1] == 0x00 && mac[2] == 0x5e && mac[3] == 0x7f;
}

static bool parse_mac(const char *s, __u8 *mac)
{
	unsigned int b[6];
	char sep[5], end;

	if (strlen(s) != 17)
		return false;
	if (sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &b[0], &sep[0], &b[1], &sep[1], &b[2],
		   &sep[2], &b[3], &sep[3], &b[4], &sep[4], &b[5], &end) != 11)
		return false;
	for (int i = 0; i < 5; i++)
		if (sep[i] != ':' && sep[i] != '-')
			return false;
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
	return true;
}

static bool parse_allow(const char *s, struct ft_allow *a)
{
	char addr[64];
	const char *slash;
	unsigned long plen;
	char *end;

	memset(a, 0, sizeof(*a));
	if (!s)
		return false;
	if (parse_mac(s, a->mac)) {
		a->is_mac = 1;
		return true;
	}
	slash = strchr(s, '/');
	if (snprintf(addr, sizeof(addr), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s) >=
	    (int)sizeof(addr))
		return false;
	if (inet_pton(AF_INET, addr, a->ip) == 1) {
		a->family = FT_FAMILY_IPV4;
		a->plen = 32;
	} else if (inet_pton(AF_INET6, addr, a->ip) == 1) {
		a->family = FT_FAMILY_IPV6;
		a->plen = 128;
	} else {
		return false;
	}
	if (slash) {
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || plen > a->plen)
			return false;
		a->plen = plen;
	}
	return true;
}

bool ft_reduce_allow_valid(const char *s)
{
	struct ft_allow a;

	return parse_allow(s, &a);
}

static bool prefix_match(const __u8 *a, const __u8 *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes))
		return false;
	if (!bits)
		return true;
	return ((a[bytes] ^ b[bytes]) & (0xff00 >> bits)) == 0;
}

bool ft_allowed_ip(const struct ft_reducer *r, __u8 family, const __u8 *ip)
{
	for (__u32 i = 0; i < r->n_allow; i++)
		if (!r->allow[i].is_mac && r->allow[i].family == family &&
		    prefix_match(r->allow[i].ip, ip, r->allow[i].plen))
			return true;
	return false;
}

bool ft_allowed_mac(const struct ft_reducer *r, const __u8 *mac)
{
	for (__u32 i = 0; i < r->n_allow; i++)
		if (r->allow[i].is_mac && !memcmp(r->allow[i].mac, mac, 6))
			return true;
	return false;
}

/* ---- life cycle and dispatch ---- */

struct ft_reducer *ft_reducer_new(const struct ft_reduce_opts *opts)
{
	static const __u16 default_streams[] = {
		/* syslog, SNMP trap, RIP, NetFlow/IPFIX/sFlow, statsd, collectd,
		 * GELF, VXLAN, Geneve, WireGuard keeps its own replies. */
		514,  162,  520,  2055,	 2056,	4739, 4740, 6343,
		9995, 9996, 8125, 25826, 12201, 4789, 6081, 8472,
	};
	struct ft_reduce_opts def = FT_REDUCE_OPTS_DEFAULT;
	struct ft_reducer *r = calloc(1, sizeof(*r));
	int err = -ENOMEM;

	if (!r)
		goto fail;
	r->opts = opts ? *opts : def;
	if (!r->opts.max_flows)
		r->opts.max_flows = FT_REDUCE_MAX_FLOWS;
	if (!r->opts.max_ips)
		r->opts.max_ips = FT_REDUCE_MAX_IPS;
	if (!r->opts.oneway_udp_max_pkts)
		r->opts.oneway_udp_max_pkts = FT_REDUCE_UDP_MAX_PKTS;
	for (const char *const *a = r->opts.allow; a && *a; a++) {
		if (r->n_allow == FT_ALLOW_MAX || !parse_allow(*a, &r->allow[r->n_allow])) {
			err = -EINVAL;
			goto fail;
		}
		r->n_allow++;
	}
	r->opts.allow = NULL; /* parsed: the caller's strings are not kept */
	for (size_t i = 0; i < sizeof(default_streams) / sizeof(default_streams[0]); i++)
		r->stream_ports[r->n_stream_ports++] = default_streams[i];
	for (const __u16 *p = r->opts.oneway_udp_stream_ports; p && *p; p++) {
		if (r->n_stream_ports == FT_STREAM_PORTS_MAX) {
			err = -EINVAL;
			goto fail;
		}
		r->stream_ports[r->n_stream_ports++] = *p;
	}
	r->opts.oneway_udp_stream_ports = NULL;
	err = ft_flows_init(r);
	if (!err)
		err = ft_neigh_init(r);
	if (err)
		goto fail;
	return r;
fail:
	ft_reducer_free(r);
	errno = -err;
	return NULL;
}

void ft_reducer_free(struct ft_reducer *r)
{
	if (!r)
		return;
	ft_table_free(&r->flows);
	ft_table_free(&r->claims);
	ft_table_free(&r->neighs);
	free(r);
}

static void feed_iface(struct ft_reducer *r, const struct ft_iface_record *rec)
{
	struct ft_iface *i = (struct ft_iface *)ft_iface_get(r, rec->ifindex);

	if (!i) {
		if (r->n_ifaces == FT_MAX_IFACES) {
			r->ifaces_dropped++;
			return;
		}
		i = &r->ifaces[r->n_ifaces++];
	}
	i->ifindex = rec->ifindex;
	i->hooks = rec->hooks;
	i->removed = rec->removed;
	memcpy(i->mac, rec->mac, 6);
	memcpy(i->name, rec->name, FT_IFNAMSIZ);
	i->name[FT_IFNAMSIZ - 1] = 0;
}

union ft_any_record {
	__u8 type;
	struct ft_flow_event flow;
	struct ft_icmp_event icmp;
	struct ft_arp_event arp;
	struct ft_neigh_event neigh;
	struct ft_drop_event drop;
	struct ft_iface_record iface;
	struct ft_flow_stats_record stats;
	struct ft_counters_record counters;
};

static __u64 record_ts(const union ft_any_record *u)
{
	switch (u->type) {
	case FT_REC_FLOW_NEW:
	case FT_REC_FLOW_PATH:
	case FT_REC_FLOW_END:
		return u->flow.ts_ns;
	case FT_REC_ICMP_ERROR:
		return u->icmp.ts_ns;
	case FT_REC_ARP:
		return u->arp.ts_ns;
	case FT_REC_NEIGH:
		return u->neigh.ts_ns;
	case FT_REC_DROP:
		return u->drop.ts_ns;
	case FT_REC_IFACE:
		return u->iface.ts_ns;
	case FT_REC_FLOW_STATS:
		return u->stats.ts_ns;
	case FT_REC_COUNTERS:
		return u->counters.ts_ns;
	}
	return 0;
}

int ft_reducer_feed(struct ft_reducer *r, const void *rec, size_t len)
{
	union ft_any_record u;
	unsigned int size;
	__u64 ts;

	if (!r)
		return -EINVAL;
	size = rec && len ? ft_record_size(*(const __u8 *)rec) : 0;
	if (!size || size != len || len > sizeof(u)) {
		r->bad_records++;
		return -EINVAL;
	}
	memcpy(&u, rec, len); /* records from a file need not be aligned */
	/* A drop reason this reducer cannot name explains nothing. */
	if (u.type == FT_REC_DROP && u.drop.reason != FT_DROP_RPFILTER &&
	    u.drop.reason != FT_DROP_NETFILTER) {
		r->bad_records++;
		return -EINVAL;
	}
	r->records++;
	if (u.type < FT_REC_USER_FIRST)
		r->events++;
	ts = record_ts(&u);
	if (ts) {
		if (!r->have_time || ts < r->first_ns)
			r->first_ns = ts;
		if (!r->have_time || ts > r->now_ns)
			r->now_ns = ts;
		r->have_time = true;
	}

	switch (u.type) {
	case FT_REC_FLOW_NEW:
	case FT_REC_FLOW_PATH:
	case FT_REC_FLOW_END:
		return ft_flows_feed_flow(r, &u.flow);
	case FT_REC_ICMP_ERROR:
		return ft_flows_feed_icmp(r, &u.icmp);
	case FT_REC_FLOW_STATS:
		return ft_flows_feed_stats(r, &u.stats);
	case FT_REC_DROP:
		return ft_flows_feed_drop(r, &u.drop);
	case FT_REC_ARP:
		return ft_neigh_feed_arp(r, &u.arp);
	case FT_REC_NEIGH:
		return ft_neigh_feed_neigh(r, &u.neigh);
	case FT_REC_IFACE:
		feed_iface(r, &u.iface);
		return 0;
	case FT_REC_COUNTERS:
		/* Cumulative sums: the newest snapshot is the truth. */
		r->counters = u.counters;
		r->have_counters = true;
		return 0;
	}
	return 0;
}

__u64 ft_lost_events(const struct ft_reducer *r)
{
	const __u64 *k = r->counters.kernel;

	return k[FT_CNT_RINGBUF_FULL] + k[FT_CNT_FLOW_MAP_FULL] + k[FT_CNT_ARP_MAP_FULL] +
	       r->flows.dropped + r->claims.dropped + r->neighs.dropped + r->ifaces_dropped;
}

/* ---- findings ---- */

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
	memset(fs, 0, sizeof(*fs));
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct ft_finding *a = pa, *b = pb;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((a->cls != FT_CLASS_NONE) != (b->cls != FT_CLASS_NONE))
		return a->cls == FT_CLASS_NONE ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
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
 * of each kind; the rest is only counted. Trimming early and trimming
 * once keep the same findings: the order is total. */
static void findings_trim(struct ft_findings *fs)
{
	__u32 kept[FT_KIND_MAX][2] = {};
	size_t out = 0;

	if (fs->n)
		qsort(fs->v, fs->n, sizeof(fs->v[0]), cmp_finding);
	for (size_t i = 0; i < fs->n; i++) {
		const struct ft_finding *f = &fs->v[i];
		int classified = f->cls != FT_CLASS_NONE;

		if (kept[f->kind][classified] == FT_MAX_FINDINGS_PER_KIND) {
			fs->over[f->kind][classified]++;
			continue;
		}
		kept[f->kind][classified]++;
		fs->v[out++] = *f;
	}
	fs->n = out;
}

void ft_findings_checkpoint(struct ft_findings *fs)
{
	if (fs->n >= 4 * FT_KIND_MAX * FT_MAX_FINDINGS_PER_KIND)
		findings_trim(fs);
}

/* All findings, sorted worst first, bounded per kind. */
int ft_findings_collect(struct ft_reducer *r, struct ft_findings *fs)
{
	int err;

	memset(fs, 0, sizeof(*fs));
	err = ft_flows_collect(r, fs);
	if (!err)
		err = ft_neigh_collect(r, fs);
	if (err) {
		ft_findings_free(fs);
		return err;
	}
	findings_trim(fs);
	for (unsigned int k = 0; k < FT_KIND_MAX; k++) {
		fs->per_kind[k] = fs->over[k][0];
		fs->classified += fs->over[k][1];
		fs->truncated += fs->over[k][0] + fs->over[k][1];
	}
	for (size_t i = 0; i < fs->n; i++) {
		if (fs->v[i].cls != FT_CLASS_NONE)
			fs->classified++;
		else
			fs->per_kind[fs->v[i].kind]++;
	}
	return 0;
}

void ft_reducer_summary(struct ft_reducer *r, struct ft_summary *s)
{
	struct ft_findings fs;

	memset(s, 0, sizeof(*s));
	s->flows = r->flows_seen;
	s->packets = r->counters.kernel[FT_CNT_PACKETS];
	s->events = r->events;
	s->lost_events = ft_lost_events(r);
	if (ft_findings_collect(r, &fs))
		return;
	for (unsigned int k = 0; k < FT_KIND_MAX; k++) {
		s->by_kind[k] = fs.per_kind[k];
		if (ft_finding_kind_is_asymmetry(k))
			s->asymmetry += fs.per_kind[k];
		else
			s->arp_flux += fs.per_kind[k];
	}
	s->classified = fs.classified;
	ft_findings_free(&fs);
}

void ft_finding_hint(const struct ft_reducer *r, const struct ft_finding *f,
		     const struct ft_report_ctx *ctx, char *buf, size_t len)
{
	if (ft_finding_kind_is_asymmetry(f->kind))
		ft_flows_hint(r, f, ctx, buf, len);
	else
		ft_neigh_hint(r, f, ctx, buf, len);
}

/* ---- small lists and formatting ---- */

void ft_iflist_add(struct ft_iflist *l, __u32 ifindex)
{
	for (__u32 i = 0; i < l->n; i++)
		if (l->ifindex[i] == ifindex)
			return;
	if (l->n < FT_LIST_MAX)
		l->ifindex[l->n++] = ifindex;
}

void ft_maclist_add(struct ft_maclist *l, const __u8 *mac)
{
	for (__u32 i = 0; i < l->n; i++)
		if (!memcmp(l->mac[i], mac, 6))
			return;
	if (l->n < FT_LIST_MAX)
		memcpy(l->mac[l->n++], mac, 6);
}

const char *ft_iflist_str(const struct ft_reducer *r, const struct ft_iflist *l, char *buf,
			  size_t len)
{
	char name[FT_IFNAMSIZ + 16];
	size_t off = 0;

	buf[0] = 0;
	for (__u32 i = 0; i < l->n; i++)
		FT_APPEND(buf, len, off, "%s%s", i ? "," : "",
			  ft_iface_name(r, l->ifindex[i], name, sizeof(name)));
	if (!l->n)
		snprintf(buf, len, "-");
	return buf;
}

const char *ft_maclist_str(const struct ft_maclist *l, char *buf, size_t len)
{
	char m[FT_MAC_STRLEN];
	size_t off = 0;

	buf[0] = 0;
	for (__u32 i = 0; i < l->n; i++)
		FT_APPEND(buf, len, off, "%s%s", i ? "," : "", ft_fmt_mac(l->mac[i], m));
	if (!l->n)
		snprintf(buf, len, "-");
	return buf;
}

const char *ft_sysctl_str(const struct ft_reducer *r, const struct ft_iflist *l, unsigned int which,
			  char *buf, size_t len)
{
	char names[FT_LIST_MAX][FT_IFNAMSIZ + 16];
	const char *ptrs[FT_LIST_MAX];

	for (__u32 i = 0; i < l->n; i++)
		ptrs[i] = ft_iface_name(r, l->ifindex[i], names[i], sizeof(names[i]));
	return ft_hostfacts_sysctl_str(ptrs, l->n, which, buf, len);
}
