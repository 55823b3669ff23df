// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fluxtrace: options, then trace live (live/tracer.c) or replay a recorded
 * trace (record/); either way every record goes through one session into
 * the reducer, and the reports come from the same reducer and renderers.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "hosts.h"
#include "common/log.h"
#include "live/check.h"
#include "live/consume.h"
#include "live/session.h"
#include "live/tracer.h"
#include "record/trace.h"
#include "reduce/reducer.h"
#include "render/events.h"
#include "render/lines.h"
#include "render/render.h"

/* What the report callback needs. */
struct ft_run {
	const struct ft_config *cfg;
	struct ft_session session;
	struct ft_render_ctx render;
	struct ft_lines *lines;		/* --json --interval */
	bool tty;
	bool failed;			/* --fail-on: an alarm of its kinds at the end */
	__u64 last_tick_ns;		/* -r --interval: the last report, in the trace's time */
};

/* --fail-on: any alarm of those kinds in the run, active or resolved (a
 * CI job wants to know it happened); look-alikes and --allow never count. */
static bool fail_on_hit(const struct ft_config *cfg, const struct ft_report *rep)
{
	for (unsigned int k = 0; k < FT_KIND_MAX; k++)
		if ((cfg->fail_on & (1u << k)) && rep->findings.per_kind[k])
			return true;
	return false;
}

static void report(void *ctx, bool final)
{
	struct ft_run *run = ctx;
	const char *w = run->cfg->live.write_path;
	/* With -w - the trace owns stdout. */
	FILE *out = w && !strcmp(w, "-") ? stderr : stdout;
	struct ft_report rep;

	if (ft_reducer_report(run->session.reducer, &rep, true)) {
		pr_warn("out of memory making the report\n");
		return;
	}
	if (final)
		run->failed = fail_on_hit(run->cfg, &rep);
	if (run->lines) {
		ft_render_lines(run->lines, &rep, &run->render, out, final);
	} else if (run->cfg->json) {
		ft_render_json(&rep, &run->render, out);
	} else {
		/* The live view redraws in place on a terminal. */
		if (run->cfg->live.interval_ns && run->tty && !final)
			fputs("\033[H\033[2J", out);
		ft_render_text(&rep, &run->render, out);
	}
	ft_report_free(&rep);
	fflush(out);
}

static __s64 mono_to_wall_offset(void)
{
	struct timespec wall;

	clock_gettime(CLOCK_REALTIME, &wall);
	return (__s64)(wall.tv_sec * 1000000000ULL + wall.tv_nsec) - (__s64)ft_now_ns();
}

/* --interval in a replay: a report wherever the live run could have made
 * one, at a counters record (the live run reads the counters right before
 * each report) at least the interval after the last; the trace's time,
 * not the wall clock's. */
static void replay_tick(void *ctx, const void *rec, size_t len)
{
	const struct ft_counters_record *c = rec;
	struct ft_run *run = ctx;

	if (len < sizeof(*c) || c->type != FT_REC_COUNTERS)
		return;
	if (!run->last_tick_ns)
		run->last_tick_ns = c->ts_ns;
	else if (c->ts_ns - run->last_tick_ns >= run->cfg->live.interval_ns) {
		report(run, false);
		run->last_tick_ns = c->ts_ns;
	}
}

static int replay(struct ft_run *run)
{
	struct ft_trace_meta meta = {};
	struct ft_trace_reader *r;

	r = ft_hosts_open(run->cfg->read_path, &meta, run->session.facts);
	if (!r)
		return 1;
	if (run->cfg->live.events)
		run->session.printer = ft_event_printer_new(stdout, meta.mono_to_wall_ns);
	run->render.host = meta.host;
	run->render.source = run->cfg->read_path;
	run->render.mono_to_wall_ns = meta.mono_to_wall_ns;
	if (ft_hosts_feed(r, &run->session, run->cfg->live.interval_ns ? replay_tick : NULL, run,
			  "reporting"))
		return 1;
	report(run, true);
	return 0;
}

int main(int argc, char **argv)
{
	struct ft_config cfg = FT_CONFIG_DEFAULT;
	struct ft_run run = { .cfg = &cfg };
	char host[256] = "localhost";
	int ret;

	ft_cli_parse(argc, argv, &cfg);
	/* A closed pipe is an error to report, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	libbpf_set_print(ft_libbpf_print);
	if (cfg.check)
		return ft_check() ? 1 : 0;

	if (cfg.n_read > 1) {
		ret = ft_hosts_replay(&cfg);
		ft_cli_free(&cfg);
		return ret;
	}
	/* Host facts (sysctls, routes): read live, or the trace's own. */
	run.session.facts = ft_facts_new(cfg.read_path ? FT_FACTS_RECORDED : FT_FACTS_LIVE);
	cfg.reduce.host_facts = run.session.facts;
	run.session.reducer = ft_reducer_new(&cfg.reduce);
	if (!run.session.reducer) {
		pr_warn("out of memory\n");
		return 1;
	}
	gethostname(host, sizeof(host) - 1);
	run.tty = isatty(STDOUT_FILENO);
	run.render.host = host;
	run.render.source = "live";
	run.render.mono_to_wall_ns = mono_to_wall_offset();
	run.render.color = run.tty && !cfg.json && !getenv("NO_COLOR");
	if (cfg.json && cfg.live.interval_ns && !(run.lines = ft_lines_new())) {
		pr_warn("out of memory\n");
		return 1;
	}

	if (cfg.read_path) {
		ret = replay(&run);
	} else {
		cfg.live.host = host;
		cfg.live.mono_to_wall_ns = run.render.mono_to_wall_ns;
		cfg.live.report = report;
		cfg.live.report_ctx = &run;
		ret = ft_trace_live(&cfg.live, &run.session);
	}
	ft_event_printer_free(run.session.printer);
	ft_lines_free(run.lines);
	ft_reducer_free(run.session.reducer);
	ft_facts_free(run.session.facts);
	ft_cli_free(&cfg);
	return !ret && run.failed ? FT_EXIT_FINDINGS : ret;
}
