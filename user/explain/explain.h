/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Hints: one sentence per finding saying what was seen, where, and what
 * to check (the sysctl or the route). The reducer asks for a finding's
 * hint when it makes the finding; renderers only print it. Host facts
 * (sysctls, routes) come from a facts table (model/facts.h): read from
 * this host live, from the trace in a replay; NULL or FT_FACTS_NONE (a
 * trace recorded before facts were) says they are unavailable.
 */
#ifndef FLUXTRACE_EXPLAIN_H
#define FLUXTRACE_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include "model/facts.h"
#include "model/model.h"

#define FT_HINT_MAX 1100

/* The notice for hints without host facts. */
#define FT_NO_FACTS "host facts unavailable: the trace was not recorded live on this host"

void ft_explain(const struct ft_finding *f, const struct ft_iftable *ifs, struct ft_facts *facts,
		char *buf, size_t len);

/* explain/flows.c, explain/neigh.c: the hints of each report list. */
void ft_explain_flow(const struct ft_iftable *ifs, const struct ft_finding *f,
		     struct ft_facts *facts, char *buf, size_t len);
void ft_explain_neigh(const struct ft_iftable *ifs, const struct ft_finding *f,
		      struct ft_facts *facts, char *buf, size_t len);
/* Effective sysctls (FT_SC_* of hostfacts.h) of the interfaces, from the
 * facts. */
const char *ft_explain_sysctls(struct ft_facts *facts, const struct ft_iftable *ifs,
			       const struct ft_iflist *l,
			       unsigned int which, char *buf, size_t len);

#endif /* FLUXTRACE_EXPLAIN_H */
