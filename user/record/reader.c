// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Recorded traces: writer and validating reader. The layout (all integers
 * little-endian, offsets in bytes):
 *
 * header   0  8  magic "FLUXTRC\n"
 *          8  2  format version (FT_TRACE_VERSION)
 *         10  2  record ABI version (FT_ABI_VERSION)
 *         12  4  header length H = 168 + 48 * n_ifaces
 *         16 64  host name, NUL-terminated, zero-padded
 *         80 64  kernel release, NUL-terminated, zero-padded
 *        144  8  mono_to_wall_ns (signed)
 *        152  8  start_ns
 *        160  4  n_ifaces
 *        164     n_ifaces struct ft_iface_record (48 bytes each)
 *        H-4  4  CRC-32 of bytes 0 .. H-5
 * blocks   0  4  magic "FTBK" (data) or "FTEN" (end marker, written on close)
 *          4  4  sequence: data blocks count 0, 1, 2...; the end marker
 *                carries the number of data blocks
 *          8  4  raw length (1 .. FT_TRACE_BLOCK_MAX; 0 in the end marker)
 *         12  4  compressed length (0 in the end marker)
 *         16  4  CRC-32 of the compressed bytes
 *         20  4  CRC-32 of bytes 0..19 of this block header
 *         24     zlib stream of concatenated records (events.h structs as
 *                they are in memory, type tag first, ft_record_size() bytes)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include "tracefile.h"

/* Records are written as their in-memory structs: the format is their
 * little-endian layout, and any change of these sizes is a new ABI. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "trace records assume little-endian");
_Static_assert(sizeof(struct ft_flow_event) == 80, "ABI change: bump FT_ABI_VERSION");
_Static_assert(sizeof(struct ft_icmp_event) == 80, "ABI change: bump FT_ABI_VERSION");
_Static_assert(sizeof(struct ft_arp_event) == 80, "ABI change: bump FT_ABI_VERSION");
_Static_assert(sizeof(struct ft_neigh_event) == 48, "ABI change: bump FT_ABI_VERSION");
_Static_assert(sizeof(struct ft_iface_record) == 48, "ABI change: bump FT_ABI_VERSION");
_Static_assert(sizeof(struct ft_flow_stats_record) == 168, "ABI change: bump FT_ABI_VERSION");
_Static_assert(sizeof(struct ft_counters_record) == 224, "ABI change: bump FT_ABI_VERSION");
_Static_assert(sizeof(struct ft_drop_event) == 56, "ABI change: bump FT_ABI_VERSION");
_Static_assert(FT_CNT_MAX <= FT_CNT_SLOTS, "more counters than the record holds");

#define MAGIC "FLUXTRC\n"
#define MAGIC_LEN 8
#define HDR_FIXED 164		/* everything before the interface table */
#define HDR_LEN(n) (HDR_FIXED + (n) * sizeof(struct ft_iface_record) + 4)
#define OFF_VERSION 8
#define OFF_ABI 10
#define OFF_HDR_LEN 12
#define OFF_HOST 16
#define OFF_KERNEL 80
#define OFF_MONO_TO_WALL 144
#define OFF_START 152
#define OFF_N_IFACES 160
#define BLOCK_HDR 24
#define BLOCK_MAGIC 0x4b425446u	/* "FTBK" */
#define END_MAGIC 0x4e455446u	/* "FTEN" */
#define NAME_LEN 64

/* Fuzzing builds accept bad checksums so the fuzzer gets past them. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define CHECKSUMS_ENFORCED 0
#else
#define CHECKSUMS_ENFORCED 1
#endif

static void put_le16(unsigned char *p, __u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put_le32(unsigned char *p, __u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put_le64(unsigned char *p, __u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static __u16 get_le16(const unsigned char *p)
{
	return p[0] | (__u16)p[1] << 8;
}

static __u32 get_le32(const unsigned char *p)
{
	return p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 | (__u32)p[3] << 24;
}

static __u64 get_le64(const unsigned char *p)
{
	return get_le32(p) | (__u64)get_le32(p + 4) << 32;
}

static __u32 crc(const void *buf, size_t len)
{
	return crc32(0, buf, len);
}

/* ---- writer ---- */

