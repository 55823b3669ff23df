// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Host facts in a facts block (record/format.h): fixed little-endian
 * entries, independent of the in-memory structs. Decoding into NULL only
 * checks. */
#include <string.h>
#include "record/format.h"

static void put_sc(unsigned char *p, const struct ft_fact_sysctls *s)
{
	const int v[] = { s->v.arp_ignore, s->v.arp_announce, s->v.arp_filter, s->v.rp_filter,
			  s->v.proxy_arp };

	memset(p, 0, FACT_SYSCTLS_LEN);
	p[0] = FACT_SYSCTLS;
	memcpy(p + 4, s->ifname, strnlen(s->ifname, FT_IFNAMSIZ - 1));
	for (int i = 0; i < 5; i++)
		p[20 + i] = (__u8)(__s8)(v[i] < -1 || v[i] > 127 ? -1 : v[i]);
}

static void put_route(unsigned char *p, const struct ft_fact_route *q)
{
	memset(p, 0, FACT_ROUTE_LEN);
	p[0] = FACT_ROUTE;
	p[1] = q->family;
	p[2] = q->has_src;
	ft_put_le32(p + 4, q->iif);
	memcpy(p + 8, q->dst, 16);
	memcpy(p + 24, q->src, 16);
	ft_put_le32(p + 40, q->r.oif);
	ft_put_le32(p + 44, (__u32)q->r.err);
	memcpy(p + 48, q->r.text, strnlen(q->r.text, sizeof(q->r.text) - 1));
}

size_t ft_facts_encode(const struct ft_facts *f, unsigned char *buf, size_t cap)
{
	size_t off = 0;

	for (__u32 i = 0; i < f->n_ifs && off + FACT_SYSCTLS_LEN <= cap; i++, off += FACT_SYSCTLS_LEN)
		put_sc(buf + off, &f->ifs[i]);
	for (__u32 i = 0; i < f->n_routes && off + FACT_ROUTE_LEN <= cap; i++, off += FACT_ROUTE_LEN)
		put_route(buf + off, &f->routes[i]);
	return off;
}

static const char *get_sc(const unsigned char *p, struct ft_facts *f)
{
	struct ft_if_sysctls v;
	char name[FT_IFNAMSIZ];

	if (!memchr(p + 4, '\0', FT_IFNAMSIZ) || !p[4])
		return "sysctl entry: bad interface name";
	memcpy(name, p + 4, FT_IFNAMSIZ);
	v.arp_ignore = (__s8)p[20];
	v.arp_announce = (__s8)p[21];
	v.arp_filter = (__s8)p[22];
	v.rp_filter = (__s8)p[23];
	v.proxy_arp = (__s8)p[24];
	if (f)
		ft_facts_put_sysctls(f, name, &v);
	return NULL;
}

static const char *get_route(const unsigned char *p, struct ft_facts *f)
{
	struct ft_route r = {};

	if (p[1] != FT_FAMILY_IPV4 && p[1] != FT_FAMILY_IPV6)
		return "route entry: bad address family";
	if (p[2] > 1)
		return "route entry: bad source flag";
	if (!memchr(p + 48, '\0', sizeof(r.text)))
		return "route entry: text is not NUL-terminated";
	memcpy(r.text, p + 48, sizeof(r.text));
	r.oif = ft_get_le32(p + 40);
	r.err = (int)ft_get_le32(p + 44);
	if (f)
		ft_facts_put_route(f, p[1], p + 8, p[2] ? p + 24 : NULL, ft_get_le32(p + 4), &r);
	return NULL;
}

const char *ft_facts_decode(const unsigned char *buf, size_t len, struct ft_facts *f)
{
	size_t off = 0;
	const char *err;

	while (off < len) {
		size_t need = buf[off] == FACT_SYSCTLS ? FACT_SYSCTLS_LEN
			      : buf[off] == FACT_ROUTE ? FACT_ROUTE_LEN
						       : 0;

		if (!need)
			return "unknown host-fact entry";
		if (need > len - off)
			return "host-fact entry runs past the end of the block";
		err = buf[off] == FACT_SYSCTLS ? get_sc(buf + off, f) : get_route(buf + off, f);
		if (err)
			return err;
		off += need;
	}
	return NULL;
}
