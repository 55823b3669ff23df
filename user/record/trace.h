/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Recorded traces (-w / -r): a header (magic, version, host, kernel, clock
 * offset, interface table) followed by zlib-compressed blocks of event
 * records, each block checksummed and flushed regularly so a killed run
 * leaves a readable file; a clean close ends the file with an end marker.
 * The format is specified in record/format.h and user/record/README.md.
 */
#ifndef FLUXTRACE_RECORD_TRACE_H
#define FLUXTRACE_RECORD_TRACE_H

#include <stddef.h>
#include <linux/types.h>
#include "fluxtrace/events.h"

/* Limits of the format: a reader refuses anything larger, so a corrupt
 * length never turns into a large allocation. */
#define FT_TRACE_VERSION 2
#define FT_TRACE_VERSION_OLDEST 1
#define FT_TRACE_MAX_IFACES 65536	/* interface table entries in the header */
#define FT_TRACE_BLOCK_TARGET (64 * 1024) /* writer: raw bytes per block */
#define FT_TRACE_BLOCK_MAX (1024 * 1024) /* reader: largest raw block accepted */

struct ft_facts;

struct ft_trace_meta {
	__u16 version;		/* format version read (the writer writes FT_TRACE_VERSION) */
	char host[64];
	char kernel[64];
	__s64 mono_to_wall_ns;	/* add to a CLOCK_MONOTONIC time to get Unix time */
	__u64 start_ns;		/* CLOCK_MONOTONIC when tracing started */
	__u32 n_ifaces;
	struct ft_iface_record *ifaces;
};

struct ft_trace_writer;
struct ft_trace_reader;

/* path "-" is stdout. The header (with meta, whose interface records get
 * their type tag set to FT_REC_IFACE) is written at once. Returns NULL with
 * errno set. */
struct ft_trace_writer *ft_trace_create(const char *path, const struct ft_trace_meta *meta);
/* Appends one record (len must be ft_record_size(type)). -errno on error. */
int ft_trace_write(struct ft_trace_writer *w, const void *rec, size_t len);
/* Compresses and writes what is pending, so a crash loses nothing before. */
int ft_trace_flush(struct ft_trace_writer *w);
/* Writes the host facts (model/facts.h) as a facts block, after the
 * records written so far; a reader keeps the newest answer of each. */
int ft_trace_write_facts(struct ft_trace_writer *w, const struct ft_facts *f);
/* Flushes and closes; -errno if anything failed since creation. */
int ft_trace_close(struct ft_trace_writer *w);

/* path "-" is stdin. On error returns NULL and writes a one-line message
 * ("FILE: offset N: what is wrong") into err. meta->ifaces is owned by
 * the reader. */
struct ft_trace_reader *ft_trace_open(const char *path, struct ft_trace_meta *meta, char *err,
				      size_t errlen);

enum ft_trace_status {
	FT_TRACE_RECORD = 1,	/* *rec, *len set: valid until the next call */
	FT_TRACE_END = 0,	/* clean end of file */
	FT_TRACE_ERROR = -1,	/* damaged: ft_trace_error() says where and what */
	FT_TRACE_TRUNCATED = -2, /* ends mid-block or without the end marker (the
				  * recording was interrupted): every record
				  * before was intact and has been returned;
				  * ft_trace_error() says where it stops */
};

/* The interface table of the header comes first, as FT_REC_IFACE records,
 * so one feed path serves the reducers. */
int ft_trace_next(struct ft_trace_reader *r, const void **rec, size_t *len);
/* Facts blocks read from now on fill f (its mode is the caller's). */
void ft_trace_read_facts(struct ft_trace_reader *r, struct ft_facts *f);
/* The one-line message of the final status ("" after a clean end). */
const char *ft_trace_error(const struct ft_trace_reader *r);
void ft_trace_close_reader(struct ft_trace_reader *r);

#endif /* FLUXTRACE_RECORD_TRACE_H */
