/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Several hosts at once: the report of each traced host (one trace, one
 * reducer each) and the correlated findings the join (reduce/join.c)
 * makes from them. A correlated finding names every host involved, by
 * index into the host list, with the interfaces and MACs it saw and the
 * sysctls its own trace recorded.
 */
#ifndef FLUXTRACE_MODEL_HOSTS_H
#define FLUXTRACE_MODEL_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "common/names.h"
#include "model/facts.h"
#include "model/model.h"

/* One traced host of a join. */
struct ft_host {
	char label[64];			/* the host name, or the trace's name when two share one */
	const char *source;		/* the trace file */
	__s64 mono_to_wall_ns;		/* this host's event time + this = Unix time */
	const struct ft_report *rep;	/* its findings and interface table */
	struct ft_facts *facts;		/* recorded host facts; mode NONE: none */
};

#define FT_CORR_HOSTS 4		/* hosts named in one correlated finding */
#define FT_CORR_IPS 8		/* addresses listed in one ARP story */

/* A host's part in a correlated finding. */
struct ft_corr_host {
	__u32 host;			/* index into the hosts */
	__u8 role;			/* enum ft_corr_role */
	struct ft_iflist ifaces;	/* in its own interface table: all it used */
	struct ft_iflist req_ifaces;	/* flow stories: where it saw the requests */
	struct ft_iflist rep_ifaces;	/* ... and the replies */
	struct ft_maclist macs;		/* its own MACs on those interfaces */
	char sysctls[256];		/* from its recorded facts, "" when none apply */
};

struct ft_correlated {
	__u8 kind;			/* enum ft_corr_kind */
	__u8 family, proto;
	/* Flow stories: the client, the address it asked for (the VIP under
	 * NAT, else the server) and the server that answered. */
	__u8 client_ip[16], asked_ip[16], server_ip[16];
	__u16 client_port, asked_port, server_port;
	__u8 reply_mac[6];		/* nat_return_bypass: where the replies went */
	__s32 reply_mac_host;		/* the host owning it, -1 if none traced */
	__u32 flows;			/* flows of this story */
	/* ARP stories: the addresses, all with the same MACs and owners. */
	__u8 n_ips;
	__u8 ip_family[FT_CORR_IPS];
	__u8 ips[FT_CORR_IPS][16];
	__u8 seen_as;			/* FT_KIND_* bits the observer reported them as */
	__u64 first_wall_ns, last_wall_ns;	/* Unix time, ns */
	__u32 n_hosts;
	struct ft_corr_host hosts[FT_CORR_HOSTS];
	char summary[700];		/* one sentence, every host named */
};

struct ft_correlation {
	struct ft_correlated *v;
	size_t n, cap;
	__u32 per_kind[FT_CORR_KIND_MAX];
};

void ft_correlation_free(struct ft_correlation *c);

#endif /* FLUXTRACE_MODEL_HOSTS_H */
