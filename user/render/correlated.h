/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The report of several joined hosts: the correlated findings first
 * (model/hosts.h), then each host's own report as one trace alone gives
 * it. Text, or one JSON object {"correlated": [...], "hosts": [...]}
 * (user/render/README.md).
 */
#ifndef FLUXTRACE_RENDER_CORRELATED_H
#define FLUXTRACE_RENDER_CORRELATED_H

#include <stdbool.h>
#include <stdio.h>
#include "model/hosts.h"
#include "render/render.h"

/* ctx[i] renders host i's own report. */
int ft_render_hosts_text(const struct ft_host *hosts, const struct ft_render_ctx *ctx, size_t n,
			 const struct ft_correlation *c, bool color, FILE *out);
int ft_render_hosts_json(const struct ft_host *hosts, const struct ft_render_ctx *ctx, size_t n,
			 const struct ft_correlation *c, FILE *out);

#endif /* FLUXTRACE_RENDER_CORRELATED_H */
