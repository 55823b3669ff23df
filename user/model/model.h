/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The data model: what the reducer hands out and everything after it
 * reads. A report is the findings (each with its hint, written when the
 * finding was made), the interface table and the health counters of one
 * moment. Renderers read a report and nothing else; hints read findings
 * and the interface table. Types and small list helpers only: no
 * dependency on how the reducer keeps its state.
 */
#ifndef FLUXTRACE_MODEL_H
#define FLUXTRACE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "common/names.h"

#define FT_NSEC 1000000000ULL

#define FT_MAX_IFACES 1024
#define FT_LIST_MAX 8		/* interfaces or MACs in one finding field */
#define FT_FLOW_ICMP 3		/* distinct ICMP errors kept per flow */
#define FT_FLOW_DROPS 4		/* distinct (reason, side, interface) drops per flow */

/* ---- interfaces ---- */

/* A traced interface as the records describe it (FT_REC_IFACE). */
struct ft_iface_info {
	__u32 ifindex;
	__u32 hooks;		/* FT_HOOKBIT(enum ft_hook) */
	__u8 mac[6];
	__u8 removed;
	char name[FT_IFNAMSIZ];
};

struct ft_iftable {
	struct ft_iface_info v[FT_MAX_IFACES];
	__u32 n;
	__u64 dropped;		/* records past FT_MAX_IFACES */
};

const struct ft_iface_info *ft_iftable_get(const struct ft_iftable *t, __u32 ifindex);
/* Interface name, or "if<N>" for one the tracer never listed. */
const char *ft_iftable_name(const struct ft_iftable *t, __u32 ifindex, char *buf, size_t len);

/* ---- small bounded lists ---- */

struct ft_iflist {
	__u32 n;
	__u32 ifindex[FT_LIST_MAX];
};

struct ft_maclist {
	__u32 n;
	__u8 mac[FT_LIST_MAX][6];
};

void ft_iflist_add(struct ft_iflist *l, __u32 ifindex);
void ft_maclist_add(struct ft_maclist *l, const __u8 *mac);
/* "eth0,eth1" / "aa:..,bb:.." / "-" when empty. */
const char *ft_iflist_str(const struct ft_iftable *t, const struct ft_iflist *l, char *buf,
			  size_t len);
const char *ft_maclist_str(const struct ft_maclist *l, char *buf, size_t len);

/* ---- findings ---- */

struct ft_icmp_note {
	__u8 from[16];
	__u8 type, code, family, side;
};

/* A packet of the flow the stack dropped after a hook saw it. */
struct ft_drop_note {
	__u64 first_ns;
	__u32 ifindex;
	__u8 reason;		/* enum ft_drop_reason */
	__u8 side;		/* enum ft_side that sent the dropped packet */
	__u8 pad[2];
};

/* For a one_way reason: the drop reason behind it (0: none), and whether
 * the request (true) or the reply direction was dropped. */
static inline __u8 ft_oneway_drop_reason(unsigned int reason, bool *request)
{
	*request = reason == FT_OW_REQUEST_DROPPED_RPF || reason == FT_OW_REQUEST_DROPPED_NF;
	switch (reason) {
	case FT_OW_REQUEST_DROPPED_RPF:
	case FT_OW_REPLY_DROPPED_RPF:
		return FT_DROP_RPFILTER;
	case FT_OW_REQUEST_DROPPED_NF:
	case FT_OW_REPLY_DROPPED_NF:
		return FT_DROP_NETFILTER;
	}
	return 0;
}

/* unresolved_neighbor: one flow whose packets the stack dropped while
 * they waited for the neighbour (they never reached an interface). */
#define FT_UNRES_FLOWS 4
struct ft_unres_flow {
	__u8 family, proto;
	__u8 reason;		/* enum ft_drop_reason, FT_DROP_NEIGH_*: the first seen */
	__u8 via_gateway;	/* 1: the neighbour is the route's gateway, not dst */
	__u8 src[16], dst[16];
	__u16 sport, dport;
	__u32 drops;
};

/* ft_finding.mac_evidence: what the wire showed about a duplicate_ip's
 * MACs (names in common/names.c, "evidence" in JSON). Only SHARED_IPS
 * speaks for one host; SAME_OUI and LOCAL_ADMIN describe the MACs and
 * decide nothing (a spoofer's MAC is as locally administered as a VM's). */
#define FT_EVID_SAME_OUI 0x01		/* all universal, one vendor prefix */
#define FT_EVID_LOCAL_ADMIN 0x02	/* all locally administered */
#define FT_EVID_SHARED_IPS 0x04		/* they also answer together for another IP */
#define FT_EVID_GRAT_SEVERAL 0x08	/* two or more announced it (gratuitous) */
#define FT_EVID_LOCAL_AND_REMOTE 0x10	/* this host and another claim it */
#define FT_EVID_UNSOLICITED 0x20	/* replies for it nobody had asked for */
#define FT_EVID_NEIGH_FLIP 0x40		/* a neighbour entry went back and forth among them */
#define FT_EVID_BITS 7

