// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include "fluxtrace.skel.h"
#include "common/log.h"
#include "live/features.h"
#include "live/load.h"
#include "live/scope.h"

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