struct ft_trace_writer {
	int fd;
	bool own_fd;
	int err;		/* first error, returned from then on */
	__u32 seq;		/* data blocks written */
	size_t pending;		/* raw bytes in buf */
	unsigned char *out;	/* block header + compressed data */
	size_t out_cap;
	unsigned char buf[FT_TRACE_BLOCK_TARGET];
};

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

static void copy_name(unsigned char *dst, const char *src)
{
	size_t len = strnlen(src, NAME_LEN - 1);

	memset(dst, 0, NAME_LEN);
	memcpy(dst, src, len);
}

static int write_header(struct ft_trace_writer *w, const struct ft_trace_meta *meta)
{
	size_t len = HDR_LEN(meta->n_ifaces);
	unsigned char *h = calloc(1, len), *p;
	int err;

	if (!h)
		return -ENOMEM;
	memcpy(h, MAGIC, MAGIC_LEN);
	put_le16(h + OFF_VERSION, FT_TRACE_VERSION);
	put_le16(h + OFF_ABI, FT_ABI_VERSION);
	put_le32(h + OFF_HDR_LEN, len);
	copy_name(h + OFF_HOST, meta->host);
	copy_name(h + OFF_KERNEL, meta->kernel);
	put_le64(h + OFF_MONO_TO_WALL, (__u64)meta->mono_to_wall_ns);
	put_le64(h + OFF_START, meta->start_ns);
	put_le32(h + OFF_N_IFACES, meta->n_ifaces);
	p = h + HDR_FIXED;
	for (__u32 i = 0; i < meta->n_ifaces; i++) {
		struct ft_iface_record rec = meta->ifaces[i];

		rec.type = FT_REC_IFACE;
		rec.name[FT_IFNAMSIZ - 1] = '\0';
		memcpy(p, &rec, sizeof(rec));
		p += sizeof(rec);
	}
	put_le32(p, crc(h, p - h));
	err = write_all(w->fd, h, len);
	free(h);
	return err;
}

struct ft_trace_writer *ft_trace_create(const char *path, const struct ft_trace_meta *meta)
{
	struct ft_trace_writer *w;
	int err;

