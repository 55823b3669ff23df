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

struct ft_session;

/* Opens a trace to replay; its recorded facts fill f (NULL: none kept),
 * a version 1 trace has none (f->mode FT_FACTS_NONE: the hints say so).
 * NULL after saying why. */
struct ft_trace_reader *ft_hosts_open(const char *path, struct ft_trace_meta *meta,
				      struct ft_facts *f);
/* Feeds every record of r through s, calling tick (if not NULL) after
 * each, and closes r. 0; 1 after saying why for a damaged trace. A
 * truncated one is a note: "...: <doing> what was intact". */
int ft_hosts_feed(struct ft_trace_reader *r, struct ft_session *s,
		  void (*tick)(void *ctx, const void *rec, size_t len), void *ctx,
		  const char *doing);

/* Every -r of cfg, joined; the process's exit status. */
int ft_hosts_replay(const struct ft_config *cfg);

#endif /* FLUXTRACE_HOSTS_H */
