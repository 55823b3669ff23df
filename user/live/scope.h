/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A compiled --filter (common/scope.h) into the BPF object: rodata before
 * load, the LPM trie of prefixes after. */
#ifndef FLUXTRACE_LIVE_SCOPE_H
#define FLUXTRACE_LIVE_SCOPE_H

struct fluxtrace_bpf;
struct ft_scope;

/* Before fluxtrace_bpf__load(); scope NULL: no filter (the default). */
void ft_scope_set_rodata(struct fluxtrace_bpf *skel, const struct ft_scope *scope);
/* After load: 0, or -errno. */
int ft_scope_fill_maps(struct fluxtrace_bpf *skel, const struct ft_scope *scope);

#endif /* FLUXTRACE_LIVE_SCOPE_H */
