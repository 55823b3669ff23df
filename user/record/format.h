/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The trace file format, version FT_TRACE_VERSION (readers accept 1 too:
 * the same without facts blocks): the one byte-level
 * specification (user/record/README.md explains it in prose). All
 * integers little-endian, offsets in bytes:
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
 * facts    (version 2) a block with magic "FTFA", its own sequence (0, 1,
 *          2...; not counted by the end marker), the same lengths and CRCs,
 *          whose zlib stream holds host-fact entries, each tag first:
 *          sysctls (FACT_SYSCTLS_LEN bytes)
 *           0  1  tag 1
 *           1  3  zero
 *           4 16  interface name, NUL-terminated
 *          20  5  arp_ignore, arp_announce, arp_filter, rp_filter, proxy_arp
 *                 (signed bytes, -1: unreadable)
 *          25  7  zero
 *          route (FACT_ROUTE_LEN bytes)
 *           0  1  tag 2
 *           1  1  family (enum ft_family)
 *           2  1  1: the question had a source address
 *           3  1  zero
 *           4  4  input interface of the question (0: locally sent)
 *           8 16  destination (IPv4 in the first 4 bytes)
 *          24 16  source
 *          40  4  oif of the answer
 *          44  4  err of the answer (signed, 0 or -errno)
 *          48 160 the answer as text, NUL-terminated
 *          A later entry for the same interface or question replaces an
 *          earlier one.
 */
#ifndef FLUXTRACE_RECORD_FORMAT_H
#define FLUXTRACE_RECORD_FORMAT_H

#include <stddef.h>
#include <linux/types.h>
#include <zlib.h>
#include "fluxtrace/events.h"
#include "record/trace.h"
#include "model/facts.h"

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
_Static_assert(sizeof(struct ft_neigh_drop_event) == 80, "ABI change: bump FT_ABI_VERSION");
_Static_assert(FT_CNT_MAX <= FT_CNT_SLOTS, "more counters than the record holds");

#define FT_TRACE_MAGIC "FLUXTRC\n"
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
#define FACTS_MAGIC 0x41465446u	/* "FTFA" */
#define FT_TRACE_VERSION_FACTS 2	/* the first version with facts blocks */
#define FACT_SYSCTLS 1
#define FACT_ROUTE 2
#define FACT_SYSCTLS_LEN 32
#define FACT_ROUTE_LEN 208
#define NAME_LEN 64

/* Fuzzing builds accept bad checksums so the fuzzer gets past them. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define CHECKSUMS_ENFORCED 0
#else
#define CHECKSUMS_ENFORCED 1
#endif

static inline void ft_put_le16(unsigned char *p, __u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void ft_put_le32(unsigned char *p, __u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static inline void ft_put_le64(unsigned char *p, __u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static inline __u16 ft_get_le16(const unsigned char *p)
{
	return p[0] | (__u16)p[1] << 8;
}

static inline __u32 ft_get_le32(const unsigned char *p)
{
	return p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 | (__u32)p[3] << 24;
}

static inline __u64 ft_get_le64(const unsigned char *p)
{
	return ft_get_le32(p) | (__u64)ft_get_le32(p + 4) << 32;
}

static inline __u32 ft_crc(const void *buf, size_t len)
{
	return crc32(0, buf, len);
}

/* record/facts.c: a facts table as the raw bytes of a facts block, and
 * back. Encode returns the length (at most cap; entries that do not fit
 * are left out); decode returns 0 or a static message of what is wrong. */
size_t ft_facts_encode(const struct ft_facts *f, unsigned char *buf, size_t cap);
const char *ft_facts_decode(const unsigned char *buf, size_t len, struct ft_facts *f);

#endif /* FLUXTRACE_RECORD_FORMAT_H */
