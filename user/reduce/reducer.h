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
#include <stdio.h>
#include <linux/types.h>
#include "fluxtrace/events.h"

struct ft_reducer;

struct ft_reduce_opts {
	__u64 oneway_after_ns;	/* unanswered this long before "now": one_way */
	/* IPs, CIDR prefixes or MACs never alarmed on (NULL-terminated) */
	const char *const *allow;
	/* Zero means the default for each of these. */
	__u32 max_flows;	/* flows tracked at once (FT_REDUCE_MAX_FLOWS) */
	__u32 max_ips;		/* IPs tracked for ARP/NDP claims and neighbour entries */
	__u32 oneway_udp_max_pkts; /* more unanswered UDP packets than this: a stream */
	const __u16 *oneway_udp_stream_ports; /* extra one-way UDP ports, 0-terminated */
};

#define FT_REDUCE_OPTS_DEFAULT { .oneway_after_ns = 1000000000ULL }
#define FT_REDUCE_MAX_FLOWS 65536
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

struct ft_report_ctx {
	const char *host;
	const char *source;	/* "live" or the trace file's name */
	__s64 mono_to_wall_ns;	/* CLOCK_MONOTONIC + this = Unix time */
	bool host_facts;	/* live on this host: read sysctls and routes */
	bool color;		/* text: ANSI colour */
};

/* The finding kinds, worst first (the order of the text report). */
enum ft_finding_kind {
	FT_KIND_DUPLICATE_IP,
	FT_KIND_RETURN_PATH_MISMATCH,
	FT_KIND_FLIP_FLOP,
	FT_KIND_ONE_WAY,
	FT_KIND_LOCAL_FLUX,
	FT_KIND_NEXT_HOP_MISMATCH,
	FT_KIND_MULTIPATH,
	FT_KIND_MAC_CHANGED,
	FT_KIND_MAX,
};

/* "return_path_mismatch", ...; NULL out of range. */
const char *ft_finding_kind_name(unsigned int kind);
/* Asymmetry kinds go in the "asymmetry" list, the others in "arp_flux". */
bool ft_finding_kind_is_asymmetry(unsigned int kind);

/* Findings counted by kind, for metrics and exit codes. Look-alikes that
 * were classified (VRRP, proxy ARP, NLB) or allowed are not counted. */
struct ft_summary {
	__u64 flows;
	__u64 packets;
	__u64 events;
	__u64 lost_events;
	__u32 asymmetry;	/* findings in the asymmetry list */
	__u32 arp_flux;
	__u32 by_kind[16];	/* indexed by enum ft_finding_kind */
	__u32 classified;	/* look-alikes and allowed, not alarmed */
};

void ft_reducer_summary(struct ft_reducer *r, struct ft_summary *s);
int ft_report_text(struct ft_reducer *r, const struct ft_report_ctx *ctx, FILE *out);
/* One JSON object on one line (JSON lines with --interval). */
int ft_report_json(struct ft_reducer *r, const struct ft_report_ctx *ctx, FILE *out);

#endif /* FLUXTRACE_REDUCE_H */
