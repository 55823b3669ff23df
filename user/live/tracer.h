/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The live run: load, attach to the interfaces (and to those that appear
 * with -i any), record (-w), serve metrics, consume events until the end,
 * detach, report. Every record goes through one session, as in a replay.
 */
#ifndef FLUXTRACE_TRACER_H
#define FLUXTRACE_TRACER_H

#include <stdbool.h>
#include <linux/types.h>
#include "live/attach.h"

struct ft_session;
struct ft_scope;

struct ft_tracer_opts {
	const char *ifaces_spec;	/* "any" or "a,b,c"; NULL: any */
	__u64 duration_ns;		/* 0: until SIGINT/SIGTERM */
	__u64 interval_ns;		/* 0: one report at the end */
	const char *write_path;		/* -w; "-" is stdout */
	const char *metrics;		/* [ADDR:]PORT, or NULL */
	bool events;			/* --events */
	enum ft_xdp_mode xdp_mode;
	__u32 max_flows;
	__u32 ringbuf_size;
	const struct ft_scope *scope;	/* --filter, compiled; NULL: everything */
	const char *host;		/* for the trace header */
	__s64 mono_to_wall_ns;
	void (*report)(void *ctx, bool final);
	void *report_ctx;
};

/* 0 after a clean run and final report; 1 after saying what failed. */
int ft_trace_live(const struct ft_tracer_opts *o, struct ft_session *s);

#endif /* FLUXTRACE_TRACER_H */
