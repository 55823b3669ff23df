/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Facts read from this host (the current network namespace) to explain a
 * finding: the effective ARP and reverse-path sysctls of an interface and
 * the route the kernel picks for a reply, looked up through rtnetlink.
 */
#ifndef FLUXTRACE_HOSTFACTS_H
#define FLUXTRACE_HOSTFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Effective values: what the kernel applies to the interface, combining
 * conf/all and conf/IFACE the way the kernel does (-1: unreadable). */
struct ft_if_sysctls {
	int arp_ignore;		/* max(all, iface) */
	int arp_announce;	/* max(all, iface) */
	int arp_filter;		/* all || iface */
	int rp_filter;		/* max(all, iface) */
	int proxy_arp;		/* all || iface */
};

/* 0 or -errno (-ENOENT: no such interface here). */
int ft_hostfacts_sysctls(const char *ifname, struct ft_if_sysctls *out);

/* Effective values of several interfaces as text, e.g. "arp_ignore eth0=0
 * eth1=1; rp_filter eth0=1 eth1=1" ("?" where unreadable). */
#define FT_SC_ARP_IGNORE 0x01
#define FT_SC_ARP_ANNOUNCE 0x02
#define FT_SC_ARP_FILTER 0x04
#define FT_SC_RP_FILTER 0x08
#define FT_SC_PROXY_ARP 0x10
const char *ft_hostfacts_sysctl_str(const char *const *ifnames, unsigned int n, unsigned int which,
				    char *buf, size_t len);

struct ft_route {
	char text[160];		/* "default via 10.0.0.1 dev eth1 table main" */
	__u32 oif;		/* interface the route sends to, 0 if none */
	int err;		/* 0, or -errno of the lookup (-EXDEV: rp_filter) */
};

/*
 * The route for a packet src -> dst (family FT_FAMILY_IPV4/6; src may be
 * NULL; iif 0 for a locally sent packet, else the input interface of a
 * forwarded one), like `ip route get fibmatch DST from SRC [iif IF]`.
 * Returns 0 with out->text set, or -errno with out->text describing it.
 */
int ft_hostfacts_route(__u8 family, const __u8 *dst, const __u8 *src, __u32 iif,
		       struct ft_route *out);

#endif /* FLUXTRACE_HOSTFACTS_H */
