/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FLUXTRACE_RENDER_METRICS_H
#define FLUXTRACE_RENDER_METRICS_H

#include <stddef.h>
#include <stdio.h>
#include "fluxtrace/events.h"

struct ft_summary;
struct ft_iface;

/* Prometheus text exposition of one moment. */
void ft_render_metrics(FILE *out, const struct ft_summary *s, const struct ft_counters_record *c,
		       const struct ft_iface *ifaces, size_t n);

#endif /* FLUXTRACE_RENDER_METRICS_H */
