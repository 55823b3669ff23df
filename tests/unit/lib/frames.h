/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small builder for test frames: start with fr_eth(), append headers in
 * wire order, finish with fr_done() (fixes the outer IP length). Checksums
 * stay zero: the parser under test never reads them. Multi-byte arguments
 * are host order; addresses are text ("10.0.0.1", "fe80::1").
 */
#ifndef FT_TEST_FRAMES_H
#define FT_TEST_FRAMES_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#define FRAME_MAX 512

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_8021Q 0x8100
#define ETH_TYPE_8021AD 0x88a8
#define ETH_TYPE_LLDP 0x88cc

#define FR_IP_MF 0x2000		/* IPv4 "more fragments" */

#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_OPT_NONCE 14
#define NA_FLAG_ROUTER 0x80
#define NA_FLAG_SOLICITED 0x40
#define NA_FLAG_OVERRIDE 0x20

struct frame {
	__u8 data[FRAME_MAX];
	size_t len;
	size_t ip_off;		/* outer IP header; 0 until one is added */
	int ip_family;		/* 4 or 6 */
};

static const __u8 MAC_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const __u8 MAC_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const __u8 MAC_C[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0c };
static const __u8 MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const __u8 MAC_ZERO[6];

static inline __u8 *fr_put(struct frame *f, size_t n)
{
	__u8 *p;

	if (f->len + n > FRAME_MAX) {
		fprintf(stderr, "frames.h: frame longer than %d bytes\n", FRAME_MAX);
		abort();
	}
	p = f->data + f->len;
	memset(p, 0, n);
	f->len += n;
	return p;
}

static inline void fr_u8(struct frame *f, __u8 v)
{
	*fr_put(f, 1) = v;
}

static inline void fr_u16(struct frame *f, __u16 v)
{
	__u8 *p = fr_put(f, 2);

	p[0] = v >> 8;
	p[1] = v;
}

static inline void fr_u32(struct frame *f, __u32 v)
{
	fr_u16(f, v >> 16);
	fr_u16(f, v);
}

static inline void fr_bytes(struct frame *f, const void *src, size_t n)
{
	memcpy(fr_put(f, n), src, n);
}

static inline void fr_zeros(struct frame *f, size_t n)
{
	fr_put(f, n);
}

/* An address in text form into its 4 or 16 wire bytes. */
static inline void fr_addr(int family, const char *text, __u8 *out)
{
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, text, out) != 1) {
		fprintf(stderr, "frames.h: bad IPv%d address '%s'\n", family, text);
		abort();
	}
}

static inline void fr_ip(struct frame *f, int family, const char *text)
{
	fr_addr(family, text, fr_put(f, family == 4 ? 4 : 16));
}

/* Starts a new frame. */
static inline void fr_eth(struct frame *f, const __u8 *dst, const __u8 *src, __u16 type)
{
	memset(f, 0, sizeof(*f));
	fr_bytes(f, dst, 6);
	fr_bytes(f, src, 6);
	fr_u16(f, type);
}

/* One 802.1Q/802.1ad tag: the previous EtherType must be its TPID. */
static inline void fr_vlan(struct frame *f, __u16 tci, __u16 type)
{
	fr_u16(f, tci);
	fr_u16(f, type);
}

static inline void fr_mark_ip(struct frame *f, size_t off, int family)
{
	if (!f->ip_off) {
		f->ip_off = off;
		f->ip_family = family;
	}
}

/* IPv4 with optlen bytes of options (a multiple of 4, at most 40) and the
 * flags/fragment-offset field as given (offset in 8-byte units). */
static inline void fr_ipv4_ex(struct frame *f, const char *src, const char *dst, __u8 proto,
			      unsigned int optlen, __u16 frag)
{
	size_t off = f->len;

	fr_u8(f, 0x40 | (5 + optlen / 4));
	fr_u8(f, 0);
	fr_u16(f, 20 + optlen + 8);	/* fr_done() sets the real length */
	fr_u16(f, 0x1234);
	fr_u16(f, frag);
	fr_u8(f, 64);
	fr_u8(f, proto);
	fr_u16(f, 0);
	fr_ip(f, 4, src);
	fr_ip(f, 4, dst);
	if (optlen >= 4) {
		/* Router Alert, then NOPs */
		fr_u8(f, 0x94);
		fr_u8(f, 4);
		fr_u16(f, 0);
		memset(fr_put(f, optlen - 4), 1, optlen - 4);
	}
	fr_mark_ip(f, off, 4);
}

static inline void fr_ipv4(struct frame *f, const char *src, const char *dst, __u8 proto)
{
	fr_ipv4_ex(f, src, dst, proto, 0, 0);
}

