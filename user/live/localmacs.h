/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The MAC of every link of this network namespace, traced or not, kept in
 * the kernel (ft_local_macs): a frame for a macvlan child, a VLAN device,
 * ipvlan's shared MAC or a bridge or bond master is this host's traffic
 * wherever it comes in. Follows links as they come, go and change MAC. */
#ifndef FLUXTRACE_LOCALMACS_H
#define FLUXTRACE_LOCALMACS_H

#include <stdbool.h>
#include <linux/types.h>

struct ft_localmacs;

/* map_fd: ft_local_macs. NULL when out of memory. */
struct ft_localmacs *ft_localmacs_new(int map_fd);
void ft_localmacs_free(struct ft_localmacs *lm);
/* Link ifindex has this MAC now; an all-zero MAC or removed: it has none. A
 * MAC leaves the kernel's set only when no link has it any more. */
void ft_localmacs_set(struct ft_localmacs *lm, int ifindex, const __u8 mac[6], bool removed);
/* Every link of the namespace again (at start, and after missed
 * notifications). Returns 0 or -errno. */
int ft_localmacs_sync(struct ft_localmacs *lm);
/* How many distinct MACs the kernel's set holds. */
size_t ft_localmacs_count(const struct ft_localmacs *lm);

#endif /* FLUXTRACE_LOCALMACS_H */
