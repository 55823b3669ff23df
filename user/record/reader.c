// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The validating trace reader (-r): every length bounded, every checksum
 * checked, a one-line message naming the offset of what is wrong
 * (record/format.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "record/format.h"


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
	__u32 facts_seq;	/* facts blocks read */
	__u16 version;
	struct ft_facts *facts;	/* filled by facts blocks; NULL: only checked */
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
	if (memcmp(h, FT_TRACE_MAGIC, got < MAGIC_LEN ? got : MAGIC_LEN))
		return fail(r, FT_TRACE_ERROR, 0, "bad magic: not a fluxtrace trace");
	if (got < HDR_FIXED)
		return fail(r, FT_TRACE_TRUNCATED, got,
			    "file ends inside the header (%zd of at least %zu bytes)", got,
			    HDR_LEN(0));
	r->version = ft_get_le16(h + OFF_VERSION);
	if (r->version < FT_TRACE_VERSION_OLDEST || r->version > FT_TRACE_VERSION)
		return fail(r, FT_TRACE_ERROR, OFF_VERSION,
			    "unsupported format version %u (this fluxtrace reads versions %u..%u)",
			    r->version, FT_TRACE_VERSION_OLDEST, FT_TRACE_VERSION);
	if (ft_get_le16(h + OFF_ABI) < FT_ABI_OLDEST || ft_get_le16(h + OFF_ABI) > FT_ABI_VERSION)
		return fail(r, FT_TRACE_ERROR, OFF_ABI,
			    "unsupported record ABI version %u (this fluxtrace reads versions %u..%u)",
			    ft_get_le16(h + OFF_ABI), FT_ABI_OLDEST, FT_ABI_VERSION);
	hdr_len = ft_get_le32(h + OFF_HDR_LEN);
	if (hdr_len < HDR_LEN(0) || hdr_len > HDR_LEN(FT_TRACE_MAX_IFACES) ||
	    (hdr_len - HDR_LEN(0)) % sizeof(struct ft_iface_record))
		return fail(r, FT_TRACE_ERROR, OFF_HDR_LEN, "bad header length %u", hdr_len);
	n = ft_get_le32(h + OFF_N_IFACES);
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

	stored = ft_get_le32(tail);
	computed = crc32(ft_crc(h, sizeof(h)), (const Bytef *)r->ifaces, table);
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
	meta->version = r->version;
	memcpy(meta->host, h + OFF_HOST, NAME_LEN);
	memcpy(meta->kernel, h + OFF_KERNEL, NAME_LEN);
	meta->mono_to_wall_ns = (__s64)ft_get_le64(h + OFF_MONO_TO_WALL);
	meta->start_ns = ft_get_le64(h + OFF_START);
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

	if (ft_get_le32(h + 4) != r->seq)
		return fail(r, FT_TRACE_ERROR, off, "end marker counts %u blocks, %u were read",
			    ft_get_le32(h + 4), r->seq);
	if (ft_get_le32(h + 8) || ft_get_le32(h + 12) || ft_get_le32(h + 16))
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

/* The lengths, compressed bytes and their checks, inflated into raw. */
static int read_payload(struct ft_trace_reader *r, __u64 off, const unsigned char *h,
			const char *what, __u32 seq)
{
	__u32 raw_len, comp_len, stored, computed;
	uLongf out_len;
	uLong in_len;
	ssize_t got;
	int ret;

	raw_len = ft_get_le32(h + 8);
	if (raw_len == 0 || raw_len > FT_TRACE_BLOCK_MAX)
		return fail(r, FT_TRACE_ERROR, off, "%s %u: bad raw length %u (limit %u)",
			    what, seq, raw_len, FT_TRACE_BLOCK_MAX);
	comp_len = ft_get_le32(h + 12);
	if (comp_len == 0 || comp_len > compressBound(FT_TRACE_BLOCK_MAX))
		return fail(r, FT_TRACE_ERROR, off,
			    "%s %u: bad compressed length %u (limit %lu)", what, seq, comp_len,
			    compressBound(FT_TRACE_BLOCK_MAX));
	if (!reserve(&r->comp, &r->comp_cap, comp_len) || !reserve(&r->raw, &r->raw_cap, raw_len))
		return fail(r, FT_TRACE_ERROR, off, "%s %u: out of memory", what, seq);

	got = read_full(r, r->comp, comp_len);
	if (got < 0)
		return fail(r, FT_TRACE_ERROR, r->off, "read error: %s", strerror(-got));
	if (got < comp_len)
		return fail(r, FT_TRACE_TRUNCATED, off,
			    "file ends inside %s %u (%zd of %u compressed bytes): the recording was interrupted",
			    what, seq, got, comp_len);
	stored = ft_get_le32(h + 16);
	computed = ft_crc(r->comp, comp_len);
	if (stored != computed && CHECKSUMS_ENFORCED)
		return fail(r, FT_TRACE_ERROR, off,
			    "%s %u: data checksum mismatch (stored %#010x, computed %#010x)",
			    what, seq, stored, computed);

	out_len = raw_len;
	in_len = comp_len;
	ret = uncompress2(r->raw, &out_len, r->comp, &in_len);
	if (ret == Z_BUF_ERROR && out_len == raw_len)
		return fail(r, FT_TRACE_ERROR, off,
			    "%s %u: decompresses to more than its raw length %u", what, seq,
			    raw_len);
	if (ret != Z_OK)
		return fail(r, FT_TRACE_ERROR, off, "%s %u: bad compressed data (zlib: %s)",
			    what, seq, zError(ret));
	if (out_len != raw_len || in_len != comp_len)
		return fail(r, FT_TRACE_ERROR, off,
			    "%s %u: decompresses to %lu of %u bytes using %lu of %u compressed bytes",
			    what, seq, out_len, raw_len, in_len, comp_len);
	r->raw_len = raw_len;
	r->raw_pos = 0;
	return 0;
}

/* A facts block (version 2): checked whole, then its entries replace
 * older answers in the facts table; it holds no records. */
static int read_facts(struct ft_trace_reader *r, __u64 off, const unsigned char *h)
{
	const char *bad;

	if (ft_get_le32(h + 4) != r->facts_seq)
		return fail(r, FT_TRACE_ERROR, off,
			    "facts block sequence number %u, expected %u (blocks missing or repeated)",
			    ft_get_le32(h + 4), r->facts_seq);
	if (read_payload(r, off, h, "facts block", r->facts_seq))
		return r->status;
	/* Checked before anything is kept: a damaged block changes nothing. */
	bad = ft_facts_decode(r->raw, r->raw_len, NULL);
	if (bad)
		return fail(r, FT_TRACE_ERROR, off, "facts block %u: %s", r->facts_seq, bad);
	if (r->facts)
		ft_facts_decode(r->raw, r->raw_len, r->facts);
	r->raw_len = 0;
	r->raw_pos = 0;
	r->facts_seq++;
	return FT_TRACE_RECORD;
}

/* Reads and checks the next block: FT_TRACE_RECORD when its records are
 * ready, else the final status (FT_TRACE_END after the end marker). */
static int read_block(struct ft_trace_reader *r)
{
	unsigned char h[BLOCK_HDR];
	__u64 off = r->off;
	__u32 magic, seq, stored, computed;
	ssize_t got;

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
	stored = ft_get_le32(h + 20);
	computed = ft_crc(h, 20);
	if (stored != computed && CHECKSUMS_ENFORCED)
		return fail(r, FT_TRACE_ERROR, off,
			    "block %u: header checksum mismatch (stored %#010x, computed %#010x)",
			    r->seq, stored, computed);
	magic = ft_get_le32(h);
	if (magic == END_MAGIC)
		return read_end(r, off, h);
	if (magic == FACTS_MAGIC && r->version >= FT_TRACE_VERSION_FACTS)
		return read_facts(r, off, h);
	if (magic != BLOCK_MAGIC)
		return fail(r, FT_TRACE_ERROR, off, "block %u: bad block magic %#010x", r->seq,
			    magic);
	seq = ft_get_le32(h + 4);
	if (seq != r->seq)
		return fail(r, FT_TRACE_ERROR, off,
			    "block sequence number %u, expected %u (blocks missing or repeated)",
			    seq, r->seq);
	if (read_payload(r, off, h, "block", r->seq))
		return r->status;
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

void ft_trace_read_facts(struct ft_trace_reader *r, struct ft_facts *f)
{
	r->facts = f;
}

const char *ft_trace_error(const struct ft_trace_reader *r)
{
	return r->err;
}
