/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FLUXTRACE_RENDER_METRICS_H
#define FLUXTRACE_RENDER_METRICS_H

#include <stdio.h>
#include "model/model.h"

/* Prometheus text exposition of one moment's report (without hints). */
void ft_render_metrics(FILE *out, const struct ft_report *rep);

#endif /* FLUXTRACE_RENDER_METRICS_H */
