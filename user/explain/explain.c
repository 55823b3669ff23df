// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "explain/explain.h"
#include "explain/hostfacts.h"

void ft_explain(const struct ft_finding *f, const struct ft_iftable *ifs, struct ft_facts *facts,
		char *buf, size_t len)
{
	buf[0] = 0;
	if (facts && facts->mode == FT_FACTS_NONE)
		facts = NULL;
	if (ft_kind_is_asymmetry(f->kind))
		ft_explain_flow(ifs, f, facts, buf, len);
	else
		ft_explain_neigh(ifs, f, facts, buf, len);
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
