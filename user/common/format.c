// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "format.h"

const char *ft_fmt_ip(__u8 family, const __u8 addr[16], char buf[FT_IP_STRLEN])
{
	if (!inet_ntop(family == FT_FAMILY_IPV6 ? AF_INET6 : AF_INET, addr, buf, FT_IP_STRLEN))
		snprintf(buf, FT_IP_STRLEN, "?");
	return buf;
}

const char *ft_fmt_mac(const __u8 m[6], char buf[FT_MAC_STRLEN])
{
	snprintf(buf, FT_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
	return buf;
}

const char *ft_fmt_proto(__u8 proto, char buf[8])
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	}
	snprintf(buf, 8, "%u", proto);
	return buf;
}

const char *ft_fmt_hook(__u8 hook)
{
	switch (hook) {
	case FT_HOOK_XDP:
		return "xdp";
	case FT_HOOK_TC_INGRESS:
		return "tc-ingress";
	case FT_HOOK_TC_EGRESS:
		return "tc-egress";
	case FT_HOOK_NEIGH:
		return "neigh";
	}
	return "?";
}

static void wall_of(__u64 mono_ns, __s64 offset, time_t *sec, long *usec)
{
	__s64 wall = (__s64)mono_ns + offset;

	*sec = wall / 1000000000LL;
	*usec = (wall % 1000000000LL) / 1000;
}

const char *ft_fmt_rfc3339(__u64 mono_ns, __s64 mono_to_wall_ns, char buf[FT_TIME_STRLEN])
{
	struct tm tm;
	time_t sec;
	long usec;

	wall_of(mono_ns, mono_to_wall_ns, &sec, &usec);
	gmtime_r(&sec, &tm);
	snprintf(buf, FT_TIME_STRLEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	return buf;
}

const char *ft_fmt_clock(__u64 mono_ns, __s64 mono_to_wall_ns, char buf[FT_TIME_STRLEN])
{
	struct tm tm;
	time_t sec;
	long usec;

	wall_of(mono_ns, mono_to_wall_ns, &sec, &usec);
	localtime_r(&sec, &tm);
	snprintf(buf, FT_TIME_STRLEN, "%02d:%02d:%02d.%06ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 usec);
	return buf;
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
	};

	return counter < FT_CNT_MAX && names[counter] ? names[counter] : "unknown";
}

int ft_parse_mac(const char *s, __u8 mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}
