// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Findings: the flow and neighbour collectors add them, then they are
 * ordered worst first, trimmed to a bound per kind, and given their hints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "explain/explain.h"
#include "reduce/internal.h"

struct ft_finding *ft_findings_add(struct ft_findings *fs)
{
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 64;
		struct ft_finding *v = realloc(fs->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		fs->v = v;
		fs->cap = cap;
	}
	memset(&fs->v[fs->n], 0, sizeof(fs->v[0]));
	return &fs->v[fs->n++];
}

void ft_findings_free(struct ft_findings *fs)
{
	free(fs->v);
	free(fs->hints);
	memset(fs, 0, sizeof(*fs));
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct ft_finding *a = pa, *b = pb;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((a->cls != FT_CLASS_NONE) != (b->cls != FT_CLASS_NONE))
		return a->cls == FT_CLASS_NONE ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	c = memcmp(a->client_ip, b->client_ip, 16);
	if (!c)
		c = memcmp(a->server_ip, b->server_ip, 16);
	if (!c)
		c = memcmp(a->ip, b->ip, 16);
	if (!c)
		c = (int)a->client_port - (int)b->client_port;
	if (!c)
		c = (int)a->server_port - (int)b->server_port;
	if (!c)
		c = (int)a->proto - (int)b->proto;
	if (!c && a->ifaces.n && b->ifaces.n)
		c = (int)a->ifaces.ifindex[0] - (int)b->ifaces.ifindex[0];
	return c;
}

/* Sort, and keep the FT_MAX_FINDINGS_PER_KIND first alarms and look-alikes
 * of each kind; the rest is only counted. Trimming early and trimming
 * once keep the same findings: the order is total. */
static void findings_trim(struct ft_findings *fs)
{
	__u32 kept[FT_KIND_MAX][2] = {};
	size_t out = 0;

	if (fs->n)
		qsort(fs->v, fs->n, sizeof(fs->v[0]), cmp_finding);
	for (size_t i = 0; i < fs->n; i++) {
		const struct ft_finding *f = &fs->v[i];
		int classified = f->cls != FT_CLASS_NONE;

		if (kept[f->kind][classified] == FT_MAX_FINDINGS_PER_KIND) {
			fs->over[f->kind][classified]++;
			continue;
		}
		kept[f->kind][classified]++;
		fs->v[out++] = *f;
	}
	fs->n = out;
}

void ft_findings_checkpoint(struct ft_findings *fs)
{
	if (fs->n >= 4 * FT_KIND_MAX * FT_MAX_FINDINGS_PER_KIND)
		findings_trim(fs);
}

/* Each kept finding's hint, written once into one buffer. Host facts
 * (sysctls, routes) are read here, when the finding is made, never
 * while a renderer prints. */
static int write_hints(const struct ft_reducer *r, struct ft_findings *fs)
{
	char hint[FT_HINT_MAX];
	size_t cap = 0, used = 0, *offs;

	if (!fs->n)
		return 0;
	offs = calloc(fs->n, sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	for (size_t i = 0; i < fs->n; i++) {
		size_t len;

		ft_explain(&fs->v[i], &r->ifaces, r->opts.host_facts, hint, sizeof(hint));
		len = strlen(hint) + 1;
		if (used + len > cap) {
			size_t ncap = cap ? cap * 2 : 16384;
			char *n;

			while (ncap < used + len)
				ncap *= 2;
			n = realloc(fs->hints, ncap);
			if (!n) {
				free(offs);
				return -ENOMEM;
			}
			fs->hints = n;
			cap = ncap;
		}
		memcpy(fs->hints + used, hint, len);
		offs[i] = used;
		used += len;
	}
	for (size_t i = 0; i < fs->n; i++)
		fs->v[i].hint = fs->hints + offs[i];
	free(offs);
	return 0;
}

/* All findings, sorted worst first, bounded per kind; with their hints
 * when asked (a metrics scrape needs only the counts). */
int ft_findings_collect(struct ft_reducer *r, struct ft_findings *fs, bool hints)
{
	int err;

	memset(fs, 0, sizeof(*fs));
	err = ft_flows_collect(r, fs);
	if (!err)
		err = ft_neigh_collect(r, fs);
	if (err) {
		ft_findings_free(fs);
		return err;
	}
	findings_trim(fs);
	for (unsigned int k = 0; k < FT_KIND_MAX; k++) {
		fs->per_kind[k] = fs->over[k][0];
		fs->classified += fs->over[k][1];
		fs->truncated += fs->over[k][0] + fs->over[k][1];
	}
	for (size_t i = 0; i < fs->n; i++) {
		fs->v[i].hint = "";
		if (fs->v[i].cls != FT_CLASS_NONE)
			fs->classified++;
		else
			fs->per_kind[fs->v[i].kind]++;
	}
	err = hints ? write_hints(r, fs) : 0;
	if (err)
		ft_findings_free(fs);
	return err;
}
