// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>
#include "fluxtrace/events.h"
#include "fluxtrace.skel.h"
#include "common/log.h"
#include "explain/hostfacts.h"
#include "live/attach.h"
#include "live/check.h"
#include "live/consume.h"
#include "live/ifwatch.h"
#include "live/load.h"
#include "live/localmacs.h"
#include "live/session.h"
#include "live/tracer.h"
#include "record/trace.h"
#include "reduce/reducer.h"
#include "render/events.h"
#include "render/http.h"
#include "render/metrics.h"

static void iface_record(const struct ft_attach_if *ifc, bool removed, struct ft_iface_record *r)
{
	struct stat ns;

	memset(r, 0, sizeof(*r));
	r->type = FT_REC_IFACE;
	r->removed = removed;
	memcpy(r->mac, ifc->mac, 6);
	r->ifindex = ifc->ifindex;
	r->hooks = ifc->hooks;
	r->netns_ino = stat("/proc/self/ns/net", &ns) ? 0 : ns.st_ino;
	r->ts_ns = ifc->announced_ns;
	snprintf(r->name, sizeof(r->name), "%s", ifc->name);
}

/* What is attached where, growing and shrinking with interface churn. */
struct ft_tracer {
	const struct ft_tracer_opts *o;
	struct ft_session *session;
	struct fluxtrace_bpf *skel;
	struct ft_attach_if *ifaces;
	size_t n;
	bool any;		/* -i any: trace interfaces that appear */
	int watch_fd;
	struct ft_localmacs *macs;	/* every link's MAC, for the kernel */
	struct ft_live *live;
	struct ft_metrics *metrics;
};

static void announce(struct ft_tracer *t, struct ft_attach_if *ifc, bool removed)
{
	struct ft_iface_record r;

	ifc->announced_ns = ft_now_ns();
	iface_record(ifc, removed, &r);
	ft_session_record(t->session, &r, sizeof(r));
}

static struct ft_attach_if *find_iface(struct ft_tracer *t, int ifindex)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->ifaces[i].ifindex == ifindex)
			return &t->ifaces[i];
	return NULL;
}

/* Interfaces come, go, get renamed and change MAC while we trace. Every
 * link counts for the set of this host's MACs, traced or not. */
