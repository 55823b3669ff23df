// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for the trace reader. Every input is read twice:
 * 1. as a whole trace file;
 * 2. as the decompressed contents of one block of an otherwise valid trace,
 *    so the record checks are reached without the fuzzer having to produce
 *    valid zlib streams; here the reader must return exactly the records
 *    the input holds when they are all valid, and an error otherwise.
 * Built with -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, which makes the
 * reader accept wrong checksums so the fuzzer gets past them.
 *
 * FT_FUZZ_MAKE_SEEDS=DIR ./fuzz_tracefile writes the seed traces into DIR
 * with the real writer and exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <zlib.h>
#include "model/facts.h"
#include "record/trace.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BLOCK_HDR 24
#define FUZZ_MAX_INPUT (1 << 20)

static int memfd = -1;
static char memfd_path[64];
static unsigned char *header;	/* a valid header, from the writer */
static size_t header_len;
static unsigned char *file;	/* header + one block + end marker */

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void block_header(unsigned char *p, const char *magic, uint32_t seq, uint32_t raw_len,
			 uint32_t comp_len, uint32_t data_crc)
{
	memcpy(p, magic, 4);
	put32(p + 4, seq);
	put32(p + 8, raw_len);
	put32(p + 12, comp_len);
	put32(p + 16, data_crc);
	put32(p + 20, crc32(0, p, 20));
}

static void set_file(const void *buf, size_t len)
{
	if (ftruncate(memfd, 0) || pwrite(memfd, buf, len, 0) != (ssize_t)len)
		abort();
}

static void make_meta(struct ft_trace_meta *meta, struct ft_iface_record *ifaces)
{
	memset(meta, 0, sizeof(*meta));
	strcpy(meta->host, "seedhost");
	strcpy(meta->kernel, "6.1.0-seed");
	meta->mono_to_wall_ns = 1700000000000000000LL;
	meta->start_ns = 5000000000ULL;
	for (int i = 0; i < 2; i++) {
		memset(&ifaces[i], 0, sizeof(ifaces[i]));
		ifaces[i].ifindex = i + 2;
		ifaces[i].hooks = FT_HOOKBIT(FT_HOOK_XDP) | FT_HOOKBIT(FT_HOOK_TC_EGRESS);
		ifaces[i].mac[0] = 0x02;
		ifaces[i].mac[5] = i + 1;
		snprintf(ifaces[i].name, sizeof(ifaces[i].name), "eth%d", i);
	}
	meta->n_ifaces = 2;
	meta->ifaces = ifaces;
}

/* One record of each type, with plausible values. */
static size_t make_records(unsigned char *out)
{
	static const __u8 types[] = {
		FT_REC_FLOW_NEW, FT_REC_FLOW_PATH, FT_REC_FLOW_END, FT_REC_ICMP_ERROR, FT_REC_ARP,
		FT_REC_NEIGH, FT_REC_IFACE, FT_REC_FLOW_STATS, FT_REC_COUNTERS,
	};
	size_t len = 0;

	for (size_t i = 0; i < sizeof(types); i++) {
		size_t size = ft_record_size(types[i]);

		memset(out + len, 0, size);
		for (size_t k = 1; k < size && k < 40; k++)
			out[len + k] = (k * 7 + i) & 0x3f;
		out[len] = types[i];
		len += size;
	}
	return len;
}

static void write_seed(const char *dir, const char *name, int blocks, int n_ifaces, bool close_ok)
{
	struct ft_iface_record ifaces[2];
	struct ft_trace_meta meta;
	struct ft_trace_writer *w;
	unsigned char recs[9 * FT_MAX_RECORD];
	size_t len = make_records(recs), off;
	char path[512];
	struct stat st;

	make_meta(&meta, ifaces);
	meta.n_ifaces = n_ifaces;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	w = ft_trace_create(path, &meta);
	if (!w) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (int b = 0; b < blocks; b++) {
		for (off = 0; off < len; off += ft_record_size(recs[off]))
			ft_trace_write(w, recs + off, ft_record_size(recs[off]));
		ft_trace_flush(w);
	}
	if (ft_trace_close(w)) {
		fprintf(stderr, "%s: write failed\n", path);
		exit(1);
	}
	/* An interrupted recording: the same file without its end marker. */
	if (!close_ok && (stat(path, &st) || truncate(path, st.st_size - BLOCK_HDR)))
		exit(1);
}

/* One block, then a facts block of both entry kinds (format version 2). */
static void write_facts_seed(const char *dir)
{
	static struct ft_facts f;
	struct ft_if_sysctls sc = { 0, 2, 0, 1, 0 };
	struct ft_route rt = { .text = "10.0.0.0/24 dev eth0 table main", .oif = 2 };
	__u8 dst[16] = { 10, 0, 0, 9 };
	struct ft_iface_record ifaces[2];
	struct ft_trace_meta meta;
	struct ft_trace_writer *w;
	unsigned char recs[9 * FT_MAX_RECORD];
	size_t len = make_records(recs);
	char path[512];

	make_meta(&meta, ifaces);
	snprintf(path, sizeof(path), "%s/facts.ft", dir);
	w = ft_trace_create(path, &meta);
	if (!w)
		exit(1);
	for (size_t off = 0; off < len; off += ft_record_size(recs[off]))
		ft_trace_write(w, recs + off, ft_record_size(recs[off]));
	ft_facts_put_sysctls(&f, "eth0", &sc);
	ft_facts_put_route(&f, FT_FAMILY_IPV4, dst, NULL, 0, &rt);
	if (ft_trace_write_facts(w, &f) || ft_trace_close(w))
		exit(1);
}

