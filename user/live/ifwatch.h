/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Interface churn while tracing: rtnetlink link notifications. */
#ifndef FLUXTRACE_IFWATCH_H
#define FLUXTRACE_IFWATCH_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>

struct ft_link_change {
	int ifindex;
	char name[IF_NAMESIZE];
	__u8 mac[6];		/* IFLA_ADDRESS; all zero: none (or not Ethernet) */
	bool up;		/* IFF_UP and not loopback */
	bool removed;		/* RTM_DELLINK */
};

/* A non-blocking socket subscribed to link changes in this netns. */
int ft_ifwatch_open(void);
/* Calls fn for each pending change; returns 0 when nothing is left, or
 * -ENOBUFS when the kernel dropped notifications (resync with a dump). */
int ft_ifwatch_read(int fd, void (*fn)(void *ctx, const struct ft_link_change *c), void *ctx);

/* Calls fn for every link of this netns, as if each had just changed.
 * Returns 0 or -errno. */
int ft_ifwatch_dump(void (*fn)(void *ctx, const struct ft_link_change *c), void *ctx);

#endif /* FLUXTRACE_IFWATCH_H */
