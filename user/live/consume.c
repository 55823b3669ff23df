// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Consume: one epoll loop over the ring buffer, a signalfd and a timer.
 * Events arrive without a wakeup each (the BPF side wakes us only past a
 * fill level), so the timer also drains the ring buffer. Flow counters and
 * loss counters are read from the maps in batches, right before a report.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fluxtrace/events.h"
#include "fluxtrace.skel.h"
#include "common/log.h"
#include "live/consume.h"
#include "live/session.h"
#include "record/trace.h"

#define TICK_MS 200
#define BATCH 1024

__u64 ft_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct ft_live *l = ctx;

	if (size < 1 || ft_record_size(*(__u8 *)data) != size) {
		l->bad_events++;
		return 0;
	}
	ft_session_record(l->session, data, size);
	return 0;
}

int ft_live_open(struct ft_live *l)
{
	sigset_t mask;
	struct epoll_event ev = { .events = EPOLLIN };

	l->rb = ring_buffer__new(bpf_map__fd(l->skel->maps.ft_events), on_event, l, NULL);
	if (!l->rb)
		return -errno;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	l->sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	l->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	l->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (l->sig_fd < 0 || l->timer_fd < 0 || l->epoll_fd < 0)
		return -errno;

	struct itimerspec tick = {
		.it_interval = { .tv_nsec = TICK_MS * 1000000L },
		.it_value = { .tv_nsec = TICK_MS * 1000000L },
	};
	if (timerfd_settime(l->timer_fd, 0, &tick, NULL))
		return -errno;

	ev.data.fd = l->sig_fd;
	if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, l->sig_fd, &ev))
		return -errno;
	ev.data.fd = l->timer_fd;
	if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, l->timer_fd, &ev))
		return -errno;
	ev.data.fd = ring_buffer__epoll_fd(l->rb);
	if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, ev.data.fd, &ev))
		return -errno;
	for (int i = 0; i < l->n_watch; i++) {
		ev.data.fd = l->watch[i].fd;
		if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, ev.data.fd, &ev))
			return -errno;
	}
	return 0;
}

void ft_live_watch(struct ft_live *l, int fd, void (*ready)(void *ctx))
{
	if (fd < 0 || l->n_watch == FT_LIVE_MAX_WATCH)
		return;
	l->watch[l->n_watch].fd = fd;
	l->watch[l->n_watch++].ready = ready;
}

void ft_live_close(struct ft_live *l)
{
	ring_buffer__free(l->rb);
	l->rb = NULL;
	if (l->sig_fd >= 0)
		close(l->sig_fd);
	if (l->timer_fd >= 0)
		close(l->timer_fd);
	if (l->epoll_fd >= 0)
		close(l->epoll_fd);
	l->sig_fd = l->timer_fd = l->epoll_fd = -1;
}

void ft_live_drain(struct ft_live *l)
{
	ring_buffer__consume(l->rb);
}

/* Flow counters, one FT_REC_FLOW_STATS per entry, read a batch at a time. */
static __u64 read_flow_stats(struct ft_live *l, __u64 now)
{
	int fd = bpf_map__fd(l->skel->maps.ft_flows);
	struct ft_flow_key *keys = calloc(BATCH, sizeof(*keys));
	struct ft_flow_state *vals = calloc(BATCH, sizeof(*vals));
	__u64 total = 0;
	__u32 in_batch = 0, out_batch = 0;
	bool first = true;

	if (!keys || !vals)
		goto out;
	for (;;) {
		LIBBPF_OPTS(bpf_map_batch_opts, opts);
		__u32 count = BATCH;
		int err = bpf_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch, keys, vals,
					       &count, &opts);

		err = err ? -errno : 0;
		for (__u32 i = 0; i < count; i++) {
			struct ft_flow_stats_record r = {
				.type = FT_REC_FLOW_STATS,
				.initiator = vals[i].initiator,
				.flags = vals[i].flags,
				.ts_ns = now,
				.key = keys[i],
			};

			memcpy(r.side, vals[i].side, sizeof(r.side));
			ft_session_record(l->session, &r, sizeof(r));
		}
		total += count;
		if (err == -ENOENT)
			break;
		if (err) {
			pr_warn("reading flow counters: %s\n", strerror(-err));
			break;
		}
		in_batch = out_batch;
		first = false;
	}
out:
	free(keys);
	free(vals);
	return total;
}

void ft_live_snapshot(struct ft_live *l)
{
	struct ft_counters_record c = { .type = FT_REC_COUNTERS };
	int ncpu = libbpf_num_possible_cpus();
	__u64 *per_cpu = calloc(ncpu > 0 ? ncpu : 1, sizeof(__u64));
	int fd = bpf_map__fd(l->skel->maps.ft_counters);

	ft_live_drain(l);
	c.ts_ns = ft_now_ns();
	c.flows_tracked = read_flow_stats(l, c.ts_ns);
	c.flow_map_capacity = bpf_map__max_entries(l->skel->maps.ft_flows);
	for (__u32 idx = 0; per_cpu && idx < FT_CNT_MAX; idx++) {
		if (bpf_map_lookup_elem(fd, &idx, per_cpu))
			continue;
		for (int cpu = 0; cpu < ncpu; cpu++)
			c.kernel[idx] += per_cpu[cpu];
	}
	free(per_cpu);
	l->last_counters = c;
	ft_session_record(l->session, &c, sizeof(c));
}

static int on_signal(struct ft_live *l)
{
	struct signalfd_siginfo si;

	while (read(l->sig_fd, &si, sizeof(si)) == sizeof(si))
		l->stop = true;
	return 0;
}

static void on_tick(struct ft_live *l)
{
	__u64 ticks, now = ft_now_ns();

	if (read(l->timer_fd, &ticks, sizeof(ticks)) < 0)
		return;
	ring_buffer__consume(l->rb);
	if (l->session->writer && now - l->last_flush_ns >= 1000000000ULL) {
		int err = ft_trace_flush(l->session->writer);

		if (err && !l->session->write_err)
			l->session->write_err = err;
		l->last_flush_ns = now;
	}
	if (l->duration_ns && now - l->start_ns >= l->duration_ns)
		l->stop = true;
	if (l->interval_ns && now - l->last_report_ns >= l->interval_ns && !l->stop) {
		ft_live_snapshot(l);
		l->report(l->report_ctx, false);
		l->last_report_ns = now;
	}
	if (l->tick)
		l->tick(l->watch_ctx);
}

static void on_watch_ready(struct ft_live *l, int fd)
{
	for (int i = 0; i < l->n_watch; i++)
		if (l->watch[i].fd == fd)
			l->watch[i].ready(l->watch_ctx);
}

int ft_live_run(struct ft_live *l)
{
	l->start_ns = l->last_report_ns = l->last_flush_ns = ft_now_ns();
	while (!l->stop) {
		struct epoll_event evs[4];
		int n = epoll_wait(l->epoll_fd, evs, 4, 1000);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == l->sig_fd)
				on_signal(l);
			else if (evs[i].data.fd == l->timer_fd)
				on_tick(l);
			else if (evs[i].data.fd == ring_buffer__epoll_fd(l->rb))
				ring_buffer__consume(l->rb);
			else
				on_watch_ready(l, evs[i].data.fd);
		}
	}
	return 0;
}
