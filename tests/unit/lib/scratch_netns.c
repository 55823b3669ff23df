// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A private network namespace for one test (scratch_netns.h). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/scratch_netns.h"

void scratch_netns(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root for a network namespace");
	if (unshare(CLONE_NEWNET))
		cr_skip_test("no network namespace: %s", strerror(errno));
	scratch_sh("ip link set lo up");
}

void scratch_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	cr_assert_eq(rc, 0, "'%s' failed (status %d)", cmd, rc);
}

void scratch_conf(const char *dev, const char *name, int value)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", dev, name);
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fprintf(f, "%d\n", value);
	cr_assert_eq(fclose(f), 0, "%s: %s", path, strerror(errno));
}
