// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "common/format.h"

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

/* Exactly six two-digit hex bytes separated by ':' or '-'. */
int ft_parse_mac(const char *s, __u8 mac[6])
{
	unsigned int b[6];
	char sep[5], end;

	if (strlen(s) != 17)
		return -1;
	if (sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &b[0], &sep[0], &b[1], &sep[1], &b[2],
		   &sep[2], &b[3], &sep[3], &b[4], &sep[4], &b[5], &end) != 11)
		return -1;
	for (int i = 0; i < 5; i++)
		if (sep[i] != ':' && sep[i] != '-')
			return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}
