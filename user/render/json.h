/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The JSON pieces the report (json.c) and the JSON lines (lines.c) share:
 * one shape for a finding and for the counters wherever they appear. */
#ifndef FLUXTRACE_RENDER_JSON_H
#define FLUXTRACE_RENDER_JSON_H

#include <stdio.h>
#include <linux/types.h>
#include "model/model.h"
#include "render/render.h"

/* A string, escaped; ASCII out whatever comes in. */
void ft_json_str(FILE *out, const char *s);
/* An event timestamp as an RFC 3339 string. */
void ft_json_time(FILE *out, __u64 ns, const struct ft_render_ctx *ctx);
/* One finding object, as in the report's lists. */
void ft_json_finding(FILE *out, const struct ft_report *rep, const struct ft_finding *f,
		     const struct ft_render_ctx *ctx);
/* ,"counters":{...} */
void ft_json_counters(FILE *out, const struct ft_report *rep);

#endif /* FLUXTRACE_RENDER_JSON_H */
