// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * -r A -r B ...: each trace is reduced alone, by its own reducer fed
 * through its own session exactly as a single replay is (so each host's
 * findings and hints are the ones it gives alone), then the reports are
 * joined. Inputs that cannot be joined are refused with one line each.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/format.h"
#include "common/log.h"
#include "hosts.h"
#include "live/session.h"
#include "reduce/join.h"
#include "reduce/reducer.h"
#include "render/correlated.h"

struct ft_trace_reader *ft_hosts_open(const char *path, struct ft_trace_meta *meta,
				      struct ft_facts *f)
{
	struct ft_trace_reader *r;
	char err[512];

	r = ft_trace_open(path, meta, err, sizeof(err));
	if (!r) {
		pr_warn("%s\n", err);
		return NULL;
	}
	if (f) {
		ft_trace_read_facts(r, f);
		if (meta->version < 2)
			f->mode = FT_FACTS_NONE;
	}
	return r;
}

int ft_hosts_feed(struct ft_trace_reader *r, struct ft_session *s,
		  void (*tick)(void *ctx, const void *rec, size_t len), void *ctx,
		  const char *doing)
{
	const void *rec;
	size_t len;
	int status;

	while ((status = ft_trace_next(r, &rec, &len)) == FT_TRACE_RECORD) {
		ft_session_record(s, rec, len);
		if (tick)
			tick(ctx, rec, len);
	}
	if (status == FT_TRACE_ERROR)
		pr_warn("%s\n", ft_trace_error(r));
	else if (status == FT_TRACE_TRUNCATED)
		pr_warn("%s (the trace ends early, e.g. the recording was killed: %s what was "
			"intact)\n", ft_trace_error(r), doing);
	ft_trace_close_reader(r);
	return status == FT_TRACE_ERROR;
}

struct one {
	const char *path;
	struct ft_trace_meta meta;	/* ifaces not kept */
	struct ft_facts *facts;
	struct ft_session session;
	struct ft_report rep;
	bool have_rep;
};

/* Reads one trace into its own reducer; 0, or 1 after saying why not. */
static int load(const struct ft_config *cfg, struct one *o)
{
	struct ft_reduce_opts opts = cfg->reduce;
	struct ft_trace_reader *r;

	o->facts = ft_facts_new(FT_FACTS_RECORDED);
	if (!o->facts)
		return pr_warn("out of memory\n"), 1;
	r = ft_hosts_open(o->path, &o->meta, o->facts);
	if (!r)
		return 1;
	if (o->facts->mode == FT_FACTS_NONE)
		pr_warn("%s: format version %u records no host facts: its hints say they are "
			"unavailable (record it again to have them)\n", o->path, o->meta.version);
	opts.host_facts = o->facts;
	o->session.reducer = ft_reducer_new(&opts);
	if (!o->session.reducer) {
		ft_trace_close_reader(r);
		return pr_warn("out of memory\n"), 1;
	}
	o->meta.ifaces = NULL;	/* the reader's, gone with it */
	if (ft_hosts_feed(r, &o->session, NULL, NULL, "joining"))
		return 1;
	if (ft_reducer_report(o->session.reducer, &o->rep, true))
		return pr_warn("out of memory making the report\n"), 1;
	o->have_rep = true;
	return 0;
}

/* A traced interface both tables list with the same name and MAC. */
static const struct ft_iface_info *shared_iface(const struct ft_iftable *a,
						const struct ft_iftable *b)
{
	static const __u8 zero[6];

	for (__u32 i = 0; i < a->n; i++) {
		if (!memcmp(a->v[i].mac, zero, 6))
			continue;
		for (__u32 k = 0; k < b->n; k++)
			if (!memcmp(a->v[i].mac, b->v[k].mac, 6) &&
			    !strncmp(a->v[i].name, b->v[k].name, FT_IFNAMSIZ))
				return &a->v[i];
	}
	return NULL;
}

/* Two traces of one host would join the host with itself. */
static int check_distinct(const struct one *o, size_t n)
{
	char mac[FT_MAC_STRLEN];

	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++) {
			const struct ft_iface_info *s =
				shared_iface(o[i].rep.ifaces, o[k].rep.ifaces);

			if (s && !strcmp(o[i].meta.host, o[k].meta.host)) {
				pr_warn("%s and %s are traces of one host (%s: both trace %.16s "
					"%s); join traces of different hosts, or reduce each "
					"alone with one -r\n", o[i].path, o[k].path, o[i].meta.host,
					s->name, ft_fmt_mac(s->mac, mac));
				return 1;
			}
		}
	return 0;
}

/* The host name, or the trace's file name where hosts share a name (as
 * network namespaces of one machine do). */
