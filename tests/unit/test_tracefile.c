// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Recorded traces: round trips of every record type, and every kind of
 * damage a trace file can suffer, each giving the right status and a
 * message naming the file and the offset.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <zlib.h>
#include "model/facts.h"
#include "record/trace.h"

#define HDR_FIXED 164
#define IFACE_SIZE sizeof(struct ft_iface_record)
#define BLOCK_HDR 24
#define N_IFACES 3

static char dir[64];
static char path[128];
static struct ft_iface_record ifaces[N_IFACES];
static struct ft_trace_meta meta;

static const __u8 all_types[] = {
	FT_REC_FLOW_NEW, FT_REC_FLOW_PATH, FT_REC_FLOW_END, FT_REC_ICMP_ERROR, FT_REC_ARP,
	FT_REC_NEIGH, FT_REC_IFACE, FT_REC_FLOW_STATS, FT_REC_COUNTERS,
};
#define N_TYPES (sizeof(all_types) / sizeof(all_types[0]))

struct rec {
	size_t len;
	unsigned char b[FT_MAX_RECORD];
};

static void setup(void)
{
	strcpy(dir, "/tmp/ft-tracefile-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/trace.ft", dir);

	memset(&meta, 0, sizeof(meta));
	strcpy(meta.host, "testhost");
	strcpy(meta.kernel, "6.18.0-test");
	meta.mono_to_wall_ns = -1234567890123LL;
	meta.start_ns = 987654321;
	for (int i = 0; i < N_IFACES; i++) {
		memset(&ifaces[i], 0, sizeof(ifaces[i]));
		ifaces[i].ifindex = i + 1;
		ifaces[i].hooks = FT_HOOKBIT(FT_HOOK_XDP) | FT_HOOKBIT(FT_HOOK_TC_EGRESS);
		ifaces[i].netns_ino = 4026531840u;
		ifaces[i].mac[5] = i;
		snprintf(ifaces[i].name, sizeof(ifaces[i].name), "veth%d", i);
	}
	meta.n_ifaces = N_IFACES;
	meta.ifaces = ifaces;
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
}

TestSuite(tracefile, .init = setup, .fini = teardown);

/* Record i: type cycles through all types, every other byte pseudo-random. */
static void make_record(struct rec *r, unsigned int i)
{
	__u32 x = i * 2654435761u + 1;
	__u8 type = all_types[i % N_TYPES];

	r->len = ft_record_size(type);
	for (size_t k = 0; k < r->len; k++) {
		x = x * 1103515245u + 12345;
		r->b[k] = x >> 16;
	}
	r->b[0] = type;
	if (type == FT_REC_IFACE)
		r->b[offsetof(struct ft_iface_record, name) + FT_IFNAMSIZ - 1] = '\0';
}

static void write_trace(const char *p, unsigned int n_recs)
{
	struct ft_trace_writer *w = ft_trace_create(p, &meta);
	struct rec r;

	cr_assert_not_null(w, "create %s: %s", p, strerror(errno));
	for (unsigned int i = 0; i < n_recs; i++) {
		make_record(&r, i);
		cr_assert_eq(ft_trace_write(w, r.b, r.len), 0);
		if (i % 500 == 499)
			cr_assert_eq(ft_trace_flush(w), 0);
	}
	cr_assert_eq(ft_trace_close(w), 0);
}

/*
 * Reads a whole trace, checking the interface table first and then that
 * the records are byte-identical to make_record(0..). Returns the final
 * status; *n_read counts the event records read, err gets the message.
 */
