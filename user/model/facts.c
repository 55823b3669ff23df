// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/facts.h"

struct ft_facts *ft_facts_new(enum ft_facts_mode mode)
{
	struct ft_facts *f = calloc(1, sizeof(*f));

	if (f)
		f->mode = mode;
	return f;
}

void ft_facts_free(struct ft_facts *f)
{
	free(f);
}

static int addr_len(__u8 family)
{
	return family == FT_FAMILY_IPV6 ? 16 : 4;
}

const struct ft_if_sysctls *ft_facts_find_sysctls(const struct ft_facts *f, const char *ifname)
{
	for (__u32 i = 0; f && i < f->n_ifs; i++)
		if (!strncmp(f->ifs[i].ifname, ifname, FT_IFNAMSIZ))
			return &f->ifs[i].v;
	return NULL;
}

static struct ft_fact_route *find_route(const struct ft_facts *f, __u8 family, const __u8 *dst,
					const __u8 *src, __u32 iif)
{
	int alen = addr_len(family);

	for (__u32 i = 0; f && i < f->n_routes; i++) {
		const struct ft_fact_route *q = &f->routes[i];

		if (q->family != family || q->iif != iif || q->has_src != !!src ||
		    memcmp(q->dst, dst, alen) || (src && memcmp(q->src, src, alen)))
			continue;
		return (struct ft_fact_route *)q;
	}
	return NULL;
}

const struct ft_route *ft_facts_find_route(const struct ft_facts *f, __u8 family, const __u8 *dst,
					   const __u8 *src, __u32 iif)
{
	const struct ft_fact_route *q = find_route(f, family, dst, src, iif);

	return q ? &q->r : NULL;
}

bool ft_facts_put_sysctls(struct ft_facts *f, const char *ifname, const struct ft_if_sysctls *v)
{
	struct ft_if_sysctls *have = (struct ft_if_sysctls *)ft_facts_find_sysctls(f, ifname);

	if (!have) {
		if (f->n_ifs >= FT_FACTS_MAX_IFS) {
			f->dropped++;
			return false;
		}
		snprintf(f->ifs[f->n_ifs].ifname, FT_IFNAMSIZ, "%s", ifname);
		have = &f->ifs[f->n_ifs++].v;
	} else if (!memcmp(have, v, sizeof(*v))) {
		return true;
	}
	*have = *v;
	f->dirty = true;
	return true;
}

bool ft_facts_put_route(struct ft_facts *f, __u8 family, const __u8 *dst, const __u8 *src,
			__u32 iif, const struct ft_route *r)
{
	struct ft_fact_route *q = find_route(f, family, dst, src, iif);

	if (!q) {
		if (f->n_routes >= FT_FACTS_MAX_ROUTES) {
			f->dropped++;
			return false;
		}
		q = &f->routes[f->n_routes++];
		memset(q, 0, sizeof(*q));
		q->family = family;
		q->has_src = !!src;
		q->iif = iif;
		memcpy(q->dst, dst, addr_len(family));
		if (src)
			memcpy(q->src, src, addr_len(family));
	} else if (!strcmp(q->r.text, r->text) && q->r.oif == r->oif && q->r.err == r->err) {
		return true;
	}
	q->r = *r;
	q->r.text[sizeof(q->r.text) - 1] = '\0';
	f->dirty = true;
	return true;
}
