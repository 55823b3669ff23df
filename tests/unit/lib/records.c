// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <criterion/criterion.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "common/format.h"
#include "lib/records.h"

void rec_mac(const char *s, __u8 mac[6])
{
	cr_assert_eq(ft_parse_mac(s, mac), 0, "bad MAC '%s' in a test", s);
}

__u8 rec_ip(const char *s, __u8 ip[16])
{
	memset(ip, 0, 16);
	if (strchr(s, ':')) {
		cr_assert_eq(inet_pton(AF_INET6, s, ip), 1, "bad IPv6 '%s' in a test", s);
		return FT_FAMILY_IPV6;
	}
	cr_assert_eq(inet_pton(AF_INET, s, ip), 1, "bad IPv4 '%s' in a test", s);
	return FT_FAMILY_IPV4;
}