static void make_seeds(const char *dir)
{
	unsigned char recs[9 * FT_MAX_RECORD];
	size_t len = make_records(recs);
	char path[512];
	FILE *f;

	write_seed(dir, "empty.ft", 0, 0, true);
	write_seed(dir, "one-block.ft", 1, 2, true);
	write_seed(dir, "two-blocks.ft", 2, 1, true);
	write_seed(dir, "interrupted.ft", 1, 2, false);
	write_facts_seed(dir);
	/* For the second reading: plain records, as a block holds them. */
	snprintf(path, sizeof(path), "%s/records.raw", dir);
	f = fopen(path, "wb");
	if (!f || fwrite(recs, 1, len, f) != len || fclose(f))
		exit(1);
	exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ft_iface_record ifaces[2];
	struct ft_trace_meta meta;
	const char *seeds = getenv("FT_FUZZ_MAKE_SEEDS");
	ssize_t n;

	if (seeds)
		make_seeds(seeds);
	memfd = memfd_create("fuzz-trace", 0);
	if (memfd < 0)
		abort();
	snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);

	make_meta(&meta, ifaces);
	if (ft_trace_close(ft_trace_create(memfd_path, &meta)))
		abort();
	header_len = lseek(memfd, 0, SEEK_END) - BLOCK_HDR;	/* without the end marker */
	header = malloc(header_len);
	file = malloc(header_len + 2 * BLOCK_HDR + compressBound(FUZZ_MAX_INPUT));
	n = pread(memfd, header, header_len, 0);
	if (!header || !file || n != (ssize_t)header_len)
		abort();
	return 0;
}

/* Reads the memfd as a trace; returns the status, checking what the API promises. */
static struct ft_facts facts;

static int read_trace(const uint8_t *expect, size_t expect_len, size_t *n_records)
{
	struct ft_trace_meta meta;
	struct ft_trace_reader *r;
	const void *rec;
	size_t len, pos = 0;
	char err[256];
	int st;

	*n_records = 0;
	r = ft_trace_open(memfd_path, &meta, err, sizeof(err));
	if (!r) {
		if (!strstr(err, "offset "))
			__builtin_trap();
		return FT_TRACE_ERROR;
	}
	/* Facts blocks are decoded into a table, as a replay does. */
	memset(&facts, 0, sizeof(facts));
	ft_trace_read_facts(r, &facts);
	if (!memchr(meta.host, 0, sizeof(meta.host)) ||
	    !memchr(meta.kernel, 0, sizeof(meta.kernel)))
		__builtin_trap();
	while ((st = ft_trace_next(r, &rec, &len)) == FT_TRACE_RECORD) {
		const __u8 *b = rec;

		if (len == 0 || len != ft_record_size(b[0]) || (uintptr_t)rec % 8)
			__builtin_trap();
		if (b[0] == FT_REC_IFACE && !memchr(b + offsetof(struct ft_iface_record, name), 0,
						   FT_IFNAMSIZ))
			__builtin_trap();
		/* Byte-identical to the block's contents, after the interface table. */
		if (expect && (*n_records)++ >= meta.n_ifaces) {
			if (pos + len > expect_len || memcmp(expect + pos, rec, len))
				__builtin_trap();
			pos += len;
		}
	}
	if (st != FT_TRACE_END && st != FT_TRACE_ERROR && st != FT_TRACE_TRUNCATED)
		__builtin_trap();
	if (st != FT_TRACE_END && !strstr(ft_trace_error(r), "offset "))
		__builtin_trap();
	if (ft_trace_next(r, &rec, &len) != st)
		__builtin_trap();
	if (facts.n_ifs > FT_FACTS_MAX_IFS || facts.n_routes > FT_FACTS_MAX_ROUTES)
		__builtin_trap();
	for (__u32 i = 0; i < facts.n_routes; i++)
		if (!memchr(facts.routes[i].r.text, 0, sizeof(facts.routes[i].r.text)))
			__builtin_trap();
	if (expect && st == FT_TRACE_END && pos != expect_len)
		__builtin_trap();
	ft_trace_close_reader(r);
	return st;
}

static bool records_valid(const uint8_t *data, size_t size)
{
	size_t pos = 0, len;

	while (pos < size) {
		len = ft_record_size(data[pos]);
		if (!len || len > size - pos)
			return false;
		if (data[pos] == FT_REC_IFACE &&
		    !memchr(data + pos + offsetof(struct ft_iface_record, name), 0, FT_IFNAMSIZ))
			return false;
		pos += len;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uLongf comp_len = compressBound(size);
	size_t n, len;
	int st;

	if (size > FUZZ_MAX_INPUT)
		return -1;
	set_file(data, size);
	read_trace(NULL, 0, &n);

	if (size == 0)
		return 0;
	memcpy(file, header, header_len);
	if (compress(file + header_len + BLOCK_HDR, &comp_len, data, size) != Z_OK)
		abort();
	block_header(file + header_len, "FTBK", 0, size, comp_len,
		     crc32(0, file + header_len + BLOCK_HDR, comp_len));
	len = header_len + BLOCK_HDR + comp_len;
	block_header(file + len, "FTEN", 1, 0, 0, 0);
	len += BLOCK_HDR;
	set_file(file, len);
	st = read_trace(data, size, &n);
	if (records_valid(data, size) ? st != FT_TRACE_END : st != FT_TRACE_ERROR)
		__builtin_trap();
	return 0;
}