	if (!path || !meta || meta->n_ifaces > FT_TRACE_MAX_IFACES ||
	    (meta->n_ifaces && !meta->ifaces)) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->out_cap = BLOCK_HDR + compressBound(FT_TRACE_BLOCK_TARGET);
	w->out = malloc(w->out_cap);
	if (!w->out) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		w->fd = STDOUT_FILENO;
	} else {
		w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		w->own_fd = true;
	}
	err = w->fd < 0 ? -errno : write_header(w, meta);
	if (err) {
		if (w->own_fd && w->fd >= 0)
			close(w->fd);
		free(w->out);
		free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

static void block_header(unsigned char *h, __u32 magic, __u32 seq, __u32 raw_len,
			 __u32 comp_len, __u32 data_crc)
{
	put_le32(h, magic);
	put_le32(h + 4, seq);
	put_le32(h + 8, raw_len);
	put_le32(h + 12, comp_len);
	put_le32(h + 16, data_crc);
	put_le32(h + 20, crc(h, 20));
}

static int write_block(struct ft_trace_writer *w)
{
	uLongf comp_len = w->out_cap - BLOCK_HDR;
	int err;

	/* Speed over ratio: a flood can produce tens of MB/s of records. */
	if (compress2(w->out + BLOCK_HDR, &comp_len, w->buf, w->pending, Z_BEST_SPEED) != Z_OK)
		err = -ENOMEM;
	else {
		block_header(w->out, BLOCK_MAGIC, w->seq, w->pending, comp_len,
			     crc(w->out + BLOCK_HDR, comp_len));
		err = write_all(w->fd, w->out, BLOCK_HDR + comp_len);
	}
	w->pending = 0;
	w->seq++;
	if (err && !w->err)
		w->err = err;
	return err;
}

int ft_trace_write(struct ft_trace_writer *w, const void *rec, size_t len)
{
	if (!w || !rec || len == 0 || len != ft_record_size(*(const __u8 *)rec))
		return -EINVAL;
	if (w->err)
		return w->err;
	if (w->pending + len > sizeof(w->buf) && write_block(w))
		return w->err;
	memcpy(w->buf + w->pending, rec, len);
	w->pending += len;
	return 0;
}

int ft_trace_flush(struct ft_trace_writer *w)
{
	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (w->pending)
		write_block(w);
	return w->err;
}

int ft_trace_close(struct ft_trace_writer *w)
{
	unsigned char end[BLOCK_HDR];
	int err;

	if (!w)
		return 0;
	ft_trace_flush(w);
	if (!w->err) {
		/* The end marker tells a clean close from a killed run. */
		block_header(end, END_MAGIC, w->seq, 0, 0, 0);
		w->err = write_all(w->fd, end, sizeof(end));
	}
	if (w->own_fd && close(w->fd) && !w->err)
		w->err = -errno;
	err = w->err;
	free(w->out);
	free(w);
	return err;
}

/* ---- reader ---- */

struct ft_trace_reader {
	int fd;
	bool own_fd;
	const char *name;	/* for messages: the path, or "stdin" */
	__u64 off;		/* file offset of the next byte to read */
	int status;		/* final status once reached, else FT_TRACE_RECORD */
	struct ft_iface_record *ifaces;
	__u32 n_ifaces;
	__u32 next_iface;
	__u32 seq;		/* data blocks read */
	unsigned char *comp;	/* grown to the largest block seen, within the limits */
	size_t comp_cap;
	unsigned char *raw;
	size_t raw_cap;
	size_t raw_len;
	size_t raw_pos;
	union {			/* the record handed out, aligned for any struct */
		__u64 align;
		unsigned char b[FT_MAX_RECORD];
	} cur;
	char err[320];
};

__attribute__((format(printf, 4, 5)))
static int fail(struct ft_trace_reader *r, int status, __u64 off, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->err, sizeof(r->err), "%s: offset %llu: ", r->name,
		     (unsigned long long)off);
	if (n < 0 || (size_t)n >= sizeof(r->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
	va_end(ap);
	r->status = status;
	return status;
}

/* Reads up to len bytes; returns how many (short only at end of file) or -errno. */
static ssize_t read_full(struct ft_trace_reader *r, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(r->fd, (char *)buf + got, len - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += n;
	}
	r->off += got;
	return got;
}

static int check_name(struct ft_trace_reader *r, const unsigned char *p, __u64 off,
		      const char *what)
{
	if (!memchr(p, '\0', NAME_LEN))
		return fail(r, FT_TRACE_ERROR, off, "%s is not NUL-terminated", what);
	return 0;
}

static bool iface_name_ok(const struct ft_iface_record *rec)
{
	return memchr(rec->name, '\0', sizeof(rec->name)) != NULL;
}

static int read_header(struct ft_trace_reader *r, struct ft_trace_meta *meta)
{
	unsigned char h[HDR_FIXED], tail[4];
	__u32 hdr_len, n, stored, computed;
	size_t table;
	ssize_t got;

	got = read_full(r, h, sizeof(h));
	if (got < 0)
		return fail(r, FT_TRACE_ERROR, r->off, "read error: %s", strerror(-got));
	if (got == 0)
		return fail(r, FT_TRACE_ERROR, 0, "empty file, not a fluxtrace trace");
	if (memcmp(h, MAGIC, got < MAGIC_LEN ? got : MAGIC_LEN))
		return fail(r, FT_TRACE_ERROR, 0, "bad magic: not a fluxtrace trace");
	if (got < HDR_FIXED)
		return fail(r, FT_TRACE_TRUNCATED, got,
			    "file ends inside the header (%zd of at least %zu bytes)", got,
			    HDR_LEN(0));
	if (get_le16(h + OFF_VERSION) != FT_TRACE_VERSION)
		return fail(r, FT_TRACE_ERROR, OFF_VERSION,
			    "unsupported format version %u (this fluxtrace reads version %u)",
			    get_le16(h + OFF_VERSION), FT_TRACE_VERSION);
	if (get_le16(h + OFF_ABI) != FT_ABI_VERSION)
		return fail(r, FT_TRACE_ERROR, OFF_ABI,
			    "unsupported record ABI version %u (this fluxtrace reads version %u)",
			    get_le16(h + OFF_ABI), FT_ABI_VERSION);
	hdr_len = get_le32(h + OFF_HDR_LEN);
	if (hdr_len < HDR_LEN(0) || hdr_len > HDR_LEN(FT_TRACE_MAX_IFACES) ||
	    (hdr_len - HDR_LEN(0)) % sizeof(struct ft_iface_record))
		return fail(r, FT_TRACE_ERROR, OFF_HDR_LEN, "bad header length %u", hdr_len);
	n = get_le32(h + OFF_N_IFACES);
	if (hdr_len != HDR_LEN(n))
		return fail(r, FT_TRACE_ERROR, OFF_N_IFACES,
			    "interface count %u does not match the header length %u", n, hdr_len);

	table = (size_t)n * sizeof(struct ft_iface_record);
	r->ifaces = malloc(table ? table : 1);
	if (!r->ifaces)
		return fail(r, FT_TRACE_ERROR, r->off, "out of memory");
	got = read_full(r, r->ifaces, table);
	if (got == (ssize_t)table)
		got = read_full(r, tail, sizeof(tail));
	if (got < 0)
		return fail(r, FT_TRACE_ERROR, r->off, "read error: %s", strerror(-got));
	if (r->off < hdr_len)
		return fail(r, FT_TRACE_TRUNCATED, r->off,
			    "file ends inside the header (%llu of %u bytes)",
			    (unsigned long long)r->off, hdr_len);

	stored = get_le32(tail);
	computed = crc32(crc(h, sizeof(h)), (const Bytef *)r->ifaces, table);
	if (stored != computed && CHECKSUMS_ENFORCED)
		return fail(r, FT_TRACE_ERROR, hdr_len - 4,
			    "header checksum mismatch (stored %#010x, computed %#010x)",
			    stored, computed);
	if (check_name(r, h + OFF_HOST, OFF_HOST, "host name") ||
	    check_name(r, h + OFF_KERNEL, OFF_KERNEL, "kernel release"))
		return r->status;
	for (__u32 i = 0; i < n; i++) {
		__u64 off = HDR_FIXED + (__u64)i * sizeof(struct ft_iface_record);

		if (r->ifaces[i].type != FT_REC_IFACE)
			return fail(r, FT_TRACE_ERROR, off,
				    "interface entry %u has record type %u, not %u", i,
				    r->ifaces[i].type, FT_REC_IFACE);
		if (!iface_name_ok(&r->ifaces[i]))
			return fail(r, FT_TRACE_ERROR, off,
				    "interface entry %u: name is not NUL-terminated", i);
	}
	r->n_ifaces = n;

	memset(meta, 0, sizeof(*meta));
	memcpy(meta->host, h + OFF_HOST, NAME_LEN);
	memcpy(meta->kernel, h + OFF_KERNEL, NAME_LEN);
	meta->mono_to_wall_ns = (__s64)get_le64(h + OFF_MONO_TO_WALL);
	meta->start_ns = get_le64(h + OFF_START);
	meta->n_ifaces = n;
	meta->ifaces = r->ifaces;
	return 0;
}

void ft_trace_close_reader(struct ft_trace_reader *r)
{
	if (!r)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->ifaces);
	free(r->comp);
	free(r->raw);
	free(r);
}

struct ft_trace_reader *ft_trace_open(const char *path, struct ft_trace_meta *meta, char *err,
				      size_t errlen)
{
	struct ft_trace_reader *r;
	struct ft_trace_meta scratch;

	if (errlen)
		err[0] = '\0';
	if (!path) {
		if (errlen)
			snprintf(err, errlen, "no trace file given");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		if (errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	r->status = FT_TRACE_RECORD;
	if (strcmp(path, "-") == 0) {
		r->name = "stdin";
		r->fd = STDIN_FILENO;
	} else {
		r->name = path;
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		r->own_fd = true;
		if (r->fd < 0) {
			if (errlen)
				snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
			ft_trace_close_reader(r);
			return NULL;
		}
	}
	read_header(r, meta ? meta : &scratch);
	if (r->status != FT_TRACE_RECORD) {
		if (errlen)
			snprintf(err, errlen, "%s", r->err);
		ft_trace_close_reader(r);
		return NULL;
	}
	return r;
}

/* Every record of a block is checked before the first one is handed out. */
static int check_records(struct ft_trace_reader *r, __u64 block_off)
{
	size_t pos = 0, size;

	while (pos < r->raw_len) {
		__u8 type = r->raw[pos];

		size = ft_record_size(type);
		if (!size)
			return fail(r, FT_TRACE_ERROR, block_off,
				    "block %u: unknown record type %u at byte %zu of %zu", r->seq,
				    type, pos, r->raw_len);
		if (size > r->raw_len - pos)
			return fail(r, FT_TRACE_ERROR, block_off,
				    "block %u: record of type %u at byte %zu needs %zu bytes, the block has %zu left",
				    r->seq, type, pos, size, r->raw_len - pos);
		if (type == FT_REC_IFACE &&
		    !iface_name_ok((const struct ft_iface_record *)(r->raw + pos)))
			return fail(r, FT_TRACE_ERROR, block_off,
				    "block %u: interface record at byte %zu: name is not NUL-terminated",
				    r->seq, pos);
		pos += size;
	}
	return 0;
}

static int read_end(struct ft_trace_reader *r, __u64 off, const unsigned char *h)
{
	unsigned char extra;
	ssize_t got;

	if (get_le32(h + 4) != r->seq)
		return fail(r, FT_TRACE_ERROR, off, "end marker counts %u blocks, %u were read",
			    get_le32(h + 4), r->seq);
	if (get_le32(h + 8) || get_le32(h + 12) || get_le32(h + 16))
		return fail(r, FT_TRACE_ERROR, off, "end marker has non-zero lengths");
	got = read_full(r, &extra, 1);
	if (got < 0)
		return fail(r, FT_TRACE_ERROR, r->off, "read error: %s", strerror(-got));
	if (got)
		return fail(r, FT_TRACE_ERROR, r->off - 1, "unexpected data after the end marker");
	r->status = FT_TRACE_END;
	return FT_TRACE_END;
}

static bool reserve(unsigned char **buf, size_t *cap, size_t need)
{
	unsigned char *p;

	if (need <= *cap)
		return true;
	p = realloc(*buf, need);
	if (!p)
		return false;
	*buf = p;
	*cap = need;
	return true;
}

/* Reads and checks the next block: FT_TRACE_RECORD when its records are
 * ready, else the final status (FT_TRACE_END after the end marker). */
static int read_block(struct ft_trace_reader *r)
{
	unsigned char h[BLOCK_HDR];
	__u64 off = r->off;
	__u32 magic, seq, raw_len, comp_len, stored, computed;
	uLongf out_len;
	uLong in_len;
	ssize_t got;
	int ret;

	got = read_full(r, h, sizeof(h));
	if (got < 0)
		return fail(r, FT_TRACE_ERROR, r->off, "read error: %s", strerror(-got));
	if (got == 0)
		return fail(r, FT_TRACE_TRUNCATED, off,
			    "no end marker: the recording was interrupted; %u complete block%s read",
			    r->seq, r->seq == 1 ? "" : "s");
	if (got < (ssize_t)sizeof(h))
		return fail(r, FT_TRACE_TRUNCATED, off,
			    "file ends inside the header of block %u (%zd of %zu bytes): the recording was interrupted",
			    r->seq, got, sizeof(h));
	stored = get_le32(h + 20);
	computed = crc(h, 20);
	if (stored != computed && CHECKSUMS_ENFORCED)
		return fail(r, FT_TRACE_ERROR, off,
			    "block %u: header checksum mismatch (stored %#010x, computed %#010x)",
			    r->seq, stored, computed);
	magic = get_le32(h);
	if (magic == END_MAGIC)
		return read_end(r, off, h);
	if (magic != BLOCK_MAGIC)
		return fail(r, FT_TRACE_ERROR, off, "block %u: bad block magic %#010x", r->seq,
			    magic);
	seq = get_le32(h + 4);
	if (seq != r->seq)
		return fail(r, FT_TRACE_ERROR, off,
			    "block sequence number %u, expected %u (blocks missing or repeated)",
			    seq, r->seq);
	raw_len = get_le32(h + 8);
	if (raw_len == 0 || raw_len > FT_TRACE_BLOCK_MAX)
		return fail(r, FT_TRACE_ERROR, off, "block %u: bad raw length %u (limit %u)",
			    r->seq, raw_len, FT_TRACE_BLOCK_MAX);
	comp_len = get_le32(h + 12);
	if (comp_len == 0 || comp_len > compressBound(FT_TRACE_BLOCK_MAX))
		return fail(r, FT_TRACE_ERROR, off,
			    "block %u: bad compressed length %u (limit %lu)", r->seq, comp_len,
			    compressBound(FT_TRACE_BLOCK_MAX));
	if (!reserve(&r->comp, &r->comp_cap, comp_len) || !reserve(&r->raw, &r->raw_cap, raw_len))
		return fail(r, FT_TRACE_ERROR, off, "block %u: out of memory", r->seq);

	got = read_full(r, r->comp, comp_len);
	if (got < 0)
		return fail(r, FT_TRACE_ERROR, r->off, "read error: %s", strerror(-got));
	if (got < comp_len)
		return fail(r, FT_TRACE_TRUNCATED, off,
			    "file ends inside block %u (%zd of %u compressed bytes): the recording was interrupted",
			    r->seq, got, comp_len);
	stored = get_le32(h + 16);
	computed = crc(r->comp, comp_len);
	if (stored != computed && CHECKSUMS_ENFORCED)
		return fail(r, FT_TRACE_ERROR, off,
			    "block %u: data checksum mismatch (stored %#010x, computed %#010x)",
			    r->seq, stored, computed);

	out_len = raw_len;
	in_len = comp_len;
	ret = uncompress2(r->raw, &out_len, r->comp, &in_len);
	if (ret == Z_BUF_ERROR && out_len == raw_len)
		return fail(r, FT_TRACE_ERROR, off,
			    "block %u: decompresses to more than its raw length %u", r->seq,
			    raw_len);
	if (ret != Z_OK)
		return fail(r, FT_TRACE_ERROR, off, "block %u: bad compressed data (zlib: %s)",
			    r->seq, zError(ret));
	if (out_len != raw_len || in_len != comp_len)
		return fail(r, FT_TRACE_ERROR, off,
			    "block %u: decompresses to %lu of %u bytes using %lu of %u compressed bytes",
			    r->seq, out_len, raw_len, in_len, comp_len);
	r->raw_len = raw_len;
	r->raw_pos = 0;
	if (check_records(r, off))
		return r->status;
	r->seq++;
	return FT_TRACE_RECORD;
}

int ft_trace_next(struct ft_trace_reader *r, const void **rec, size_t *len)
{
	size_t size;

	if (r->status != FT_TRACE_RECORD)
		return r->status;
	if (r->next_iface < r->n_ifaces) {
		size = sizeof(struct ft_iface_record);
		memcpy(r->cur.b, &r->ifaces[r->next_iface++], size);
	} else {
		while (r->raw_pos >= r->raw_len) {
			if (read_block(r) != FT_TRACE_RECORD)
				return r->status;
		}
		size = ft_record_size(r->raw[r->raw_pos]);
		memcpy(r->cur.b, r->raw + r->raw_pos, size);
		r->raw_pos += size;
	}
	*rec = r->cur.b;
	*len = size;
	return FT_TRACE_RECORD;
}

const char *ft_trace_error(const struct ft_trace_reader *r)
{
	return r->err;
}