static int read_and_check(const char *p, unsigned int *n_read, char *err, size_t errlen)
{
	struct ft_trace_meta got;
	struct ft_trace_reader *r = ft_trace_open(p, &got, err, errlen);
	const void *rec;
	size_t len;
	int st, idx = 0;

	*n_read = 0;
	if (!r)
		return 99;
	cr_assert_str_eq(got.host, meta.host);
	cr_assert_str_eq(got.kernel, meta.kernel);
	cr_assert_eq(got.mono_to_wall_ns, meta.mono_to_wall_ns);
	cr_assert_eq(got.start_ns, meta.start_ns);
	cr_assert_eq(got.n_ifaces, N_IFACES);
	while ((st = ft_trace_next(r, &rec, &len)) == FT_TRACE_RECORD) {
		if (idx < N_IFACES) {
			struct ft_iface_record want = ifaces[idx];

			want.type = FT_REC_IFACE;
			cr_assert_eq(len, sizeof(want));
			cr_assert_eq(memcmp(rec, &want, len), 0, "interface %d differs", idx);
			cr_assert_eq(memcmp(&got.ifaces[idx], &want, len), 0);
			idx++;
			continue;
		}
		struct rec want;

		make_record(&want, *n_read);
		cr_assert_eq(len, want.len, "record %u: length %zu, want %zu", *n_read, len,
			     want.len);
		cr_assert_eq(memcmp(rec, want.b, len), 0, "record %u differs", *n_read);
		cr_assert_eq((uintptr_t)rec % 8, 0, "records are handed out aligned");
		(*n_read)++;
	}
	cr_assert_eq(idx, N_IFACES, "the interface table comes first");
	cr_assert_eq(ft_trace_next(r, &rec, &len), st, "the final status repeats");
	snprintf(err, errlen, "%s", ft_trace_error(r));
	ft_trace_close_reader(r);
	return st;
}

static unsigned char *slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	unsigned char *buf;
	long size;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc(size + 64);
	cr_assert_eq(fread(buf, 1, size, f), (size_t)size);
	fclose(f);
	*len = size;
	return buf;
}

