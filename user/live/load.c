// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include "fluxtrace.skel.h"
#include "common/log.h"
#include "live/features.h"
#include "live/load.h"
#include "live/scope.h"

/*
 * IPv6 frees the packets of a failed resolution without a drop reason
 * (ndisc_error_report's plain kfree_skb, a tail call, so the drop's
 * location is in it or in its caller neigh_invalidate, which only frees
 * packets of a failed entry without a reason there). Their addresses, from
 * /proc/kallsyms, let the drop probe tell those from other unexplained
 * drops. Ranges stay 0 (never matched) when the symbols are hidden.
 */
static void kernel_ranges(struct fluxtrace_bpf *skel)
{
	static const char *const names[2] = { "ndisc_error_report", "neigh_invalidate" };
	unsigned long long start[2] = { 0, 0 }, end[2] = { ~0ULL, ~0ULL }, a;
	char line[256], type, name[128];
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return;
	/* Two passes: the starts, then the nearest symbol after each. */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %127s", &a, &type, name) == 3 && a && !strchr(line, '['))
			for (int i = 0; i < 2; i++)
				if (!strcmp(name, names[i]))
					start[i] = a;
	rewind(f);
	while (start[0] && start[1] && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %127s", &a, &type, name) == 3)
			for (int i = 0; i < 2; i++)
				if (a > start[i] && a < end[i])
					end[i] = a;
	fclose(f);
	if (!start[0] || !start[1] || end[0] == ~0ULL || end[1] == ~0ULL) {
		pr_debug("kernel symbols hidden: IPv6 failed-resolution drops not attributed\n");
		return;
	}
	for (int i = 0; i < 2; i++) {
		skel->rodata->ft_neigh_fail_lo[i] = start[i];
		skel->rodata->ft_neigh_fail_hi[i] = end[i];
	}
}

int ft_load(__u32 max_flows, __u32 ringbuf_size, const struct ft_scope *scope,
	    struct fluxtrace_bpf **out)
{
	struct fluxtrace_bpf *skel;
	struct stat ns;
	int err;

	skel = fluxtrace_bpf__open();
	if (!skel) {
		err = -errno;
		pr_warn("cannot open the BPF object: %s\n", strerror(-err));
		return err;
	}
	/* Neighbour tracepoints fire for every namespace: keep ours. */
	if (!stat("/proc/self/ns/net", &ns))
		skel->rodata->ft_netns_ino = ns.st_ino;
	skel->rodata->ft_rb_wakeup_bytes = ringbuf_size / 8;
	kernel_ranges(skel);
	bpf_map__set_max_entries(skel->maps.ft_flows, max_flows);
	bpf_map__set_max_entries(skel->maps.ft_events, ringbuf_size);
	ft_scope_set_rodata(skel, scope);
	/* Multi-buffer XDP (5.18+) keeps veth GSO on; older kernels refuse the flag. */
	if (!ft_feat_xdp_frags())
		bpf_program__set_flags(skel->progs.ft_xdp, bpf_program__flags(skel->progs.ft_xdp) &
								   ~BPF_F_XDP_HAS_FRAGS);

	err = fluxtrace_bpf__load(skel);
	if (err) {
		if (err == -EPERM || err == -EACCES)
			pr_warn("the kernel refused the BPF programs (%s): run as root or with "
				"CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN ('fluxtrace --check')\n",
				strerror(-err));
		else
			pr_warn("cannot load the BPF programs: %s%s\n", strerror(-err),
				ft_log_level < FT_LOG_DEBUG ? " (run with -v for the verifier log)"
							    : "");
		fluxtrace_bpf__destroy(skel);
		return err;
	}
	err = ft_scope_fill_maps(skel, scope);
	if (err) {
		pr_warn("cannot fill the --filter prefixes: %s\n", strerror(-err));
		fluxtrace_bpf__destroy(skel);
		return err;
	}
	*out = skel;
	return 0;
}
