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
	const char *const *allow; /* IPs or MACs never alarmed on (NULL-terminated) */
};

#define FT_REDUCE_OPTS_DEFAULT { .oneway_after_ns = 1000000000ULL }

struct ft_reducer *ft_reducer_new(const struct ft_reduce_opts *opts);
void ft_reducer_free(struct ft_reducer *r);
/* One record; len is checked against ft_record_size(). -EINVAL for a bad
 * record, -ENOMEM when a bound is hit (counted, shown in the report). */
int ft_reducer_feed(struct ft_reducer *r, const void *rec, size_t len);

struct ft_report_ctx {
	const char *host;
	const char *source;	/* "live" or the trace file's name */
	__s64 mono_to_wall_ns;	/* CLOCK_MONOTONIC + this = Unix time */
	bool host_facts;	/* live on this host: read sysctls and routes */
	bool color;		/* text: ANSI colour */
};

/* Findings counted by kind, for metrics and exit codes. */
struct ft_summary {
	__u64 flows;
	__u64 packets;
	__u64 events;
	__u64 lost_events;
	__u32 asymmetry;	/* findings in the asymmetry list */
	__u32 arp_flux;
	__u32 by_kind[16];	/* indexed by enum ft_finding_kind (reduce internal) */
};

void ft_reducer_summary(struct ft_reducer *r, struct ft_summary *s);
int ft_report_text(struct ft_reducer *r, const struct ft_report_ctx *ctx, FILE *out);
/* One JSON object on one line (JSON lines with --interval). */
int ft_report_json(struct ft_reducer *r, const struct ft_report_ctx *ctx, FILE *out);

#endif /* FLUXTRACE_REDUCE_H */
