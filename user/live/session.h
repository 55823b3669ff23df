/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where every record goes, live or replayed: the reducer, the trace file
 * (-w) and the event printer (--events). One path for both, so a replay
 * sees exactly what the live run saw.
 */
#ifndef FLUXTRACE_SESSION_H
#define FLUXTRACE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct ft_reducer;
struct ft_trace_writer;
struct ft_event_printer;
struct ft_facts;

struct ft_session {
	struct ft_reducer *reducer;
	struct ft_trace_writer *writer;		/* NULL without -w */
	struct ft_event_printer *printer;	/* NULL without --events */
	const char *write_path;
	/* The host facts the hints ask live (model/facts.h): -w records them
	 * when tracing starts and again at the end. NULL: none recorded. */
	struct ft_facts *facts;
	__u64 records;
	__u64 reducer_drops;	/* records the reducer could not keep */
	int write_err;		/* first trace write error, -errno */
};

void ft_session_record(struct ft_session *s, const void *rec, size_t len);

#endif /* FLUXTRACE_SESSION_H */
