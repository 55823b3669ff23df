// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The reducer's frame: options, record dispatch, the interface table and
 * the counters. Flows are reduced in flows.c, ARP/NDP and neighbour
 * entries in neigh.c; findings.c orders them and gets their hints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "reduce/internal.h"

/* ---- MACs ---- */

bool ft_mac_is_zero(const __u8 *mac)
{
	static const __u8 zero[6];

	return !memcmp(mac, zero, 6);
}

bool ft_mac_is_local(const struct ft_reducer *r, const __u8 *mac)
{
	for (__u32 i = 0; i < r->ifaces.n; i++)
		if (!memcmp(r->ifaces.v[i].mac, mac, 6))
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
		r->opts.max_flows = FT_DEFAULT_MAX_FLOWS;
	if (!r->opts.max_ips)
		r->opts.max_ips = FT_REDUCE_MAX_IPS;
	if (!r->opts.oneway_udp_max_pkts)
		r->opts.oneway_udp_max_pkts = FT_REDUCE_UDP_MAX_PKTS;
	for (const char *const *a = r->opts.allow; a && *a; a++) {
		if (!ft_allow_add(&r->allow, *a)) {
			err = -EINVAL;
			goto fail;
		}
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
	ft_table_free(&r->queries);
	free(r);
}

static void feed_iface(struct ft_reducer *r, const struct ft_iface_record *rec)
{
	struct ft_iface_info *i = (struct ft_iface_info *)ft_iftable_get(&r->ifaces, rec->ifindex);

	if (!i) {
		if (r->ifaces.n == FT_MAX_IFACES) {
			r->ifaces.dropped++;
			return;
		}
		i = &r->ifaces.v[r->ifaces.n++];
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
	struct ft_neigh_drop_event ndrop;
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
	case FT_REC_NEIGH_DROP:
		return u->ndrop.ts_ns;
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
	if (u.type == FT_REC_NEIGH_DROP && !FT_DROP_IS_NEIGH(u.ndrop.reason)) {
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
	case FT_REC_NEIGH_DROP:
		return ft_neigh_feed_drop(r, &u.ndrop);
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
	       r->flows.dropped + r->claims.dropped + r->neighs.dropped + r->ifaces.dropped;
}

bool ft_reduce_allow_valid(const char *s)
{
	return ft_allow_valid(s);
}

int ft_reducer_report(struct ft_reducer *r, struct ft_report *rep, bool hints)
{
	struct ft_health *h = &rep->health;
	int err;

	memset(rep, 0, sizeof(*rep));
	err = ft_findings_collect(r, &rep->findings, hints);
	if (err)
		return err;
	rep->ifaces = &r->ifaces;
	h->have_time = r->have_time;
	h->first_ns = r->first_ns;
	h->now_ns = r->now_ns;
	h->window_ns = r->opts.window_ns;
	h->flows_seen = r->flows_seen;
	h->events = r->events;
	h->bad_records = r->bad_records;
	h->lost_events = ft_lost_events(r);
	h->reducer_dropped =
		r->flows.dropped + r->claims.dropped + r->neighs.dropped + r->ifaces.dropped;
	h->flows_evicted = r->flows.evicted;
	h->paths_dropped = r->paths_dropped;
	h->macs_dropped = r->macs_dropped;
	h->counters = r->counters;
	return 0;
}