static void labels(const struct one *o, struct ft_host *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool shared = !o[i].meta.host[0];
		char path[256], *base, *dot;

		for (size_t k = 0; k < n && !shared; k++)
			shared = k != i && !strcmp(o[i].meta.host, o[k].meta.host);
		if (!shared) {
			snprintf(h[i].label, sizeof(h[i].label), "%s", o[i].meta.host);
			continue;
		}
		snprintf(path, sizeof(path), "%s", o[i].path);
		base = basename(path);
		dot = strrchr(base, '.');
		if (dot && dot != base)
			*dot = '\0';
		snprintf(h[i].label, sizeof(h[i].label), "%s", base);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			if (!strcmp(h[i].label, h[k].label))
				snprintf(h[k].label, sizeof(h[k].label), "%.50s#%zu", o[k].path,
					 k + 1);
}

/* Traces that share no moment (within the skew) can share no story. */
static void check_overlap(const struct one *o, const struct ft_host *h, size_t n, __u64 skew)
{
	char a[FT_TIME_STRLEN], b[FT_TIME_STRLEN];

	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++) {
			const struct ft_health *x = &o[i].rep.health, *y = &o[k].rep.health;
			__s64 x0 = x->first_ns + h[i].mono_to_wall_ns,
			      x1 = x->now_ns + h[i].mono_to_wall_ns,
			      y0 = y->first_ns + h[k].mono_to_wall_ns,
			      y1 = y->now_ns + h[k].mono_to_wall_ns;

			if (!x->have_time || !y->have_time)
				continue;
			if (x0 - (__s64)skew <= y1 && y0 - (__s64)skew <= x1)
				continue;
			pr_warn("%s and %s do not overlap in time (%s ends %s, %s starts %s, "
				"allowed skew %.1f s): nothing of one can be joined with the other\n",
				o[i].path, o[k].path, x1 < y0 ? h[i].label : h[k].label,
				ft_fmt_clock(x1 < y0 ? x1 : y1, 0, a),
				x1 < y0 ? h[k].label : h[i].label,
				ft_fmt_clock(x1 < y0 ? y0 : x0, 0, b), (double)skew / FT_NSEC);
		}
}

/* --fail-on: an alarm of those kinds on any host, or a correlated finding
 * of those kinds. */
static bool fail_on(const struct ft_config *cfg, const struct one *o, size_t n,
		    const struct ft_correlation *corr)
{
	for (unsigned int k = 0; k < FT_CORR_KIND_MAX; k++)
		if ((cfg->fail_on_corr & (1u << k)) && corr->per_kind[k])
			return true;
	for (size_t i = 0; i < n; i++)
		for (unsigned int k = 0; k < FT_KIND_MAX; k++)
			if ((cfg->fail_on & (1u << k)) && o[i].rep.findings.per_kind[k])
				return true;
	return false;
}

int ft_hosts_replay(const struct ft_config *cfg)
{
	size_t n = cfg->n_read;
	struct one *o = calloc(n, sizeof(*o));
	struct ft_host *h = calloc(n, sizeof(*h));
	struct ft_render_ctx *ctx = calloc(n, sizeof(*ctx));
	struct ft_correlation corr = {};
	int ret = 1;

	if (!o || !h || !ctx) {
		pr_warn("out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		o[i].path = cfg->read_paths[i];
		if (load(cfg, &o[i]))
			goto out;
	}
	if (check_distinct(o, n))
		goto out;
	labels(o, h, n);
	for (size_t i = 0; i < n; i++) {
		h[i].source = o[i].path;
		h[i].mono_to_wall_ns = o[i].meta.mono_to_wall_ns;
		h[i].rep = &o[i].rep;
		h[i].facts = o[i].facts;
		ctx[i].host = h[i].label;
		ctx[i].source = o[i].path;
		ctx[i].mono_to_wall_ns = o[i].meta.mono_to_wall_ns;
		ctx[i].color = !cfg->json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	}
	check_overlap(o, h, n, cfg->skew_ns);
	if (ft_join(h, n, cfg->skew_ns, &corr)) {
		pr_warn("out of memory joining the traces\n");
		goto out;
	}
	if (cfg->json)
		ft_render_hosts_json(h, ctx, n, &corr, stdout);
	else
		ft_render_hosts_text(h, ctx, n, &corr, ctx[0].color, stdout);
	ret = fflush(stdout) ? 1 : fail_on(cfg, o, n, &corr) ? FT_EXIT_FINDINGS : 0;
out:
	ft_correlation_free(&corr);
	for (size_t i = 0; o && i < n; i++) {
		if (o[i].have_rep)
			ft_report_free(&o[i].rep);
		ft_reducer_free(o[i].session.reducer);
		ft_facts_free(o[i].facts);
	}
	free(o);
	free(h);
	free(ctx);
	return ret;
}
