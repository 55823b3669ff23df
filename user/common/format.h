/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Text forms of addresses, MACs, protocols and times, shared by every renderer. */
#ifndef FLUXTRACE_FORMAT_H
#define FLUXTRACE_FORMAT_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#define FT_IP_STRLEN 46		/* INET6_ADDRSTRLEN */
#define FT_MAC_STRLEN 18
#define FT_TIME_STRLEN 64

/* family is enum ft_family; the IPv4 address is in the first 4 bytes. */
const char *ft_fmt_ip(__u8 family, const __u8 addr[16], char buf[FT_IP_STRLEN]);
const char *ft_fmt_mac(const __u8 mac[6], char buf[FT_MAC_STRLEN]);
/* "tcp", "udp", "icmp", "icmpv6", or the number. */
const char *ft_fmt_proto(__u8 proto, char buf[8]);
/* CLOCK_MONOTONIC ns + offset as RFC 3339 UTC with microseconds. */
const char *ft_fmt_rfc3339(__u64 mono_ns, __s64 mono_to_wall_ns, char buf[FT_TIME_STRLEN]);
/* Local time of day, HH:MM:SS.uuuuuu. */
const char *ft_fmt_clock(__u64 mono_ns, __s64 mono_to_wall_ns, char buf[FT_TIME_STRLEN]);
/* Parses "aa:bb:cc:dd:ee:ff" (or with "-"); 0 on success, -1 otherwise. */
int ft_parse_mac(const char *s, __u8 mac[6]);

/* Append a printf to buf at *off, never past len. */
#define FT_APPEND(buf, len, off, ...)                                                \
	do {                                                                        \
		int n_ = snprintf((buf) + (off), (off) < (len) ? (len) - (off) : 0, \
				  __VA_ARGS__);                                     \
		if (n_ > 0)                                                         \
			(off) += (size_t)n_;                                        \
	} while (0)

#endif /* FLUXTRACE_FORMAT_H */
