/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Addresses written as text in the reducer's tests, asserted well formed. */
#ifndef FLUXTRACE_TEST_RECORDS_H
#define FLUXTRACE_TEST_RECORDS_H

#include <linux/types.h>

/* "aa:bb:cc:dd:ee:ff" (the loader's own parser, ft_parse_mac). */
void rec_mac(const char *s, __u8 mac[6]);
/* IPv4 or IPv6 into 16 bytes; returns the enum ft_family. */
__u8 rec_ip(const char *s, __u8 ip[16]);

#endif /* FLUXTRACE_TEST_RECORDS_H */
