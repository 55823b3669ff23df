/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One name per thing. Every name fluxtrace prints — in the text report,
 * JSON, metrics labels, --events and --check — comes from a table here,
 * so a hook is "tc_ingress" everywhere. The JSON names are a contract:
 * add, never rename.
 */
#ifndef FLUXTRACE_NAMES_H
#define FLUXTRACE_NAMES_H

#include <stdbool.h>

/* The finding kinds, worst first (the order of the text report). */
enum ft_finding_kind {
	FT_KIND_DUPLICATE_IP,
	FT_KIND_RETURN_PATH_MISMATCH,
	FT_KIND_FLIP_FLOP,
	FT_KIND_UNRESOLVED_NEIGHBOR,
	FT_KIND_ONE_WAY,
	FT_KIND_LOCAL_FLUX,
	FT_KIND_NEXT_HOP_MISMATCH,
	FT_KIND_MULTIPATH,
	FT_KIND_MAC_CHANGED,
	FT_KIND_MAX,
};

/* Why a finding is listed but not alarmed on. */
enum ft_class {
	FT_CLASS_NONE,
	FT_CLASS_VRRP,
	FT_CLASS_PROXY_ARP,
	FT_CLASS_NLB,
	FT_CLASS_ALLOWED,
};

enum ft_oneway_reason {
	FT_OW_NONE,
	FT_OW_SYN,		/* TCP SYN never answered */
	FT_OW_MIDSTREAM,	/* TCP seen mid-stream in one direction */
	FT_OW_ECHO,		/* ICMP echo never answered */
	FT_OW_UDP,		/* UDP request without response */
	FT_OW_REPLY_ONLY,	/* only the answering direction seen */
	/* The stack dropped that direction and it never got through. */
	FT_OW_REQUEST_DROPPED_RPF,
	FT_OW_REQUEST_DROPPED_NF,
	FT_OW_REPLY_DROPPED_RPF,
	FT_OW_REPLY_DROPPED_NF,
};

/* duplicate_ip: who the claiming MACs belong to ("owners" in JSON). */
enum ft_dup_verdict {
	FT_DUP_SEVERAL_OWNERS,
	FT_DUP_ONE_HOST,
};

/* enum ft_hook: "xdp", "tc_ingress", "tc_egress", "neigh". */
const char *ft_hook_name(unsigned int hook);
/* enum ft_counter: "packets", "ringbuf_full", ...; "unknown" out of range. */
const char *ft_counter_name(unsigned int counter);
/* "return_path_mismatch", ...; NULL out of range. */
const char *ft_kind_name(unsigned int kind);
/* The kind of that name, or -1. */
int ft_kind_by_name(const char *name);
/* Asymmetry kinds go in the "asymmetry" list, the others in "arp_flux". */
bool ft_kind_is_asymmetry(unsigned int kind);
/* "asymmetry" or "arp_flux": the report list (and metrics label) of a kind. */
const char *ft_kind_report(unsigned int kind);
const char *ft_class_name(unsigned int cls);
const char *ft_oneway_reason_name(unsigned int reason);
/* enum ft_drop_reason: "rp_filter", "netfilter", "neigh_failed", ... */
const char *ft_drop_reason_name(unsigned int reason);
/* enum ft_dup_verdict: "one_host", "several". */
const char *ft_owners_name(unsigned int verdict);

/* A finding's lifecycle (--window): "active", "resolved". Without a
 * window every finding of the run counts, and is named active. */
enum ft_state {
	FT_STATE_NONE,
	FT_STATE_ACTIVE,	/* evidence newer than the window */
	FT_STATE_RESOLVED,	/* nothing renewed it for the window */
};
const char *ft_state_name(unsigned int state);

/* Which end of a grouped asymmetry finding's flows this host is:
 * "server" (requests came in, or passed through) or "client" (they only
 * left). */
enum ft_role {
	FT_ROLE_SERVER,
	FT_ROLE_CLIENT,
};
const char *ft_role_name(unsigned int role);
/* Bit i of a duplicate_ip's evidence (FT_EVID_* in model/model.h):
 * "same_vendor", ...; NULL out of range. */
const char *ft_evidence_name(unsigned int bit);

/* ---- correlated findings: the report group "correlated" ----
 * Made by joining the traces of several hosts (reduce/join.c), worst
 * first; the names are kinds like the per-host ones. */
enum ft_corr_kind {
	FT_CORR_NAT_RETURN_BYPASS,	/* a DNAT's real server answers around the balancer */
	FT_CORR_RETURN_PATH_AROUND,	/* a flow's replies avoid a host or link its requests took */
	FT_CORR_DUPLICATE_IP_OWNERS,	/* traced hosts that all claim one address */
	FT_CORR_ARP_FLUX_EXPLAINED,	/* one traced host answering with several MACs */
	FT_CORR_KIND_MAX,
};

/* A host's part in a correlated finding. */
enum ft_corr_role {
	FT_CORR_ROLE_CLIENT,
	FT_CORR_ROLE_BALANCER,
	FT_CORR_ROLE_SERVER,
	FT_CORR_ROLE_BYPASSED,	/* on the request path, never saw a reply */
	FT_CORR_ROLE_OBSERVER,	/* saw the duplicate or flapping address */
	FT_CORR_ROLE_OWNER,		/* its own interfaces claim the address */
	FT_CORR_ROLE_MAX,
};

/* "nat_return_bypass", ...; NULL out of range. */
const char *ft_corr_kind_name(unsigned int kind);
/* "correlated": the report list of every correlated kind. */
#define FT_CORR_REPORT "correlated"
/* "client", "balancer", ... */
const char *ft_corr_role_name(unsigned int role);

#endif /* FLUXTRACE_NAMES_H */
