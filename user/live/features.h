/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel feature probes (features.c): the minimum is 5.11 (ring buffers
 * 5.8, XDP links 5.9, bpf_ktime_get_coarse_ns 5.11); tcx (6.6) and
 * multi-buffer XDP (5.18) are used where present. */
#ifndef FLUXTRACE_FEATURES_H
#define FLUXTRACE_FEATURES_H

#include <stdbool.h>
#include <linux/types.h>

struct btf;

/* Older uapi headers lack the tcx attach types (6.6). */
#ifndef BPF_TCX_INGRESS
#define BPF_TCX_INGRESS 46
#define BPF_TCX_EGRESS 47
#endif

bool ft_feat_btf(void);
/* The first missing minimum feature ("BPF ring buffers (5.8)"), or NULL. */
const char *ft_feat_missing(void);
bool ft_feat_tracepoint(struct btf *vmlinux, const char *name);
bool ft_feat_xdp_frags(void);
/* 1 tcx links, 0 clsact + cls_bpf only, -1 unknown (no probe program). */
int ft_feat_tcx(void);
/* The "netdev" generic netlink family (6.3+), on a NETLINK_GENERIC socket. */
int ft_feat_netdev_family(int fd, __u16 *family);
/* 1 native XDP, 0 generic only, -1 the kernel does not say. */
int ft_feat_xdp_native(int fd, __u16 family, int ifindex);

#endif /* FLUXTRACE_FEATURES_H */
