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
#include "model/facts.h"

/* 0 or -errno (-ENOENT: no such interface here). */
int ft_hostfacts_sysctls(const char *ifname, struct ft_if_sysctls *out);

/* Effective values of several interfaces as text, e.g. "arp_ignore eth0=0
 * eth1=1; rp_filter eth0=1 eth1=1" ("?" where unreadable). */
#define FT_SC_ARP_IGNORE 0x01
#define FT_SC_ARP_ANNOUNCE 0x02
#define FT_SC_ARP_FILTER 0x04
#define FT_SC_RP_FILTER 0x08
#define FT_SC_PROXY_ARP 0x10
const char *ft_hostfacts_sysctl_str(struct ft_facts *facts, const char *const *ifnames,
				    unsigned int n, unsigned int which, char *buf, size_t len);

/*
 * The route for a packet src -> dst (family FT_FAMILY_IPV4/6; src may be
 * NULL; iif 0 for a locally sent packet, else the input interface of a
 * forwarded one), like `ip route get fibmatch DST from SRC [iif IF]`.
 * Returns 0 with out->text set, or -errno with out->text describing it.
 */
int ft_hostfacts_route(__u8 family, const __u8 *dst, const __u8 *src, __u32 iif,
		       struct ft_route *out);

/*
 * The same questions through a facts table (model/facts.h): live, read
 * from this host and kept (so a recording can write them); recorded, the
 * trace's answer or none (-ENODATA, out->text saying it was not recorded).
 */
int ft_hostfacts_ask_sysctls(struct ft_facts *facts, const char *ifname,
			     struct ft_if_sysctls *out);
int ft_hostfacts_ask_route(struct ft_facts *facts, __u8 family, const __u8 *dst, const __u8 *src,
			   __u32 iif, struct ft_route *out);

#endif /* FLUXTRACE_HOSTFACTS_H */
