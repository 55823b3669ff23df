/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The live loop: ring buffer, signals and a timer under one epoll. */
#ifndef FLUXTRACE_CONSUME_H
#define FLUXTRACE_CONSUME_H

#include <stdbool.h>
#include <linux/types.h>
#include "fluxtrace/events.h"

struct fluxtrace_bpf;
struct ft_session;
struct ring_buffer;

#define FT_LIVE_MAX_WATCH 4

struct ft_live {
	struct fluxtrace_bpf *skel;
	struct ft_session *session;
	__u64 duration_ns;	/* 0: until a signal */
	__u64 interval_ns;	/* 0: one report at the end */
	void (*report)(void *ctx, bool final);
	struct {		/* more fds to watch: interface changes, metrics */
		int fd;
		void (*ready)(void *ctx);
	} watch[FT_LIVE_MAX_WATCH];
	int n_watch;
	void (*tick)(void *ctx);	/* optional, at every timer tick */
	void *report_ctx;	/* ctx of report() */
	void *watch_ctx;	/* ctx of the watch callbacks and tick() */

	/* state */
	struct ring_buffer *rb;
	int epoll_fd, sig_fd, timer_fd;
	__u64 start_ns, last_report_ns, last_flush_ns;
	__u64 bad_events;	/* ring-buffer records of unknown type or size */
	struct ft_counters_record last_counters;	/* of the latest snapshot */
	bool stop;
};

__u64 ft_now_ns(void);
int ft_live_open(struct ft_live *l);
/* Before ft_live_open: call ready(ctx) whenever fd is readable. */
void ft_live_watch(struct ft_live *l, int fd, void (*ready)(void *ctx));
int ft_live_run(struct ft_live *l);
/* Consume what is left in the ring buffer. */
void ft_live_drain(struct ft_live *l);
/* Drain, then feed flow counters and loss counters into the session. */
void ft_live_snapshot(struct ft_live *l);
void ft_live_close(struct ft_live *l);

#endif /* FLUXTRACE_CONSUME_H */
