/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The renderers: a report (model/model.h) in, text or JSON out. They read
 * the report and nothing else: no reducer state, no host lookups (hints
 * were written when the findings were made).
 */
#ifndef FLUXTRACE_RENDER_H
#define FLUXTRACE_RENDER_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "model/model.h"

struct ft_render_ctx {
	const char *host;
	const char *source;	/* "live" or the trace file's name */
	__s64 mono_to_wall_ns;	/* CLOCK_MONOTONIC + this = Unix time */
	bool color;		/* text: ANSI colour */
};

int ft_render_text(const struct ft_report *rep, const struct ft_render_ctx *ctx, FILE *out);
/* One JSON object on one line (JSON lines with --interval). */
int ft_render_json(const struct ft_report *rep, const struct ft_render_ctx *ctx, FILE *out);

#endif /* FLUXTRACE_RENDER_H */
