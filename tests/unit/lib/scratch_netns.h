/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A private network namespace for one test (criterion runs each test in
 * its own process), so host-facts tests set sysctls, interfaces, routes
 * and rules on the real kernel without touching the machine's own.
 */
#ifndef FLUXTRACE_TEST_SCRATCH_NETNS_H
#define FLUXTRACE_TEST_SCRATCH_NETNS_H

/* Enters a new network namespace, or skips the test (not root, no netns). */
void scratch_netns(void);
/* Runs a shell command in it; the test fails unless it succeeds. */
void scratch_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes VALUE to /proc/sys/net/ipv4/conf/DEV/NAME. */
void scratch_conf(const char *dev, const char *name, int value);

#endif /* FLUXTRACE_TEST_SCRATCH_NETNS_H */
