// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Feature checks. The minimum kernel is 5.11: BPF ring buffers (5.8), XDP
 * links (5.9) and bpf_ktime_get_coarse_ns (5.11). tcx (6.6) is optional:
 * without it tc programs go through clsact + cls_bpf.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "attach.h"
#include "check.h"
#include "log.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

/* NULL when allowed, else what is missing. */
static const char *missing_privileges(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d))
		return "capabilities unknown";
	if (has_cap(d, CAP_SYS_ADMIN) && has_cap(d, CAP_NET_ADMIN))
		return NULL;
	if (has_cap(d, CAP_BPF) && has_cap(d, CAP_PERFMON) && has_cap(d, CAP_NET_ADMIN))
		return NULL;
	return "needs root (or CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)";
}

static bool has_btf(void)
{
	return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

/* The first missing minimum feature, or NULL. */
static const char *missing_feature(void)
{
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1)
		return "BPF ring buffers (5.8)";
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_coarse_ns, NULL) != 1)
		return "bpf_ktime_get_coarse_ns (5.11)";
	return NULL;
}

int ft_preflight(void)
{
	const char *what = missing_privileges();
	struct utsname u;

	uname(&u);
	if (what) {
		pr_warn("%s to load BPF programs; run with sudo\n", what);
		return -1;
	}
	if (!has_btf()) {
		pr_warn("kernel %s has no BTF (/sys/kernel/btf/vmlinux): fluxtrace needs a kernel "
			"built with CONFIG_DEBUG_INFO_BTF=y\n", u.release);
		return -1;
	}
	what = missing_feature();
	if (what) {
		pr_warn("kernel %s is too old: it lacks %s; fluxtrace needs 5.11 or newer\n",
			u.release, what);
		return -1;
	}
	return 0;
}

static bool has_tracepoint(struct btf *vmlinux, const char *name)
{
	char type[128];

	snprintf(type, sizeof(type), "btf_trace_%s", name);
	return vmlinux && btf__find_by_name_kind(vmlinux, type, BTF_KIND_TYPEDEF) > 0;
}

/* A loaded do-nothing tc program, for the tcx probe. */
static int load_probe_tc_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = -1 },	/* r0 = -1 (TC_ACT_UNSPEC) */
		{ .code = 0x95 },				/* exit */
	};

	return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "ft_probe", "GPL", insns, 2, NULL);
}

static void check_ifaces(void)
{
	struct if_nameindex *all = if_nameindex(), *i;

	printf("interfaces:\n");
	for (i = all; i && i->if_index; i++) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);
		char xdp[96] = "XDP free";

		if (!bpf_xdp_query(i->if_index, 0, &q) && q.prog_id) {
			struct bpf_prog_info info = {};
			__u32 len = sizeof(info);
			int fd = bpf_prog_get_fd_by_id(q.prog_id);

			if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
				snprintf(xdp, sizeof(xdp), "XDP in use by program %u (%s): "
					 "ingress traced at tc", q.prog_id, info.name);
			else
				snprintf(xdp, sizeof(xdp), "XDP in use by program %u: ingress "
					 "traced at tc", q.prog_id);
			if (fd >= 0)
				close(fd);
		}
		printf("  %-16s ifindex %-4u %s\n", i->if_name, i->if_index, xdp);
	}
	if (all)
		if_freenameindex(all);
}

int ft_check(void)
{
	const char *priv = missing_privileges(), *feat = NULL;
	struct btf *vmlinux = NULL;
	struct utsname u;
	bool btf = has_btf();
	int ok = 0;

	uname(&u);
	printf("kernel:           %s %s\n", u.release, u.machine);
	printf("privileges:       %s\n", priv ? priv : "ok");
	printf("BTF:              %s\n", btf ? "ok (/sys/kernel/btf/vmlinux)" : "MISSING");
	if (priv || !btf)
		ok = -1;
	if (!priv) {
		feat = missing_feature();
		printf("minimum features: %s%s\n", feat ? "MISSING " : "ok (5.11+)",
		       feat ? feat : "");
		if (feat)
			ok = -1;
	}
	if (btf) {
		vmlinux = btf__load_vmlinux_btf();
		printf("neigh tracepoints:%s\n",
		       has_tracepoint(vmlinux, "neigh_update") &&
				       has_tracepoint(vmlinux, "neigh_update_done")
			       ? " ok (raw tracepoints, no tracefs needed)"
			       : " MISSING (no neighbour-table events; wire ARP still traced)");
		btf__free(vmlinux);
	}
	if (!priv && !feat) {
		int fd = load_probe_tc_prog();

		printf("tc attach:        %s\n",
		       fd < 0			? "unknown (probe program did not load)"
		       : ft_kernel_has_tcx(fd) ? "tcx links (cleaned up by the kernel on exit)"
					       : "clsact + cls_bpf (no tcx before 6.6)");
		if (fd >= 0)
			close(fd);
		check_ifaces();
	}
	printf("verdict:          %s\n", ok ? "fluxtrace cannot trace here" : "ready to trace");
	return ok;
}
