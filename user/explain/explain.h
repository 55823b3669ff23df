/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Hints: one sentence per finding saying what was seen, where, and what
 * to check (the sysctl or the route). The reducer asks for a finding's
 * hint when it makes the finding; renderers only print it. Host facts
 * (sysctls, routes) are read from this host only when the reducer runs
 * live on the traced host.
 */
#ifndef FLUXTRACE_EXPLAIN_H
#define FLUXTRACE_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include "model/model.h"

#define FT_HINT_MAX 1100

/* The notice for hints without host facts. */
#define FT_NO_FACTS "host facts unavailable: the trace was not recorded live on this host"

void ft_explain(const struct ft_finding *f, const struct ft_iftable *ifs, bool facts, char *buf,
		size_t len);

/* explain/flows.c, explain/neigh.c: the hints of each report list. */
void ft_explain_flow(const struct ft_iftable *ifs, const struct ft_finding *f, bool facts,
		     char *buf, size_t len);
void ft_explain_neigh(const struct ft_iftable *ifs, const struct ft_finding *f, bool facts,
		      char *buf, size_t len);
/* Effective sysctls (FT_SC_* of hostfacts.h) of the interfaces, read from
 * this host. */
const char *ft_explain_sysctls(const struct ft_iftable *ifs, const struct ft_iflist *l,
			       unsigned int which, char *buf, size_t len);

#endif /* FLUXTRACE_EXPLAIN_H */
