// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/format.h"
#include "model/model.h"

const struct ft_iface_info *ft_iftable_get(const struct ft_iftable *t, __u32 ifindex)
{
	for (__u32 i = 0; i < t->n; i++)
		if (t->v[i].ifindex == ifindex)
			return &t->v[i];
	return NULL;
}

const char *ft_iftable_name(const struct ft_iftable *t, __u32 ifindex, char *buf, size_t len)
{
	const struct ft_iface_info *i = t ? ft_iftable_get(t, ifindex) : NULL;

	if (i && i->name[0])
		snprintf(buf, len, "%.*s", FT_IFNAMSIZ, i->name);
	else
		snprintf(buf, len, "if%u", ifindex);
	return buf;
}

void ft_iflist_add(struct ft_iflist *l, __u32 ifindex)
{
	for (__u32 i = 0; i < l->n; i++)
		if (l->ifindex[i] == ifindex)
			return;
	if (l->n < FT_LIST_MAX)
		l->ifindex[l->n++] = ifindex;
}

void ft_maclist_add(struct ft_maclist *l, const __u8 *mac)
{
	for (__u32 i = 0; i < l->n; i++)
		if (!memcmp(l->mac[i], mac, 6))
			return;
	if (l->n < FT_LIST_MAX)
		memcpy(l->mac[l->n++], mac, 6);
}

const char *ft_iflist_str(const struct ft_iftable *t, const struct ft_iflist *l, char *buf,
			  size_t len)
{
	char name[FT_IFNAMSIZ + 16];
	size_t off = 0;

	buf[0] = 0;
	for (__u32 i = 0; i < l->n; i++)
		FT_APPEND(buf, len, off, "%s%s", i ? "," : "",
			  ft_iftable_name(t, l->ifindex[i], name, sizeof(name)));
	if (!l->n)
		snprintf(buf, len, "-");
	return buf;
}

const char *ft_maclist_str(const struct ft_maclist *l, char *buf, size_t len)
{
	char m[FT_MAC_STRLEN];
	size_t off = 0;

	buf[0] = 0;
	for (__u32 i = 0; i < l->n; i++)
		FT_APPEND(buf, len, off, "%s%s", i ? "," : "", ft_fmt_mac(l->mac[i], m));
	if (!l->n)
		snprintf(buf, len, "-");
	return buf;
}

void ft_report_free(struct ft_report *rep)
{
	free(rep->findings.v);
	free(rep->findings.hints);
	memset(&rep->findings, 0, sizeof(rep->findings));
}