static void spit(const char *p, const void *buf, size_t len)
{
	FILE *f = fopen(p, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(buf, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

static __u32 le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

static void put32(unsigned char *p, __u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static size_t hdr_len(void)
{
	return HDR_FIXED + N_IFACES * IFACE_SIZE + 4;
}

static void fix_header_crc(unsigned char *buf)
{
	size_t h = le32(buf + 12);

	put32(buf + h - 4, crc32(0, buf, h - 4));
}

static void fix_block_crc(unsigned char *buf, size_t off)
{
	put32(buf + off + 20, crc32(0, buf + off, 20));
}

/* File offset of block idx (the end marker after the last block). */
static size_t block_off(const unsigned char *buf, size_t len, unsigned int idx)
{
	size_t off = hdr_len();

	for (unsigned int i = 0; i < idx; i++) {
		cr_assert_leq(off + BLOCK_HDR, len);
		off += BLOCK_HDR + le32(buf + off + 12);
	}
	return off;
}

/* Appends one data block holding raw as its records, checksums right. */
static size_t put_block(unsigned char *buf, __u32 seq, const void *raw, size_t raw_len)
{
	uLongf comp_len = compressBound(raw_len);

	cr_assert_eq(compress(buf + BLOCK_HDR, &comp_len, raw, raw_len), Z_OK);
	put32(buf, 0x4b425446u);
	put32(buf + 4, seq);
	put32(buf + 8, raw_len);
	put32(buf + 12, comp_len);
	put32(buf + 16, crc32(0, buf + BLOCK_HDR, comp_len));
	fix_block_crc(buf, 0);
	return BLOCK_HDR + comp_len;
}

/* A file with a valid header, one crafted block of raw bytes and an end marker. */
static void write_crafted(const void *raw, size_t raw_len)
{
	size_t len, h = hdr_len();
	unsigned char *buf;

	write_trace(path, 0);
	buf = slurp(path, &len);
	cr_assert_eq(len, h + BLOCK_HDR);
	buf = realloc(buf, h + 2 * BLOCK_HDR + compressBound(raw_len));
	len = h + put_block(buf + h, 0, raw, raw_len);
	memcpy(buf + len, "FTEN", 4);
	memset(buf + len + 4, 0, 16);
	put32(buf + len + 4, 1);
	fix_block_crc(buf, len);
	spit(path, buf, len + BLOCK_HDR);
	free(buf);
}

/* err must be "PATH: offset OFF: " followed by text somewhere. */
static void expect_msg(const char *err, const char *p, size_t off, const char *text)
{
	char prefix[256];

	snprintf(prefix, sizeof(prefix), "%s: offset %zu: ", p, off);
	cr_assert_eq(strncmp(err, prefix, strlen(prefix)), 0, "want prefix \"%s\", got \"%s\"",
		     prefix, err);
	cr_assert_not_null(strstr(err, text), "want \"%s\" in \"%s\"", text, err);
	cr_assert_null(strchr(err, '\n'), "one line: \"%s\"", err);
}

static void expect_open_fails(const char *p, size_t off, const char *text)
{
	struct ft_trace_meta got;
	char err[256];

	cr_assert_null(ft_trace_open(p, &got, err, sizeof(err)), "opened a damaged trace");
	expect_msg(err, p, off, text);
}

#define N_RECS 5000	/* about 430 KB raw: several blocks */

Test(tracefile, round_trip_every_type)
{
	unsigned int n;
	char err[256];

	write_trace(path, N_RECS);
	cr_assert_eq(read_and_check(path, &n, err, sizeof(err)), FT_TRACE_END, "%s", err);
	cr_assert_eq(n, N_RECS);
	cr_assert_str_eq(err, "");
}

Test(tracefile, blocks_are_bounded_and_sequenced)
{
	size_t len, off;
	unsigned char *buf;
	unsigned int i;

	write_trace(path, N_RECS);
	buf = slurp(path, &len);
	cr_assert_eq(memcmp(buf, "FLUXTRC\n", 8), 0);
	for (i = 0, off = hdr_len(); memcmp(buf + off, "FTBK", 4) == 0; i++) {
		cr_assert_eq(le32(buf + off + 4), i);
		cr_assert_leq(le32(buf + off + 8), FT_TRACE_BLOCK_TARGET);
		off += BLOCK_HDR + le32(buf + off + 12);
	}
	cr_assert_eq(i, N_RECS / 500, "a flush every 500 records: %u blocks", i);
	cr_assert_eq(memcmp(buf + off, "FTEN", 4), 0);
	cr_assert_eq(le32(buf + off + 4), i, "the end marker counts the blocks");
	cr_assert_eq(off + BLOCK_HDR, len);
	free(buf);
}

Test(tracefile, empty_trace)
{
	struct ft_trace_reader *r;
	struct ft_trace_meta got;
	const void *rec;
	char err[256];
	size_t len;

	meta.n_ifaces = 0;
	write_trace(path, 0);
	r = ft_trace_open(path, &got, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_assert_eq(got.n_ifaces, 0);
	cr_assert_eq(ft_trace_next(r, &rec, &len), FT_TRACE_END);
	ft_trace_close_reader(r);
}

Test(tracefile, write_rejects_bad_records)
{
	struct ft_trace_writer *w = ft_trace_create(path, &meta);
	struct ft_flow_event ev = { .type = FT_REC_FLOW_NEW };
	unsigned char junk[16] = { 77 };

	cr_assert_not_null(w);
	cr_assert_eq(ft_trace_write(w, &ev, sizeof(ev) - 1), -EINVAL);
	cr_assert_eq(ft_trace_write(w, junk, sizeof(junk)), -EINVAL);
	cr_assert_eq(ft_trace_write(w, &ev, sizeof(ev)), 0);
	cr_assert_eq(ft_trace_close(w), 0);
}

Test(tracefile, write_errors_are_reported)
{
	struct rlimit small = { 4096, RLIM_INFINITY }, saved;
	struct ft_trace_writer *w;
	struct rec r;
	int err = 0;

	cr_assert_null(ft_trace_create("/dev/full", &meta));
	cr_assert_eq(errno, ENOSPC);
	cr_assert_null(ft_trace_create("/nonexistent-dir/trace.ft", &meta));
	cr_assert_eq(errno, ENOENT);
	meta.n_ifaces = FT_TRACE_MAX_IFACES + 1;
	cr_assert_null(ft_trace_create(path, &meta));
	cr_assert_eq(errno, EINVAL);
	meta.n_ifaces = N_IFACES;

	/* A file size limit: the header fits, a later block is cut short. */
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	w = ft_trace_create(path, &meta);
	cr_assert_not_null(w);
	for (unsigned int i = 0; i < N_RECS && !err; i++) {
		make_record(&r, i);
		err = ft_trace_write(w, r.b, r.len);
	}
	cr_assert_eq(err, -EFBIG);
	cr_assert_eq(ft_trace_flush(w), -EFBIG, "errors stick");
	cr_assert_eq(ft_trace_close(w), -EFBIG);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
}

Test(tracefile, killed_writer_leaves_flushed_blocks)
{
	unsigned int n;
	char err[256];
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct ft_trace_writer *w = ft_trace_create(path, &meta);
		struct rec r;

		for (unsigned int i = 0; i < 2500; i++) {
			make_record(&r, i);
			if (!w || ft_trace_write(w, r.b, r.len))
				_exit(1);
		}
		ft_trace_flush(w);
		for (unsigned int i = 2500; i < 2600; i++) {	/* pending, never flushed */
			make_record(&r, i);
			ft_trace_write(w, r.b, r.len);
		}
		raise(SIGKILL);
		_exit(1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	cr_assert_eq(read_and_check(path, &n, err, sizeof(err)), FT_TRACE_TRUNCATED, "%s", err);
	cr_assert_eq(n, 2500, "every flushed record, and only those: %u", n);
	cr_assert_not_null(strstr(err, "no end marker"), "%s", err);
}

Test(tracefile, stdout_to_stdin)
{
	int fds[2], status, saved;
	unsigned int n;
	char err[256];
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		write_trace("-", N_RECS);
		_exit(0);
	}
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	cr_assert_eq(read_and_check("-", &n, err, sizeof(err)), FT_TRACE_END, "%s", err);
	cr_assert_eq(n, N_RECS);
	dup2(saved, STDIN_FILENO);
	close(saved);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

Test(tracefile, stdin_garbage_after_end)
{
	int fds[2], saved;
	unsigned int n;
	char err[256];

	write_trace(path, 10);
	size_t len;
	unsigned char *buf = slurp(path, &len);

	cr_assert_eq(pipe(fds), 0);
	memcpy(buf + len, "junk", 4);
	cr_assert_eq(write(fds[1], buf, len + 4), (ssize_t)(len + 4));
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	cr_assert_eq(read_and_check("-", &n, err, sizeof(err)), FT_TRACE_ERROR);
	dup2(saved, STDIN_FILENO);
	close(saved);
	cr_assert_eq(n, 10);
	expect_msg(err, "stdin", len, "unexpected data after the end marker");
	free(buf);
}

/* ---- damage to the header: ft_trace_open refuses ---- */

Test(tracefile, empty_file)
{
	spit(path, "", 0);
	expect_open_fails(path, 0, "empty file");
}

Test(tracefile, directory)
{
	expect_open_fails(dir, 0, "Is a directory");
}

Test(tracefile, nonexistent_file)
{
	char err[256], p[160];

	snprintf(p, sizeof(p), "%s/missing.ft", dir);
	cr_assert_null(ft_trace_open(p, NULL, err, sizeof(err)));
	cr_assert_not_null(strstr(err, p), "%s", err);
	cr_assert_not_null(strstr(err, "No such file or directory"), "%s", err);
}

Test(tracefile, not_a_trace)
{
	spit(path, "hello, world\n", 13);
	expect_open_fails(path, 0, "bad magic");
	spit(path, "FLUX", 4);
	expect_open_fails(path, 4, "file ends inside the header");
}

/* Applies edit to a valid trace, then expects open to fail at off with text. */
#define HEADER_DAMAGE(name, edit, off, text)				\
	Test(tracefile, name)						\
	{								\
		size_t len;						\
		unsigned char *buf;					\
									\
		write_trace(path, 100);				\
		buf = slurp(path, &len);				\
		edit;							\
		spit(path, buf, len);					\
		expect_open_fails(path, (off), (text));			\
		free(buf);						\
	}

HEADER_DAMAGE(bad_magic, buf[3] ^= 1, 0, "bad magic")
HEADER_DAMAGE(bad_version, buf[8] = 3, 8, "unsupported format version 3")
HEADER_DAMAGE(bad_abi, buf[10] = 9, 10, "unsupported record ABI version 9")
HEADER_DAMAGE(abi_zero, (buf[10] = 0, fix_header_crc(buf)), 10,
	      "unsupported record ABI version 0")

/* Record ABI 1 (before FT_REC_NEIGH_DROP) is a subset of 2: still read. */
Test(tracefile, older_abi_read)
{
	struct ft_trace_reader *r;
	struct ft_trace_meta got;
	unsigned char *buf;
	const void *rec;
	char err[256];
	size_t len;
	unsigned int n = 0;
	int st;

	write_trace(path, 100);
	buf = slurp(path, &len);
	buf[10] = 1;
	buf[11] = 0;
	fix_header_crc(buf);
	spit(path, buf, len);
	free(buf);
	r = ft_trace_open(path, &got, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	while ((st = ft_trace_next(r, &rec, &len)) == FT_TRACE_RECORD)
		n++;
	cr_expect_eq(st, FT_TRACE_END, "%s", ft_trace_error(r));
	cr_expect_eq(n, 100 + got.n_ifaces);
	ft_trace_close_reader(r);
}

HEADER_DAMAGE(header_checksum, buf[20] ^= 0x40, hdr_len() - 4, "header checksum mismatch")
HEADER_DAMAGE(header_length_huge, put32(buf + 12, 0xfffffff0u), 12, "bad header length")
HEADER_DAMAGE(header_length_small, put32(buf + 12, 10), 12, "bad header length")
HEADER_DAMAGE(header_length_odd, put32(buf + 12, hdr_len() + 1), 12, "bad header length")
HEADER_DAMAGE(header_length_vs_count, put32(buf + 12, hdr_len() + IFACE_SIZE), 160,
	      "interface count 3 does not match")
HEADER_DAMAGE(iface_count, put32(buf + 160, 4000000), 160, "interface count 4000000")
HEADER_DAMAGE(host_unterminated, (memset(buf + 16, 'x', 64), fix_header_crc(buf)), 16,
	      "host name is not NUL-terminated")
HEADER_DAMAGE(kernel_unterminated, (memset(buf + 80, 'x', 64), fix_header_crc(buf)), 80,
	      "kernel release is not NUL-terminated")
HEADER_DAMAGE(iface_wrong_type, (buf[HDR_FIXED + IFACE_SIZE] = 1, fix_header_crc(buf)),
	      HDR_FIXED + IFACE_SIZE, "interface entry 1 has record type 1")
HEADER_DAMAGE(iface_name_unterminated,
	      (memset(buf + HDR_FIXED + offsetof(struct ft_iface_record, name), 'e', 16),
	       fix_header_crc(buf)),
	      HDR_FIXED, "interface entry 0: name is not NUL-terminated")
HEADER_DAMAGE(truncated_in_fixed_part, len = 100, 100, "file ends inside the header")
HEADER_DAMAGE(truncated_in_iface_table, len = 200, 200, "file ends inside the header")
HEADER_DAMAGE(truncated_before_checksum, len = hdr_len() - 2, hdr_len() - 2,
	      "file ends inside the header")

/* ---- damage to blocks: records of intact blocks first, then the status ---- */

/*
 * Applies edit to block 1 (at off) of a valid multi-block trace; expects the
 * records of block 0 (exactly 500: the writer flushed there), then status
 * with a message at block 1's offset.
 */
#define BLOCK_DAMAGE(name, edit, status, text)				\
	Test(tracefile, name)						\
	{								\
		size_t len, off;					\
		unsigned char *buf;					\
		unsigned int n;						\
		char err[256];						\
									\
		write_trace(path, N_RECS);			\
		buf = slurp(path, &len);				\
		off = block_off(buf, len, 1);				\
		edit;							\
		spit(path, buf, len);					\
		cr_assert_eq(read_and_check(path, &n, err, sizeof(err)), (status), "%s", err); \
		cr_assert_eq(n, 500, "records of block 0 only: %u", n); \
		expect_msg(err, path, off, (text));			\
		free(buf);						\
	}

BLOCK_DAMAGE(block_magic, (buf[off] = 'X', fix_block_crc(buf, off)), FT_TRACE_ERROR,
	     "block 1: bad block magic")
BLOCK_DAMAGE(block_header_checksum, buf[off + 9] ^= 1, FT_TRACE_ERROR,
	     "block 1: header checksum mismatch")
BLOCK_DAMAGE(block_sequence, (put32(buf + off + 4, 7), fix_block_crc(buf, off)), FT_TRACE_ERROR,
	     "block sequence number 7, expected 1")
BLOCK_DAMAGE(raw_length_zero, (put32(buf + off + 8, 0), fix_block_crc(buf, off)),
	     FT_TRACE_ERROR, "block 1: bad raw length 0")
BLOCK_DAMAGE(raw_length_huge, (put32(buf + off + 8, 0x7fffffff), fix_block_crc(buf, off)),
	     FT_TRACE_ERROR, "block 1: bad raw length 2147483647")
BLOCK_DAMAGE(raw_length_short,
	     (put32(buf + off + 8, le32(buf + off + 8) - 1), fix_block_crc(buf, off)),
	     FT_TRACE_ERROR, "decompresses to more than its raw length")
BLOCK_DAMAGE(raw_length_long,
	     (put32(buf + off + 8, le32(buf + off + 8) + 80), fix_block_crc(buf, off)),
	     FT_TRACE_ERROR, "block 1: decompresses to")
BLOCK_DAMAGE(comp_length_zero, (put32(buf + off + 12, 0), fix_block_crc(buf, off)),
	     FT_TRACE_ERROR, "block 1: bad compressed length 0")
BLOCK_DAMAGE(comp_length_huge, (put32(buf + off + 12, 0xffffffffu), fix_block_crc(buf, off)),
	     FT_TRACE_ERROR, "block 1: bad compressed length 4294967295")
BLOCK_DAMAGE(comp_length_short,
	     (put32(buf + off + 12, le32(buf + off + 12) - 1), fix_block_crc(buf, off)),
	     FT_TRACE_ERROR, "block 1: data checksum mismatch")
BLOCK_DAMAGE(block_data_checksum, buf[off + BLOCK_HDR + 100] ^= 0x10, FT_TRACE_ERROR,
	     "block 1: data checksum mismatch")
BLOCK_DAMAGE(stored_checksum, buf[off + 17] ^= 0x10, FT_TRACE_ERROR,
	     "block 1: header checksum mismatch")
BLOCK_DAMAGE(compressed_data_with_valid_crc,
	     (buf[off + BLOCK_HDR + 100] ^= 0x10,
	      put32(buf + off + 16, crc32(0, buf + off + BLOCK_HDR, le32(buf + off + 12))),
	      fix_block_crc(buf, off)),
	     FT_TRACE_ERROR, "block 1: ")
BLOCK_DAMAGE(truncated_block_data, len = off + BLOCK_HDR + 10, FT_TRACE_TRUNCATED,
	     "file ends inside block 1 (10 of")
BLOCK_DAMAGE(truncated_block_header, len = off + 7, FT_TRACE_TRUNCATED,
	     "file ends inside the header of block 1 (7 of 24 bytes)")
BLOCK_DAMAGE(no_end_marker, len = off, FT_TRACE_TRUNCATED,
	     "no end marker: the recording was interrupted; 1 complete block read")

Test(tracefile, end_marker_wrong_count)
{
	size_t len, off;
	unsigned char *buf;
	unsigned int n;
	char err[256];

	write_trace(path, 100);
	buf = slurp(path, &len);
	off = len - BLOCK_HDR;
	put32(buf + off + 4, 5);
	fix_block_crc(buf, off);
	spit(path, buf, len);
	cr_assert_eq(read_and_check(path, &n, err, sizeof(err)), FT_TRACE_ERROR);
	cr_assert_eq(n, 100);
	expect_msg(err, path, off, "end marker counts 5 blocks, 1 were read");
	free(buf);
}

Test(tracefile, garbage_after_end)
{
	size_t len;
	unsigned char *buf;
	unsigned int n;
	char err[256];

	write_trace(path, N_RECS);
	buf = slurp(path, &len);
	memcpy(buf + len, "\0", 1);
	spit(path, buf, len + 1);
	cr_assert_eq(read_and_check(path, &n, err, sizeof(err)), FT_TRACE_ERROR);
	cr_assert_eq(n, N_RECS, "all records before the garbage");
	expect_msg(err, path, len, "unexpected data after the end marker");
	free(buf);
}

/* ---- damage inside a block whose checksums are right ---- */

static int read_crafted(char *err, size_t errlen, unsigned int *n_read)
{
	struct ft_trace_reader *r = ft_trace_open(path, NULL, err, errlen);
	const void *rec;
	size_t len;
	int st;

	cr_assert_not_null(r, "%s", err);
	*n_read = 0;
	while ((st = ft_trace_next(r, &rec, &len)) == FT_TRACE_RECORD)
		(*n_read)++;
	snprintf(err, errlen, "%s", ft_trace_error(r));
	ft_trace_close_reader(r);
	return st;
}

Test(tracefile, crafted_block_is_read)
{
	struct ft_neigh_event ev[3] = { { .type = FT_REC_NEIGH }, { .type = FT_REC_NEIGH },
					{ .type = FT_REC_NEIGH } };
	unsigned int n;
	char err[256];

	write_crafted(ev, sizeof(ev));
	cr_assert_eq(read_crafted(err, sizeof(err), &n), FT_TRACE_END, "%s", err);
	cr_assert_eq(n, N_IFACES + 3, "the test's block builder matches the format");
}

Test(tracefile, unknown_record_type)
{
	unsigned char raw[2 * sizeof(struct ft_flow_event)] = { FT_REC_FLOW_NEW };
	unsigned int n;
	char err[256];

	raw[sizeof(struct ft_flow_event)] = 77;
	write_crafted(raw, sizeof(raw));
	cr_assert_eq(read_crafted(err, sizeof(err), &n), FT_TRACE_ERROR);
	cr_assert_eq(n, N_IFACES, "no record of a bad block is handed out");
	expect_msg(err, path, hdr_len(), "block 0: unknown record type 77 at byte 80 of 160");
}

Test(tracefile, record_of_wrong_size)
{
	unsigned char raw[sizeof(struct ft_flow_event) + 40] = { FT_REC_FLOW_NEW };
	unsigned int n;
	char err[256];

	raw[sizeof(struct ft_flow_event)] = FT_REC_FLOW_END;
	write_crafted(raw, sizeof(raw));
	cr_assert_eq(read_crafted(err, sizeof(err), &n), FT_TRACE_ERROR);
	cr_assert_eq(n, N_IFACES);
	expect_msg(err, path, hdr_len(),
		   "record of type 3 at byte 80 needs 80 bytes, the block has 40 left");
}

Test(tracefile, iface_record_unterminated_name)
{
	struct ft_iface_record rec = { .type = FT_REC_IFACE };
	unsigned int n;
	char err[256];

	memset(rec.name, 'a', sizeof(rec.name));
	write_crafted(&rec, sizeof(rec));
	cr_assert_eq(read_crafted(err, sizeof(err), &n), FT_TRACE_ERROR);
	expect_msg(err, path, hdr_len(), "name is not NUL-terminated");
}

/* ---- host facts (format version 2) ---- */

/* 100 records, the facts, 100 more records, the facts changed. */
static void write_with_facts(struct ft_facts *f)
{
	struct ft_trace_writer *w = ft_trace_create(path, &meta);
	struct ft_if_sysctls sc = { 1, 2, 0, 1, 0 };
	struct ft_route rt = { .text = "default via 10.0.0.1 dev eth1 table main", .oif = 3 };
	__u8 dst[16] = { 10, 0, 0, 9 }, src[16] = { 10, 0, 0, 2 };
	struct rec r;

	cr_assert_not_null(w);
	for (unsigned int i = 0; i < 200; i++) {
		make_record(&r, i);
		cr_assert_eq(ft_trace_write(w, r.b, r.len), 0);
		if (i == 99) {
			ft_facts_put_sysctls(f, "eth0", &sc);
			ft_facts_put_route(f, FT_FAMILY_IPV4, dst, src, 2, &rt);
			cr_assert_eq(ft_trace_write_facts(w, f), 0);
		}
	}
	sc.arp_ignore = 2;
	ft_facts_put_sysctls(f, "eth0", &sc);
	cr_assert_eq(ft_trace_write_facts(w, f), 0);
	cr_assert_eq(ft_trace_close(w), 0);
}

Test(tracefile, facts_round_trip_newest_wins)
{
	static struct ft_facts wrote, read;
	__u8 dst[16] = { 10, 0, 0, 9 }, src[16] = { 10, 0, 0, 2 };
	struct ft_trace_meta got;
	struct ft_trace_reader *r;
	const struct ft_route *rt;
	const void *rec;
	char err[256];
	size_t len;
	unsigned int n = 0;
	int st;

	write_with_facts(&wrote);
	r = ft_trace_open(path, &got, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_expect_eq(got.version, FT_TRACE_VERSION);
	ft_trace_read_facts(r, &read);
	while ((st = ft_trace_next(r, &rec, &len)) == FT_TRACE_RECORD)
		n++;
	cr_assert_eq(st, FT_TRACE_END, "%s", ft_trace_error(r));
	cr_expect_eq(n, N_IFACES + 200, "facts blocks hold no records");
	cr_assert_not_null(ft_facts_find_sysctls(&read, "eth0"));
	cr_expect_eq(ft_facts_find_sysctls(&read, "eth0")->arp_ignore, 2);
	cr_expect_eq(ft_facts_find_sysctls(&read, "eth0")->arp_announce, 2);
	cr_expect_null(ft_facts_find_sysctls(&read, "eth1"));
	rt = ft_facts_find_route(&read, FT_FAMILY_IPV4, dst, src, 2);
	cr_assert_not_null(rt);
	cr_expect_str_eq(rt->text, "default via 10.0.0.1 dev eth1 table main");
	cr_expect_eq(rt->oif, 3);
	cr_expect_null(ft_facts_find_route(&read, FT_FAMILY_IPV4, dst, NULL, 2));
	ft_trace_close_reader(r);
}

/* Version 1 is version 2 without facts blocks: still read. */
Test(tracefile, version_1_read)
{
	unsigned char *buf;
	unsigned int n;
	size_t len;
	char err[256];
	struct ft_trace_meta got;
	struct ft_trace_reader *r;

	write_trace(path, 100);
	buf = slurp(path, &len);
	buf[8] = 1;
	fix_header_crc(buf);
	spit(path, buf, len);
	free(buf);
	cr_expect_eq(read_and_check(path, &n, err, sizeof(err)), FT_TRACE_END, "%s", err);
	cr_expect_eq(n, 100);
	r = ft_trace_open(path, &got, err, sizeof(err));
	cr_assert_not_null(r);
	cr_expect_eq(got.version, 1);
	ft_trace_close_reader(r);
}

/* A facts block in a version 1 file is not one of its blocks. */
Test(tracefile, facts_block_in_version_1_is_damage)
{
	static struct ft_facts f;
	unsigned char *buf;
	unsigned int n;
	size_t len;
	char err[256];

	write_with_facts(&f);
	buf = slurp(path, &len);
	buf[8] = 1;
	fix_header_crc(buf);
	spit(path, buf, len);
	free(buf);
	cr_expect_eq(read_and_check(path, &n, err, sizeof(err)), FT_TRACE_ERROR);
	cr_expect_not_null(strstr(err, "bad block magic"), "%s", err);
}

/* A damaged facts block is reported like a damaged data block. */
Test(tracefile, damaged_facts_block)
{
	static struct ft_facts f;
	unsigned char *buf;
	size_t len, off;
	unsigned int n;
	char err[256];

	write_with_facts(&f);
	buf = slurp(path, &len);
	/* The last block before the end marker is the second facts block. */
	off = hdr_len();
	for (size_t next; (next = off + BLOCK_HDR + le32(buf + off + 12)) < len - BLOCK_HDR;)
		off = next;
	cr_assert_eq(le32(buf + off), 0x41465446u);
	buf[off + BLOCK_HDR + 3] ^= 0x40;
	spit(path, buf, len);
	free(buf);
	cr_expect_eq(read_and_check(path, &n, err, sizeof(err)), FT_TRACE_ERROR);
	expect_msg(err, path, off, "facts block 1: data checksum mismatch");
}