/* ft_finding.got_through: that direction reached its socket at least once. */
#define FT_GOT_REQUEST 0x01
#define FT_GOT_REPLY 0x02

/* One member flow of a grouped asymmetry finding (ft_finding.samples). */
#define FT_GROUP_SAMPLES 5
struct ft_sample {
	__u8 client_ip[16], server_ip[16];
	__u16 client_port, server_port;
	__u64 pkts_req, pkts_rep;
	__u64 first_ns, last_ns;
};

/*
 * A finding is a group: every flow (asymmetry) or every claim (ARP flux)
 * with one grouping key, told by its worst member. The member fields
 * (client, server, paths, ICMP, drops) are the worst member's; the
 * interface and MAC lists are the union over the members; the packet
 * counts, flows, peers and times cover them all (reduce/README.md).
 */
struct ft_finding {
	__u8 kind;		/* enum ft_finding_kind */
	__u8 cls;		/* enum ft_class */
	__u8 reason;		/* one_way: ft_oneway_reason; duplicate_ip: ft_dup_verdict */
	__u8 family;		/* enum ft_family */
	__u8 proto;
	__u8 client_side;
	__u8 n_icmp;
	__u8 mac_evidence;	/* duplicate_ip: FT_EVID_* */
	__u64 first_ns, last_ns;
	__u64 weight;		/* orders findings of a kind: most first */
	const char *hint;	/* one sentence, set by the reducer; never NULL in a report */
	/* asymmetry */
	__u8 client_ip[16], server_ip[16];
	__u16 client_port, server_port;
	__u8 tcp_flags[2];	/* per enum ft_side, all seen */
	__u8 got_through;	/* FT_GOT_* */
	struct ft_iflist req_in, req_out, rep_in, rep_out;
	struct ft_maclist req_src, req_dst, rep_src, rep_dst;
	__u64 pkts_req, pkts_rep;
	struct ft_icmp_note icmp[FT_FLOW_ICMP];
	__u8 n_drops;
	struct ft_drop_note drops[FT_FLOW_DROPS];
	__u8 multi_dir;		/* multipath: bit 0 request, bit 1 reply */
	/* arp_flux */
	__u8 ip[16];
	struct ft_maclist macs;
	struct ft_iflist ifaces;
	__u32 changes;
	__u32 co_answers;
	/* duplicate_ip: MACs that announced the IP themselves (gratuitous ARP,
	 * unsolicited NA or reply), and MACs that used it as the sender of
	 * their own requests. */
	struct ft_maclist announced_by, used_by;
	/* unresolved_neighbor (ip, ifaces, first_ns/last_ns above) */
	__u32 requests;		/* ARP requests / NS sent without an answer */
	__u8 neigh_failed;	/* the entry went FAILED (resolution gave up) */
	__u8 n_unres_flows;
	__u32 unres_flows_total; /* distinct flows with packets dropped */
	__u64 unres_drops;	/* packets dropped waiting for it (at least) */
	struct ft_unres_flow unres_flows[FT_UNRES_FLOWS];
	/* the group */
	__u64 id;		/* stable: a hash of the grouping key */
	__u64 evidence_ns;	/* the newest evidence: what --window looks at */
	__u8 state;		/* enum ft_state */
	__u8 role;		/* enum ft_role (asymmetry) */
	__u8 n_samples;
	__u32 flows;		/* member flows (asymmetry; 1 for ARP flux) */
	__u32 peers;		/* distinct remote addresses among the members */
	struct ft_sample samples[FT_GROUP_SAMPLES]; /* the worst members, worst first */
};

/* Findings sorted worst first: by kind, alarms before look-alikes, then
 * weight. At most FT_MAX_FINDINGS_PER_KIND of each are kept, the rest
 * counted in over[][]. */
#define FT_MAX_FINDINGS_PER_KIND 1000

struct ft_findings {
	struct ft_finding *v;
	size_t n, cap;
	__u32 per_kind[FT_KIND_MAX];	/* alarmed, before truncation */
	__u32 classified;
	__u64 truncated;
	__u32 active[FT_KIND_MAX];	/* alarmed and active (--window), kept or not */
	__u32 over[FT_KIND_MAX][2];	/* trimmed away: [kind][classified] */
	char *hints;			/* the findings' hint strings */
};

/* ---- a report ---- */

/* How complete the picture is: what was seen and what was lost. */
struct ft_health {
	bool have_time;
	__u64 first_ns, now_ns;	/* the span of the run, in event time */
	__u64 window_ns;	/* --window: 0, none */
	__u64 flows_seen;
	__u64 events, bad_records;
	__u64 lost_events;	/* ring buffer or maps full, reducer bounds */
	__u64 reducer_dropped;	/* records the reducer's bounds refused */
	__u64 flows_evicted, paths_dropped, macs_dropped;
	struct ft_counters_record counters;	/* the kernel's, newest snapshot */
};

struct ft_report {
	struct ft_findings findings;
	const struct ft_iftable *ifaces;	/* the reducer's: valid while it lives */
	struct ft_health health;
};

void ft_report_free(struct ft_report *rep);

#endif /* FLUXTRACE_MODEL_H */
