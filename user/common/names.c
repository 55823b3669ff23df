// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stddef.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include <string.h>
#include "common/names.h"

#define NAME_OF(table, i, none) \
	((i) < sizeof(table) / sizeof((table)[0]) && (table)[i] ? (table)[i] : (none))

const char *ft_hook_name(unsigned int hook)
{
	static const char *const names[] = {
		[FT_HOOK_XDP] = "xdp",
		[FT_HOOK_TC_INGRESS] = "tc_ingress",
		[FT_HOOK_TC_EGRESS] = "tc_egress",
		[FT_HOOK_NEIGH] = "neigh",
	};

	return NAME_OF(names, hook, "?");
}

const char *ft_counter_name(unsigned int counter)
{
	static const char *const names[FT_CNT_MAX] = {
		[FT_CNT_PACKETS] = "packets",
		[FT_CNT_RINGBUF_FULL] = "ringbuf_full",
		[FT_CNT_FLOW_MAP_FULL] = "flow_map_full",
		[FT_CNT_ARP_MAP_FULL] = "arp_map_full",
		[FT_CNT_MALFORMED] = "malformed",
		[FT_CNT_NON_IP] = "non_ip",
		[FT_CNT_ICMP_UNMATCHED] = "icmp_unmatched",
		[FT_CNT_ARP_FOLDED] = "arp_folded",
		[FT_CNT_NEIGH_OTHER_NETNS] = "neigh_other_netns",
		[FT_CNT_FRAGMENTS] = "fragments",
		[FT_CNT_NONLINEAR] = "nonlinear",
		[FT_CNT_OTHERHOST] = "other_host",
		[FT_CNT_OUT_OF_SCOPE] = "out_of_scope",
	};

	return NAME_OF(names, counter, "unknown");
}

int ft_kind_by_name(const char *name)
{
	for (unsigned int k = 0; k < FT_KIND_MAX; k++)
		if (!strcmp(name, ft_kind_name(k)))
			return k;
	return -1;
}

const char *ft_kind_name(unsigned int kind)
{
	static const char *const names[FT_KIND_MAX] = {
		[FT_KIND_DUPLICATE_IP] = "duplicate_ip",
		[FT_KIND_RETURN_PATH_MISMATCH] = "return_path_mismatch",
		[FT_KIND_FLIP_FLOP] = "flip_flop",
		[FT_KIND_UNRESOLVED_NEIGHBOR] = "unresolved_neighbor",
		[FT_KIND_ONE_WAY] = "one_way",
		[FT_KIND_LOCAL_FLUX] = "local_flux",
		[FT_KIND_NEXT_HOP_MISMATCH] = "next_hop_mismatch",
		[FT_KIND_MULTIPATH] = "multipath",
		[FT_KIND_MAC_CHANGED] = "mac_changed",
	};

	return NAME_OF(names, kind, NULL);
}

bool ft_kind_is_asymmetry(unsigned int kind)
{
	return kind == FT_KIND_RETURN_PATH_MISMATCH || kind == FT_KIND_NEXT_HOP_MISMATCH ||
	       kind == FT_KIND_ONE_WAY || kind == FT_KIND_MULTIPATH;
}

const char *ft_kind_report(unsigned int kind)
{
	return ft_kind_is_asymmetry(kind) ? "asymmetry" : "arp_flux";
}

const char *ft_class_name(unsigned int cls)
{
	static const char *const names[] = {
		[FT_CLASS_NONE] = "none",
		[FT_CLASS_VRRP] = "vrrp",
		[FT_CLASS_PROXY_ARP] = "proxy_arp",
		[FT_CLASS_NLB] = "nlb",
		[FT_CLASS_ALLOWED] = "allowed",
	};

	return NAME_OF(names, cls, "none");
}

const char *ft_oneway_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[FT_OW_NONE] = "none",
		[FT_OW_SYN] = "syn_unanswered",
		[FT_OW_MIDSTREAM] = "mid_stream",
		[FT_OW_ECHO] = "echo_unanswered",
		[FT_OW_UDP] = "udp_unanswered",
		[FT_OW_REPLY_ONLY] = "reply_only",
		[FT_OW_REQUEST_DROPPED_RPF] = "request_dropped_rp_filter",
		[FT_OW_REQUEST_DROPPED_NF] = "request_dropped_netfilter",
		[FT_OW_REPLY_DROPPED_RPF] = "reply_dropped_rp_filter",
		[FT_OW_REPLY_DROPPED_NF] = "reply_dropped_netfilter",
	};

	return NAME_OF(names, reason, "none");
}

const char *ft_drop_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[FT_DROP_RPFILTER] = "rp_filter",
		[FT_DROP_NETFILTER] = "netfilter",
		[FT_DROP_NEIGH_FAILED] = "neigh_failed",
		[FT_DROP_NEIGH_QUEUEFULL] = "neigh_queuefull",
		[FT_DROP_NEIGH_CREATEFAIL] = "neigh_createfail",
		[FT_DROP_NEIGH_DEAD] = "neigh_dead",
	};

	return NAME_OF(names, reason, "other");
}

const char *ft_owners_name(unsigned int verdict)
{
	return verdict == FT_DUP_ONE_HOST ? "one_host" : "several";
}

const char *ft_state_name(unsigned int state)
{
	return state == FT_STATE_RESOLVED ? "resolved" : "active";
}

const char *ft_role_name(unsigned int role)
{
	return role == FT_ROLE_CLIENT ? "client" : "server";
}

const char *ft_evidence_name(unsigned int bit)
{
	static const char *const names[] = {
		"same_vendor",		/* FT_EVID_SAME_OUI */
		"locally_administered", /* FT_EVID_LOCAL_ADMIN */
		"shared_addresses",	/* FT_EVID_SHARED_IPS */
		"gratuitous_several",	/* FT_EVID_GRAT_SEVERAL */
		"this_host_and_another", /* FT_EVID_LOCAL_AND_REMOTE */
		"unsolicited_replies",	/* FT_EVID_UNSOLICITED */
		"neighbour_flip",	/* FT_EVID_NEIGH_FLIP */
	};

	return bit < sizeof(names) / sizeof(names[0]) ? names[bit] : NULL;
}

/* ---- correlated findings ---- */

const char *ft_corr_kind_name(unsigned int kind)
{
	static const char *const names[FT_CORR_KIND_MAX] = {
		[FT_CORR_NAT_RETURN_BYPASS] = "nat_return_bypass",
		[FT_CORR_RETURN_PATH_AROUND] = "return_path_around",
		[FT_CORR_DUPLICATE_IP_OWNERS] = "duplicate_ip_owners",
		[FT_CORR_ARP_FLUX_EXPLAINED] = "arp_flux_explained",
	};

	return NAME_OF(names, kind, NULL);
}

const char *ft_corr_role_name(unsigned int role)
{
	static const char *const names[FT_CORR_ROLE_MAX] = {
		[FT_CORR_ROLE_CLIENT] = "client",
		[FT_CORR_ROLE_BALANCER] = "balancer",
		[FT_CORR_ROLE_SERVER] = "server",
		[FT_CORR_ROLE_BYPASSED] = "bypassed",
		[FT_CORR_ROLE_OBSERVER] = "observer",
		[FT_CORR_ROLE_OWNER] = "owner",
	};

	return NAME_OF(names, role, "?");
}
