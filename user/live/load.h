/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Opening, sizing and loading the BPF object (the skeleton). */
#ifndef FLUXTRACE_LOAD_H
#define FLUXTRACE_LOAD_H

#include <linux/types.h>

struct fluxtrace_bpf;
struct ft_scope;

/* Sizes the flow map and the ring buffer, keeps the neighbour tracepoints
 * to this network namespace, sets the --filter scope (NULL: none), loads.
 * 0, or -errno after saying why in one line (with the verifier log only
 * at -v). */
int ft_load(__u32 max_flows, __u32 ringbuf_size, const struct ft_scope *scope,
	    struct fluxtrace_bpf **out);

#endif /* FLUXTRACE_LOAD_H */
