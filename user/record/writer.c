// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The trace writer (-w): header, compressed checksummed blocks, end marker
 * (record/format.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "record/format.h"


struct ft_trace_writer {
	int fd;
	bool own_fd;
	int err;		/* first error, returned from then on */
	__u32 seq;		/* data blocks written */
	__u32 facts_seq;	/* facts blocks written */
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
	memcpy(h, FT_TRACE_MAGIC, MAGIC_LEN);
	ft_put_le16(h + OFF_VERSION, FT_TRACE_VERSION);
	ft_put_le16(h + OFF_ABI, FT_ABI_VERSION);
	ft_put_le32(h + OFF_HDR_LEN, len);
	copy_name(h + OFF_HOST, meta->host);
	copy_name(h + OFF_KERNEL, meta->kernel);
	ft_put_le64(h + OFF_MONO_TO_WALL, (__u64)meta->mono_to_wall_ns);
	ft_put_le64(h + OFF_START, meta->start_ns);
	ft_put_le32(h + OFF_N_IFACES, meta->n_ifaces);
	p = h + HDR_FIXED;
	for (__u32 i = 0; i < meta->n_ifaces; i++) {
		struct ft_iface_record rec = meta->ifaces[i];

		rec.type = FT_REC_IFACE;
		rec.name[FT_IFNAMSIZ - 1] = '\0';
		memcpy(p, &rec, sizeof(rec));
		p += sizeof(rec);
	}
	ft_put_le32(p, ft_crc(h, p - h));
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
	ft_put_le32(h, magic);
	ft_put_le32(h + 4, seq);
	ft_put_le32(h + 8, raw_len);
	ft_put_le32(h + 12, comp_len);
	ft_put_le32(h + 16, data_crc);
	ft_put_le32(h + 20, ft_crc(h, 20));
}

/* One block of raw bytes, compressed into out (room for BLOCK_HDR +
 * compressBound(len)). */
static int emit_block(struct ft_trace_writer *w, __u32 magic, __u32 seq, const unsigned char *raw,
		      size_t len, unsigned char *out, size_t out_cap)
{
	uLongf comp_len = out_cap - BLOCK_HDR;

	/* Speed over ratio: a flood can produce tens of MB/s of records. */
	if (compress2(out + BLOCK_HDR, &comp_len, raw, len, Z_BEST_SPEED) != Z_OK)
		return -ENOMEM;
	block_header(out, magic, seq, len, comp_len, ft_crc(out + BLOCK_HDR, comp_len));
	return write_all(w->fd, out, BLOCK_HDR + comp_len);
}

static int write_block(struct ft_trace_writer *w)
{
	int err = emit_block(w, BLOCK_MAGIC, w->seq, w->buf, w->pending, w->out, w->out_cap);

	w->pending = 0;
	w->seq++;
	if (err && !w->err)
		w->err = err;
	return err;
}

int ft_trace_write_facts(struct ft_trace_writer *w, const struct ft_facts *f)
{
	size_t cap = (size_t)FT_FACTS_MAX_IFS * FACT_SYSCTLS_LEN +
		     (size_t)FT_FACTS_MAX_ROUTES * FACT_ROUTE_LEN;
	unsigned char *raw, *out;
	size_t len, out_cap;
	int err;

	if (!w || !f)
		return -EINVAL;
	/* After the records written so far, so a reader sees them in order. */
	if (ft_trace_flush(w))
		return w->err;
	raw = malloc(cap);
	out_cap = BLOCK_HDR + compressBound(cap);
	out = malloc(out_cap);
	err = raw && out ? 0 : -ENOMEM;
	len = err ? 0 : ft_facts_encode(f, raw, cap);
	if (!err && len)
		err = emit_block(w, FACTS_MAGIC, w->facts_seq++, raw, len, out, out_cap);
	free(raw);
	free(out);
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
