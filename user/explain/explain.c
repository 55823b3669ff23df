// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "common/format.h"
#include "explain/explain.h"
#include "explain/hostfacts.h"

/* A group's hint is its worst flow's, told for all: the first mention of
 * that flow's peer gets "(and N other clients)". */
static void group_peers(const struct ft_finding *f, char *buf, size_t len)
{
	const __u8 *peer = f->role == FT_ROLE_CLIENT ? f->server_ip : f->client_ip;
	char ip[FT_IP_STRLEN], more[64], *at = buf;
	size_t n;

	if (f->peers < 2)
		return;
	ft_fmt_ip(f->family, peer, ip);
	n = strlen(ip);
	/* The address itself, not a longer one it begins (10.0.0.1 in 10.0.0.12). */
	while ((at = strstr(at, ip)) && (isalnum((unsigned char)at[n]) ||
					  (at[n] == '.' && isdigit((unsigned char)at[n + 1])) ||
					  (at[n] == ':' && isxdigit((unsigned char)at[n + 1]))))
		at += n;
	if (!at)
		return;
	snprintf(more, sizeof(more), " (and %u other %s)", f->peers - 1,
		 f->role == FT_ROLE_CLIENT ? "servers" : "clients");
	at += n;
	if (strlen(buf) + strlen(more) + 1 > len)
		return;
	memmove(at + strlen(more), at, strlen(at) + 1);
	memcpy(at, more, strlen(more));
}

void ft_explain(const struct ft_finding *f, const struct ft_iftable *ifs, struct ft_facts *facts,
		char *buf, size_t len)
{
	buf[0] = 0;
	if (facts && facts->mode == FT_FACTS_NONE)
		facts = NULL;
	if (ft_kind_is_asymmetry(f->kind)) {
		ft_explain_flow(ifs, f, facts, buf, len);
		group_peers(f, buf, len);
	} else {
		ft_explain_neigh(ifs, f, facts, buf, len);
	}
}

const char *ft_explain_sysctls(struct ft_facts *facts, const struct ft_iftable *ifs,
			       const struct ft_iflist *l,
			       unsigned int which, char *buf, size_t len)
{
	char names[FT_LIST_MAX][FT_IFNAMSIZ + 16];
	const char *ptrs[FT_LIST_MAX];

	for (__u32 i = 0; i < l->n; i++)
		ptrs[i] = ft_iftable_name(ifs, l->ifindex[i], names[i], sizeof(names[i]));
	return ft_hostfacts_sysctl_str(facts, ptrs, l->n, which, buf, len);
}
