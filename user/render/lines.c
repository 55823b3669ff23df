// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * JSON lines for an always-on run (--json --interval): at every report,
 * one line per alarmed finding (group) that changed since the last one
 * -- "opened", "updated", "resolved" -- then one "summary" line. A log
 * shipper ingests them as they come: nothing is repeated, and a group
 * keeps its id for the run and in a replay of it (user/render/README.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common/names.h"
#include "render/json.h"
#include "render/lines.h"

/* What was said about a group last time. */
struct seen {
	__u64 id;
	__u64 sig;		/* what "updated" compares */
	__u32 gen;		/* the report that last listed it */
	__u8 kind;
	__u8 state;		/* FT_STATE_ACTIVE or FT_STATE_RESOLVED */
	__u8 used;
};

struct ft_lines {
	struct seen *v;
	size_t n, cap;		/* open addressing by id, cap a power of two */
	__u32 gen;
};

struct ft_lines *ft_lines_new(void)
{
	return calloc(1, sizeof(struct ft_lines));
}

void ft_lines_free(struct ft_lines *l)
{
	if (!l)
		return;
	free(l->v);
	free(l);
}

static __u64 mix(__u64 h, __u64 v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

/* An update is news: more flows or peers, new MACs or interfaces, a
 * neighbour that failed, another verdict or hint. Counters that grow while
 * the same thing goes on (packets, MAC changes, unanswered requests) are
 * not: they would repeat a line every interval. */
static __u64 signature(const struct ft_finding *f)
{
	__u64 h = 0;

	h = mix(h, f->flows);
	h = mix(h, f->peers);
	h = mix(h, f->macs.n);
	h = mix(h, f->ifaces.n);
	h = mix(h, f->req_src.n + 16 * f->rep_dst.n);
	h = mix(h, f->neigh_failed);
	h = mix(h, f->reason);
	for (const char *p = f->hint ? f->hint : ""; *p; p++)
		h = mix(h, (unsigned char)*p);
	return h;
}

static int grow(struct ft_lines *l)
{
	size_t cap = l->cap ? l->cap * 2 : 256;
	struct seen *v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < l->cap; i++) {
		size_t j;

		if (!l->v[i].used)
			continue;
		for (j = l->v[i].id & (cap - 1); v[j].used; j = (j + 1) & (cap - 1))
			;
		v[j] = l->v[i];
	}
	free(l->v);
	l->v = v;
	l->cap = cap;
	return 0;
}

static struct seen *lookup(struct ft_lines *l, __u64 id, bool *fresh)
{
	size_t i;

	if ((l->n + 1) * 2 > l->cap && grow(l))
		return NULL;
	for (i = id & (l->cap - 1); l->v[i].used; i = (i + 1) & (l->cap - 1)) {
		if (l->v[i].id == id) {
			*fresh = false;
			return &l->v[i];
		}
	}
	l->v[i].used = 1;
	l->v[i].id = id;
	l->n++;
	*fresh = true;
	return &l->v[i];
}

static void line_head(FILE *out, const char *type, const struct ft_report *rep,
		      const struct ft_render_ctx *ctx)
{
	fprintf(out, "{\"type\":\"%s\",\"time\":", type);
	ft_json_time(out, rep->health.now_ns, ctx);
	fprintf(out, ",\"host\":");
	ft_json_str(out, ctx->host ? ctx->host : "");
}

static void change(FILE *out, const char *type, const struct ft_report *rep,
		   const struct ft_finding *f, const struct ft_render_ctx *ctx)
{
	line_head(out, type, rep, ctx);
	fprintf(out, ",\"id\":\"%016llx\",\"kind\":", (unsigned long long)f->id);
	ft_json_str(out, ft_kind_name(f->kind));
	fprintf(out, ",\"report\":");
	ft_json_str(out, ft_kind_report(f->kind));
	fprintf(out, ",\"finding\":");
	ft_json_finding(out, rep, f, ctx);
	fprintf(out, "}\n");
}

/* A group that left the report (its flows evicted, the run's bound):
 * resolved, with what is known of it. */
static void gone(FILE *out, const struct ft_report *rep, const struct seen *s,
		 const struct ft_render_ctx *ctx)
{
	line_head(out, "resolved", rep, ctx);
	fprintf(out, ",\"id\":\"%016llx\",\"kind\":", (unsigned long long)s->id);
	ft_json_str(out, ft_kind_name(s->kind));
	fprintf(out, ",\"report\":");
	ft_json_str(out, ft_kind_report(s->kind));
	fprintf(out, ",\"finding\":null}\n");
}

static void summary(FILE *out, const struct ft_report *rep, const struct ft_render_ctx *ctx,
		    bool final)
{
	const struct ft_findings *fs = &rep->findings;

	line_head(out, "summary", rep, ctx);
	fprintf(out, ",\"source\":");
	ft_json_str(out, ctx->source ? ctx->source : "");
	fprintf(out, ",\"start\":");
	ft_json_time(out, rep->health.first_ns, ctx);
	fprintf(out, ",\"window_seconds\":%.3f,\"final\":%s",
		(double)rep->health.window_ns / FT_NSEC, final ? "true" : "false");
	for (int pass = 0; pass < 2; pass++) {
		fprintf(out, pass ? ",\"findings\":{" : ",\"active\":{");
		for (unsigned int k = 0; k < FT_KIND_MAX; k++)
			fprintf(out, "%s\"%s\":%u", k ? "," : "", ft_kind_name(k),
				pass ? fs->per_kind[k] : fs->active[k]);
		fputc('}', out);
	}
	fprintf(out, ",\"classified\":%u", fs->classified);
	ft_json_counters(out, rep);
	fprintf(out, "}\n");
}

int ft_render_lines(struct ft_lines *l, const struct ft_report *rep,
		    const struct ft_render_ctx *ctx, FILE *out, bool final)
{
	const struct ft_findings *fs = &rep->findings;

	l->gen++;
	for (size_t i = 0; i < fs->n; i++) {
		const struct ft_finding *f = &fs->v[i];
		__u8 state = f->state == FT_STATE_RESOLVED ? FT_STATE_RESOLVED : FT_STATE_ACTIVE;
		struct seen *s;
		bool fresh;

		if (f->cls != FT_CLASS_NONE)
			continue;
		s = lookup(l, f->id, &fresh);
		if (!s)
			return -ENOMEM;
		s->gen = l->gen;
		s->kind = f->kind;
		if (fresh || (s->state == FT_STATE_RESOLVED && state == FT_STATE_ACTIVE)) {
			/* New, or back after it resolved: an episode opens. One
			 * first seen already resolved opened and closed between
			 * two reports. */
			change(out, "opened", rep, f, ctx);
			if (state == FT_STATE_RESOLVED)
				change(out, "resolved", rep, f, ctx);
		} else if (state == FT_STATE_RESOLVED && s->state == FT_STATE_ACTIVE) {
			change(out, "resolved", rep, f, ctx);
		} else if (state == FT_STATE_ACTIVE && s->sig != signature(f)) {
			change(out, "updated", rep, f, ctx);
		}
		s->state = state;
		s->sig = signature(f);
	}
	for (size_t i = 0; i < l->cap; i++) {
		struct seen *s = &l->v[i];

		if (!s->used || s->gen == l->gen || s->state == FT_STATE_RESOLVED)
			continue;
		gone(out, rep, s, ctx);
		s->state = FT_STATE_RESOLVED;
	}
	summary(out, rep, ctx, final);
	return ferror(out) ? -EIO : 0;
}
