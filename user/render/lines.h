/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* JSON lines of an always-on run: the changes of the findings' lifecycle
 * between two reports, then a summary (user/render/README.md). */
#ifndef FLUXTRACE_RENDER_LINES_H
#define FLUXTRACE_RENDER_LINES_H

#include <stdbool.h>
#include <stdio.h>
#include "model/model.h"
#include "render/render.h"

struct ft_lines;

struct ft_lines *ft_lines_new(void);
void ft_lines_free(struct ft_lines *l);
/* One line per alarmed finding opened, updated or resolved since the last
 * call, then a "summary" line (final: the run's last). */
int ft_render_lines(struct ft_lines *l, const struct ft_report *rep,
		    const struct ft_render_ctx *ctx, FILE *out, bool final);

#endif /* FLUXTRACE_RENDER_LINES_H */
