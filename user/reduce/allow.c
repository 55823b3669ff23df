// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "common/format.h"
#include "reduce/allow.h"

static bool parse_allow(const char *s, struct ft_allow *a)
{
	char addr[64];
	const char *slash;
	unsigned long plen;
	char *end;

	memset(a, 0, sizeof(*a));
	if (!s)
		return false;
	if (!ft_parse_mac(s, a->mac)) {
		a->is_mac = 1;
		return true;
	}
	slash = strchr(s, '/');
	if (snprintf(addr, sizeof(addr), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s) >=
	    (int)sizeof(addr))
		return false;
	if (inet_pton(AF_INET, addr, a->ip) == 1) {
		a->family = FT_FAMILY_IPV4;
		a->plen = 32;
	} else if (inet_pton(AF_INET6, addr, a->ip) == 1) {
		a->family = FT_FAMILY_IPV6;
		a->plen = 128;
	} else {
		return false;
	}
	if (slash) {
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || plen > a->plen)
			return false;
		a->plen = plen;
	}
	return true;
}

bool ft_allow_valid(const char *s)
{
	struct ft_allow a;

	return parse_allow(s, &a);
}

bool ft_allow_add(struct ft_allowlist *l, const char *s)
{
	if (l->n == FT_ALLOW_MAX || !parse_allow(s, &l->v[l->n]))
		return false;
	l->n++;
	return true;
}

static bool prefix_match(const __u8 *a, const __u8 *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes))
		return false;
	if (!bits)
		return true;
	return ((a[bytes] ^ b[bytes]) & (0xff00 >> bits)) == 0;
}

bool ft_allowed_ip(const struct ft_allowlist *l, __u8 family, const __u8 *ip)
{
	for (__u32 i = 0; i < l->n; i++)
		if (!l->v[i].is_mac && l->v[i].family == family &&
		    prefix_match(l->v[i].ip, ip, l->v[i].plen))
			return true;
	return false;
}

bool ft_allowed_mac(const struct ft_allowlist *l, const __u8 *mac)
{
	for (__u32 i = 0; i < l->n; i++)
		if (l->v[i].is_mac && !memcmp(l->v[i].mac, mac, 6))
			return true;
	return false;
}