static inline void fr_ipv6(struct frame *f, const char *src, const char *dst, __u8 next)
{
	size_t off = f->len;

	fr_u32(f, 0x60000000);
	fr_u16(f, 8);		/* fr_done() sets the real length */
	fr_u8(f, next);
	fr_u8(f, 255);
	fr_ip(f, 6, src);
	fr_ip(f, 6, dst);
	fr_mark_ip(f, off, 6);
}

/* Hop-by-hop, destination options or routing header of len bytes (a
 * multiple of 8); options are one PadN, the routing header is type 2. */
static inline void fr_ip6_ext(struct frame *f, __u8 type, __u8 next, unsigned int len)
{
	fr_u8(f, next);
	fr_u8(f, len / 8 - 1);
	if (type == 43 /* IPPROTO_ROUTING */) {
		fr_u8(f, 2);
		fr_u8(f, 1);
		fr_zeros(f, len - 4);
	} else {
		fr_u8(f, 1);
		fr_u8(f, len - 4);
		fr_zeros(f, len - 4);
	}
}

static inline void fr_ip6_frag(struct frame *f, __u8 next, unsigned int offset, int more)
{
	fr_u8(f, next);
	fr_u8(f, 0);
	fr_u16(f, (offset / 8) << 3 | (more ? 1 : 0));
	fr_u32(f, 0xcafe);
}

static inline void fr_tcp(struct frame *f, __u16 sport, __u16 dport, __u8 flags)
{
	fr_u16(f, sport);
	fr_u16(f, dport);
	fr_u32(f, 1000);
	fr_u32(f, flags & 0x10 ? 2000 : 0);
	fr_u8(f, 5 << 4);
	fr_u8(f, flags);
	fr_u16(f, 65535);
	fr_u16(f, 0);
	fr_u16(f, 0);
}

static inline void fr_udp(struct frame *f, __u16 sport, __u16 dport)
{
	fr_u16(f, sport);
	fr_u16(f, dport);
	fr_u16(f, 8);
	fr_u16(f, 0);
}

/* ICMP or ICMPv6 header; id/seq are the "unused" word of error types. */
static inline void fr_icmp(struct frame *f, __u8 type, __u8 code, __u16 id, __u16 seq)
{
	fr_u8(f, type);
	fr_u8(f, code);
	fr_u16(f, 0);
	fr_u16(f, id);
	fr_u16(f, seq);
}

static inline void fr_arp(struct frame *f, __u16 op, const __u8 *sha, const char *sip,
			  const __u8 *tha, const char *tip)
{
	fr_u16(f, 1);		/* Ethernet */
	fr_u16(f, ETH_TYPE_IPV4);
	fr_u8(f, 6);
	fr_u8(f, 4);
	fr_u16(f, op);
	fr_bytes(f, sha, 6);
	fr_ip(f, 4, sip);
	fr_bytes(f, tha, 6);
	fr_ip(f, 4, tip);
}

/* NDP NS (135) or NA (136) body including its ICMPv6 header. */
static inline void fr_ndp(struct frame *f, __u8 type, __u8 flags, const char *target)
{
	fr_u8(f, type);
	fr_u8(f, 0);
	fr_u16(f, 0);
	fr_u8(f, flags);
	fr_zeros(f, 3);
	fr_ip(f, 6, target);
}

static inline void fr_ndp_lla(struct frame *f, __u8 opt, const __u8 *mac)
{
	fr_u8(f, opt);
	fr_u8(f, 1);
	fr_bytes(f, mac, 6);
}

static inline void fr_ndp_nonce(struct frame *f)
{
	static const __u8 nonce[6] = { 1, 2, 3, 4, 5, 6 };

	fr_u8(f, ND_OPT_NONCE);
	fr_u8(f, 1);
	fr_bytes(f, nonce, 6);
}

/* Sets the outer IP length to what follows it. */
static inline void fr_done(struct frame *f)
{
	size_t n;

	if (!f->ip_off)
		return;
	n = f->len - f->ip_off;
	if (f->ip_family == 4) {
		f->data[f->ip_off + 2] = n >> 8;
		f->data[f->ip_off + 3] = n;
	} else {
		n -= 40;
		f->data[f->ip_off + 4] = n >> 8;
		f->data[f->ip_off + 5] = n;
	}
}

/* Cut the frame to its first n bytes, as a truncated capture would be. */
static inline void fr_cut(struct frame *f, size_t n)
{
	if (n < f->len)
		f->len = n;
}

#endif /* FT_TEST_FRAMES_H */
