/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The join: the reports of several traced hosts in, correlated findings
 * out (model/hosts.h). Each host was reduced alone, by its own reducer;
 * the join only matches their findings: by flow tuple (the rewritten one
 * under NAT), by the MACs each host's interface table owns, and by time
 * on the wall clock (each trace's own offset), within a tolerated skew.
 * What is matched and why: user/reduce/README.md, "Joining hosts".
 */
#ifndef FLUXTRACE_REDUCE_JOIN_H
#define FLUXTRACE_REDUCE_JOIN_H

#include <stddef.h>
#include <linux/types.h>
#include "model/hosts.h"

/* Fills out (zeroed first, free with ft_correlation_free) with the
 * correlated findings, worst kind first. 0 or -ENOMEM. */
int ft_join(const struct ft_host *hosts, size_t n, __u64 skew_ns, struct ft_correlation *out);

#endif /* FLUXTRACE_REDUCE_JOIN_H */
