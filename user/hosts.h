/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Replaying recorded traces: each trace's host facts for its hints, and
 * several traces (-r A -r B ...) reduced each as its own host and joined
 * into correlated findings (reduce/join.c).
 */
#ifndef FLUXTRACE_HOSTS_H
#define FLUXTRACE_HOSTS_H

#include "cli.h"
#include "model/facts.h"
#include "record/trace.h"

/* The trace's recorded facts fill f as it is read; a version 1 trace has
 * none (f->mode FT_FACTS_NONE: the hints say so). */
void ft_hosts_use_facts(struct ft_trace_reader *r, const struct ft_trace_meta *meta,
			struct ft_facts *f);

/* Every -r of cfg, joined; the process's exit status. */
int ft_hosts_replay(const struct ft_config *cfg);

#endif /* FLUXTRACE_HOSTS_H */
