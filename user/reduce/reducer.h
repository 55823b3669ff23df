/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The reducer: one event stream in (live from the ring buffer or from a
 * recorded trace), findings out. Pure with respect to time: every window
 * is measured in event timestamps, so a replay gives the live findings.
 * The newest record's timestamp is "now" (the consumer feeds an
 * FT_REC_COUNTERS record right before every report).
 */
#ifndef FLUXTRACE_REDUCE_H
#define FLUXTRACE_REDUCE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "model/facts.h"
#include "model/model.h"

struct ft_reducer;

struct ft_reduce_opts {
	__u64 oneway_after_ns;	/* unanswered this long before "now": one_way */
	/* IPs, CIDR prefixes or MACs never alarmed on (NULL-terminated) */
	const char *const *allow;
	/* Zero means the default for each of these. */
	__u32 max_flows;	/* flows tracked at once (FT_DEFAULT_MAX_FLOWS) */
	__u32 max_ips;		/* IPs tracked for ARP/NDP claims and neighbour entries */
	__u32 oneway_udp_max_pkts; /* more unanswered UDP packets than this: a stream */
	/* Where hints take the traced host's sysctls and routes from: read
	 * live and kept, or a trace's recorded ones (model/facts.h). NULL: a
	 * hint says that host facts are unavailable. Not owned. */
	struct ft_facts *host_facts;
	const __u16 *oneway_udp_stream_ports; /* extra one-way UDP ports, 0-terminated */
	/* --window: a finding is active while its newest evidence is this
	 * recent (event time), resolved after; 0: no lifecycle. */
	__u64 window_ns;
};

#define FT_REDUCE_OPTS_DEFAULT { .oneway_after_ns = 1000000000ULL }
#define FT_REDUCE_MAX_IPS 16384
#define FT_REDUCE_UDP_MAX_PKTS 10

/* Returns NULL with errno set: EINVAL for an allow entry that is neither
 * an IP, a prefix nor a MAC (check it first with ft_reduce_allow_valid),
 * ENOMEM. */
struct ft_reducer *ft_reducer_new(const struct ft_reduce_opts *opts);
void ft_reducer_free(struct ft_reducer *r);
/* One record; len is checked against ft_record_size(). -EINVAL for a bad
 * record, -ENOMEM when a bound is hit (counted, shown in the report). */
int ft_reducer_feed(struct ft_reducer *r, const void *rec, size_t len);

/* Is s a valid --allow entry (IPv4/IPv6 address or prefix, or MAC)? */
bool ft_reduce_allow_valid(const char *s);

/* The report of this moment: findings worst first, each with its hint
 * when hints is true (a metrics scrape needs only the counts), the
 * interface table and the health counters. Free it with ft_report_free();
 * its interface table is the reducer's and lives as long as it does. */
int ft_reducer_report(struct ft_reducer *r, struct ft_report *rep, bool hints);

#endif /* FLUXTRACE_REDUCE_H */
