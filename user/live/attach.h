/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Attaching fluxtrace's programs to interfaces without disturbing anyone
 * else's: links that die with the process, never a replaced XDP program,
 * never a deleted qdisc or filter that is not ours. */
#ifndef FLUXTRACE_ATTACH_H
#define FLUXTRACE_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>

struct fluxtrace_bpf;

enum ft_xdp_mode {
	FT_XDP_AUTO,		/* native where the driver has it, else generic */
	FT_XDP_NATIVE,
	FT_XDP_GENERIC,
	FT_XDP_OFF,		/* ingress through tc */
};

/* One traced interface and what is attached to it. */
struct ft_attach_if {
	char name[IF_NAMESIZE];
	int ifindex;
	__u8 mac[6];
	__u32 hooks;		/* FT_HOOKBIT() of what is attached */
	int xdp_link;		/* link fds, -1 when not attached */
	int tc_link[2];		/* [0] ingress, [1] egress: tcx links */
	bool tc_legacy[2];	/* clsact + cls_bpf filter instead of tcx */
	bool xdp_generic;	/* XDP runs in generic (skb) mode */
	__u64 announced_ns;	/* when its FT_REC_IFACE record was made */
};

/* Interfaces named in spec ("any" or "a,b,c"); appends to *ifaces. Returns
 * 0, or -ENODEV after printing which name is unknown and what exists. */
int ft_ifaces_resolve(const char *spec, struct ft_attach_if **ifaces, size_t *n);
/* "any": every up, non-loopback interface of this network namespace. */
int ft_ifaces_scan_up(struct ft_attach_if **ifaces, size_t *n);

int ft_attach_iface(struct fluxtrace_bpf *skel, struct ft_attach_if *ifc, enum ft_xdp_mode mode);
void ft_detach_iface(struct ft_attach_if *ifc);
/* The interface's MAC (and whether it is a bridge or bond port) for the
 * ingress hooks' other-host filter; again after it changes. */
void ft_attach_own_mac(struct fluxtrace_bpf *skel, const struct ft_attach_if *ifc);
/* The neighbour tracepoints (required) and skb:kfree_skb (optional). */
int ft_attach_tracepoints(struct fluxtrace_bpf *skel);
void ft_detach_tracepoints(struct fluxtrace_bpf *skel);

#endif /* FLUXTRACE_ATTACH_H */
