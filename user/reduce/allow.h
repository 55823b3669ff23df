/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The allow-list (--allow): addresses, prefixes and MACs never alarmed on. */
#ifndef FLUXTRACE_ALLOW_H
#define FLUXTRACE_ALLOW_H

#include <stdbool.h>
#include <linux/types.h>

#define FT_ALLOW_MAX 64

struct ft_allow {
	__u8 is_mac;
	__u8 family;
	__u8 plen;
	__u8 mac[6];
	__u8 ip[16];
};

struct ft_allowlist {
	struct ft_allow v[FT_ALLOW_MAX];
	__u32 n;
};

/* Adds an IPv4/IPv6 address or prefix, or a MAC; false when s is none of
 * them or the list is full. */
bool ft_allow_add(struct ft_allowlist *l, const char *s);
bool ft_allow_valid(const char *s);
bool ft_allowed_ip(const struct ft_allowlist *l, __u8 family, const __u8 *ip);
bool ft_allowed_mac(const struct ft_allowlist *l, const __u8 *mac);

#endif /* FLUXTRACE_ALLOW_H */
