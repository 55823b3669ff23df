/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Host facts: what a hint says about the traced host beyond its events,
 * the effective ARP and reverse-path sysctls of its interfaces and the
 * routes the kernel picks for the addresses of a finding. Live, the
 * answers are read from the host (explain/hostfacts.c) and kept here as
 * they are asked; a recording writes them into the trace; a replay
 * answers from the recorded ones only, so it gives the live run's hints.
 */
#ifndef FLUXTRACE_MODEL_FACTS_H
#define FLUXTRACE_MODEL_FACTS_H

#include <stdbool.h>
#include <linux/types.h>
#include "fluxtrace/events.h"

/* Effective values: what the kernel applies to the interface, combining
 * conf/all and conf/IFACE the way the kernel does (-1: unreadable). */
struct ft_if_sysctls {
	int arp_ignore;		/* max(all, iface) */
	int arp_announce;	/* max(all, iface) */
	int arp_filter;		/* all || iface */
	int rp_filter;		/* max(all, iface) */
	int proxy_arp;		/* all || iface */
};

struct ft_route {
	char text[160];		/* "default via 10.0.0.1 dev eth1 table main" */
	__u32 oif;		/* interface the route sends to, 0 if none */
	int err;		/* 0, or -errno of the lookup (-EXDEV: rp_filter) */
};

enum ft_facts_mode {
	FT_FACTS_NONE,		/* no facts: a trace written before they were recorded */
	FT_FACTS_LIVE,		/* read from this host as asked, answers kept */
	FT_FACTS_RECORDED,	/* from a trace: a question it did not record has no answer */
};

#define FT_FACTS_MAX_IFS 256	/* interfaces with sysctls */
#define FT_FACTS_MAX_ROUTES 512	/* distinct route questions */

struct ft_fact_sysctls {
	char ifname[FT_IFNAMSIZ];
	struct ft_if_sysctls v;
};

/* A route question (family, dst, src or none, input interface or 0) and
 * its answer. */
struct ft_fact_route {
	__u8 family;
	__u8 has_src;
	__u32 iif;
	__u8 dst[16], src[16];
	struct ft_route r;
};

struct ft_facts {
	enum ft_facts_mode mode;
	__u32 n_ifs, n_routes;
	__u64 dropped;		/* answers past the bounds above */
	bool dirty;		/* changed since a recording last wrote them */
	struct ft_fact_sysctls ifs[FT_FACTS_MAX_IFS];
	struct ft_fact_route routes[FT_FACTS_MAX_ROUTES];
};

struct ft_facts *ft_facts_new(enum ft_facts_mode mode);
void ft_facts_free(struct ft_facts *f);

/* NULL when not known. */
const struct ft_if_sysctls *ft_facts_find_sysctls(const struct ft_facts *f, const char *ifname);
const struct ft_route *ft_facts_find_route(const struct ft_facts *f, __u8 family, const __u8 *dst,
					   const __u8 *src, __u32 iif);
/* Adds or replaces (the newest answer wins); false when full. */
bool ft_facts_put_sysctls(struct ft_facts *f, const char *ifname, const struct ft_if_sysctls *v);
bool ft_facts_put_route(struct ft_facts *f, __u8 family, const __u8 *dst, const __u8 *src,
			__u32 iif, const struct ft_route *r);

#endif /* FLUXTRACE_MODEL_FACTS_H */