static void on_link_change(void *ctx, const struct ft_link_change *c)
{
	struct ft_tracer *t = ctx;
	struct ft_attach_if *ifc = find_iface(t, c->ifindex);

	if (t->macs)
		ft_localmacs_set(t->macs, c->ifindex, c->mac, c->removed);
	if (ifc && c->removed) {
		pr_info("%s: interface gone; no longer traced\n", ifc->name);
		ft_detach_iface(ifc);
		announce(t, ifc, true);
		*ifc = t->ifaces[--t->n];
		return;
	}
	if (ifc) {
		bool renamed = c->name[0] && strcmp(c->name, ifc->name);
		bool new_mac = memcmp(c->mac, "\0\0\0\0\0", 6) && memcmp(c->mac, ifc->mac, 6);

		if (renamed) {
			pr_info("%s: renamed to %s; its history is kept under the new name\n",
				ifc->name, c->name);
			snprintf(ifc->name, sizeof(ifc->name), "%s", c->name);
		}
		if (new_mac) {
			pr_info("%s: MAC changed to %02x:%02x:%02x:%02x:%02x:%02x\n", ifc->name,
				c->mac[0], c->mac[1], c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
			memcpy(ifc->mac, c->mac, 6);
		}
		/* Also a new master (bridge, bond) or none any more. */
		ft_attach_own_mac(t->skel, ifc);
		if (renamed || new_mac)
			announce(t, ifc, false);
	} else if (t->any && c->up && !c->removed && c->name[0]) {
		size_t before = t->n;

		if (ft_ifaces_resolve(c->name, &t->ifaces, &t->n) || t->n == before)
			return;
		ifc = &t->ifaces[t->n - 1];
		if (ft_attach_iface(t->skel, ifc, t->o->xdp_mode)) {
			t->n--;
			return;
		}
		pr_info("%s: new interface; tracing it\n", ifc->name);
		announce(t, ifc, false);
	}
}

static void on_watch(void *ctx)
{
	struct ft_tracer *t = ctx;

	if (ft_ifwatch_read(t->watch_fd, on_link_change, t) == -ENOBUFS && t->macs &&
	    ft_localmacs_sync(t->macs))
		pr_info("cannot list the interfaces again after missed link changes\n");
}

static struct ft_trace_writer *open_writer(struct ft_tracer *t)
{
	struct ft_trace_meta meta = {
		.mono_to_wall_ns = t->o->mono_to_wall_ns,
		.start_ns = ft_now_ns(),
		.n_ifaces = t->n,
	};
	struct ft_trace_writer *w;
	struct utsname u;

	meta.ifaces = calloc(t->n, sizeof(*meta.ifaces));
	if (!meta.ifaces)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		iface_record(&t->ifaces[i], false, &meta.ifaces[i]);
	uname(&u);
	snprintf(meta.host, sizeof(meta.host), "%s", t->o->host ? t->o->host : "");
	snprintf(meta.kernel, sizeof(meta.kernel), "%.63s", u.release);
	w = ft_trace_create(t->o->write_path, &meta);
	free(meta.ifaces);
	return w;
}

/* The facts a hint may ask about the traced interfaces, written at the
 * start; the routes are asked by the hints and written with any changed
 * sysctls at the end, after the final report made them. */
static void write_facts(struct ft_tracer *t, bool start)
{
	struct ft_facts *f = t->session->facts;
	struct ft_if_sysctls sc;

	if (!f || !t->session->writer)
		return;
	for (size_t i = 0; i < t->n; i++)
		ft_hostfacts_ask_sysctls(f, t->ifaces[i].name, &sc);
	if (start || f->dirty)
		ft_trace_write_facts(t->session->writer, f);
	f->dirty = false;
}

/* A scrape sees fresh counters: read the maps first. */
static void render_metrics(void *ctx, FILE *out)
{
	struct ft_tracer *t = ctx;
	struct ft_report rep;

	ft_live_snapshot(t->live);
	if (ft_reducer_report(t->session->reducer, &rep, false))
		return;
	ft_render_metrics(out, &rep);
	ft_report_free(&rep);
}

static void on_metrics(void *ctx)
{
	ft_metrics_run(((struct ft_tracer *)ctx)->metrics);
}

int ft_trace_live(const struct ft_tracer_opts *cfg, struct ft_session *session)
{
	struct ft_live live = { .epoll_fd = -1, .sig_fd = -1, .timer_fd = -1 };
	struct ft_tracer t = { .o = cfg, .session = session, .watch_fd = -1, .live = &live };
	char names[1024] = "";
	int err, ret = 1;

	if (ft_preflight())
		return 1;
	t.any = !cfg->ifaces_spec || strstr(cfg->ifaces_spec, "any");
	err = ft_ifaces_resolve(cfg->ifaces_spec ? cfg->ifaces_spec : "any", &t.ifaces, &t.n);
	if (err)
		goto out;
	if (!t.n) {
		pr_warn("no interface is up in this network namespace; name one with -i\n");
		goto out;
	}
	if (ft_load(cfg->max_flows, cfg->ringbuf_size, cfg->scope, &t.skel))
		goto out;
	pr_info("tracking up to %u flows (~%u MiB of kernel memory), %u KiB ring buffer\n",
		cfg->max_flows,
		(unsigned)(((__u64)cfg->max_flows *
			    (sizeof(struct ft_flow_key) + sizeof(struct ft_flow_state) + 64)) >> 20),
		cfg->ringbuf_size >> 10);

	err = ft_attach_tracepoints(t.skel);
	if (err) {
		pr_warn("cannot attach the neighbour tracepoints: %s\n", strerror(-err));
		goto out;
	}
	if (cfg->events)
		session->printer = ft_event_printer_new(
			cfg->write_path && !strcmp(cfg->write_path, "-") ? stderr : stdout,
			cfg->mono_to_wall_ns);
	/* Watch first, then list: no link change falls between the two. */
	t.watch_fd = ft_ifwatch_open();
	if (t.watch_fd < 0)
		pr_info("not watching for interface changes: %s\n", strerror(-t.watch_fd));
	t.macs = ft_localmacs_new(bpf_map__fd(t.skel->maps.ft_local_macs));
	err = t.macs ? ft_localmacs_sync(t.macs) : -ENOMEM;
	if (err)
		pr_warn("cannot list this host's MACs (%s): frames for its other links (macvlan, "
			"VLAN, bridge) are skipped as other_host\n", strerror(-err));
	for (size_t i = 0; i < t.n; i++) {
		err = ft_attach_iface(t.skel, &t.ifaces[i], cfg->xdp_mode);
		if (err) {
			pr_warn("%s: not traced; stopping (name the interfaces to trace with -i)\n",
				t.ifaces[i].name);
			goto out;
		}
		announce(&t, &t.ifaces[i], false);
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? "," : "", t.ifaces[i].name);
	}
	/* The header carries the interface table the reducer already has. */
	if (cfg->write_path) {
		session->writer = open_writer(&t);
		if (!session->writer) {
			pr_warn("cannot write '%s': %s (choose another path for -w)\n",
				cfg->write_path, strerror(errno));
			goto out;
		}
		write_facts(&t, true);
	}

	live.skel = t.skel;
	live.session = session;
	live.duration_ns = cfg->duration_ns;
	live.interval_ns = cfg->interval_ns;
	live.report = cfg->report;
	ft_live_watch(&live, t.watch_fd, on_watch);
	if (cfg->metrics) {
		t.metrics = ft_metrics_start(cfg->metrics, render_metrics, &t);
		if (!t.metrics)
			goto out;
		ft_live_watch(&live, ft_metrics_fd(t.metrics), on_metrics);
		live.tick = on_metrics;	/* connection timeouts */
	}
	live.report_ctx = cfg->report_ctx;
	live.watch_ctx = &t;
	err = ft_live_open(&live);
	if (err) {
		pr_warn("cannot set up the event loop: %s\n", strerror(-err));
		goto out;
	}
	fprintf(stderr, "fluxtrace: tracing %s\n", names);
	err = ft_live_run(&live);

	/* Detach first so the report covers a closed window. */
	for (size_t i = 0; i < t.n; i++)
		ft_detach_iface(&t.ifaces[i]);
	ft_detach_tracepoints(t.skel);
	ft_live_snapshot(&live);
	if (live.bad_events)
		pr_warn("%llu malformed ring-buffer records ignored\n",
			(unsigned long long)live.bad_events);
	cfg->report(cfg->report_ctx, true);
	ret = err ? 1 : 0;
out:
	for (size_t i = 0; i < t.n; i++)
		ft_detach_iface(&t.ifaces[i]);
	ft_metrics_stop(t.metrics);
	ft_live_close(&live);
	if (t.watch_fd >= 0)
		close(t.watch_fd);
	if (session->writer) {
		write_facts(&t, false);
		err = ft_trace_close(session->writer);
		if (!err)
			err = session->write_err;
		if (err) {
			pr_warn("writing '%s' failed: %s; the trace is incomplete\n", cfg->write_path,
				strerror(-err));
			ret = 1;
		}
	}
	fluxtrace_bpf__destroy(t.skel);
	ft_localmacs_free(t.macs);
	free(t.ifaces);
	return ret;
}
