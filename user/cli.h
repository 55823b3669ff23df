/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The command line: what to trace or replay, and how to report. */
#ifndef FLUXTRACE_CLI_H
#define FLUXTRACE_CLI_H

#include <stdbool.h>
#include "live/tracer.h"
#include "reduce/allow.h"
#include "reduce/reducer.h"

struct ft_scope;

#define FT_MAX_TRACES 16		/* -r given this often at most */
#define FT_DEFAULT_SKEW_NS 2000000000ULL


struct ft_config {
	struct ft_tracer_opts live;	/* tracing */
	struct ft_reduce_opts reduce;
	const char *read_path;		/* -r: replay instead of tracing */
	bool json, check;
	char *ifaces_spec;		/* every -i, joined with ',' */
	const char *allow[FT_ALLOW_MAX + 1];
	int n_allow;
	struct ft_scope *scope;		/* --filter, compiled */
	__u32 fail_on;			/* --fail-on: bit per enum ft_finding_kind */
	__u32 fail_on_corr;		/* ... and per enum ft_corr_kind (several -r) */
	/* Every -r: more than one reduces each as its own host and joins
	 * them (hosts.c); read_path is the first. */
	const char *read_paths[FT_MAX_TRACES];
	unsigned int n_read;
	__u64 skew_ns;			/* --skew: clock difference tolerated between hosts */
};

/* --window when --interval or --metrics is given without one. */
#define FT_DEFAULT_WINDOW_NS (300 * 1000000000ULL)
/* Exit status when --fail-on finds an alarm of its kinds. */
#define FT_EXIT_FINDINGS 3

#define FT_CONFIG_DEFAULT                                                      \
	{                                                                      \
		.live = { .xdp_mode = FT_XDP_OFF,                              \
			  .max_flows = FT_DEFAULT_MAX_FLOWS,                   \
			  .ringbuf_size = 4 << 20 },                           \
		.reduce = FT_REDUCE_OPTS_DEFAULT,                              \
	}

/* Parses argv into cfg (which starts as FT_CONFIG_DEFAULT); prints --help
 * or --version and exits, or exits 2 with a one-line error. */
void ft_cli_parse(int argc, char **argv, struct ft_config *cfg);
void ft_cli_free(struct ft_config *cfg);

#endif /* FLUXTRACE_CLI_H */
