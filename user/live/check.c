// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The checks before tracing (ft_preflight) and --check: privileges and
 * the kernel's features (features.c), said in one line each.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common/format.h"
#include "common/log.h"
#include "live/check.h"
#include "live/features.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#define CAP_BPF 39
#endif

/* What the kernel checks, found by loading and attaching with one missing
 * at a time: without CAP_BPF no map or program loads; without CAP_PERFMON
 * the verifier refuses the programs' kernel reads (EACCES) and the
 * tracepoint programs; without CAP_NET_ADMIN XDP and tc programs neither
 * load nor attach. CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON
 * (root); it is not needed otherwise. */
static const struct {
	int cap;
	const char *name;
	const char *why;
} needed[] = {
	{ CAP_BPF, "CAP_BPF", "to create maps and load programs" },
	{ CAP_PERFMON, "CAP_PERFMON", "to load the tracepoint programs and read kernel memory" },
	{ CAP_NET_ADMIN, "CAP_NET_ADMIN", "to load and attach the XDP and tc programs" },
};

static bool has_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

/* Effective capabilities, or false when the kernel will not say. */
static bool read_caps(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	memset(d, 0, 2 * sizeof(*d));
	return syscall(SYS_capget, &h, d) == 0;
}

static bool cap_ok(const struct __user_cap_data_struct d[2], int cap)
{
	/* CAP_SYS_ADMIN implies CAP_BPF and CAP_PERFMON (5.8+). */
	return has_cap(d, cap) ||
	       ((cap == CAP_BPF || cap == CAP_PERFMON) && has_cap(d, CAP_SYS_ADMIN));
}

/* NULL when allowed, else a line naming what is missing and why. */
static const char *missing_privileges(char *buf, size_t len)
{
	struct __user_cap_data_struct d[2];
	size_t off = 0;

	if (!read_caps(d))
		return "cannot read this process's capabilities";
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (!cap_ok(d, needed[i].cap))
			FT_APPEND(buf, len, off, "%smissing %s (%s)", off ? ", " : "",
				  needed[i].name, needed[i].why);
	return off ? buf : NULL;
}

int ft_preflight(void)
{
	char buf[400];
	const char *what = missing_privileges(buf, sizeof(buf));
	struct utsname u;

	uname(&u);
	if (what) {
		pr_warn("%s; run as root or grant CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN "
			"('fluxtrace --check' lists them)\n", what);
		return -1;
	}
	if (!ft_feat_btf()) {
		pr_warn("kernel %s has no BTF (/sys/kernel/btf/vmlinux): fluxtrace needs a kernel "
			"built with CONFIG_DEBUG_INFO_BTF=y\n", u.release);
		return -1;
	}
	what = ft_feat_missing();
	if (what) {
		pr_warn("kernel %s is too old: it lacks %s; fluxtrace needs 5.11 or newer\n",
			u.release, what);
		return -1;
	}
	return 0;
}

static void check_ifaces(void)
{
	struct if_nameindex *all = if_nameindex(), *i;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	__u16 family = 0;
	bool said = fd >= 0 && !ft_feat_netdev_family(fd, &family);

	printf("interfaces:\n");
	for (i = all; i && i->if_index; i++) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);
		char xdp[96] = "free";
		int native = said ? ft_feat_xdp_native(fd, family, i->if_index) : -1;

		if (!bpf_xdp_query(i->if_index, 0, &q) && q.prog_id) {
			struct bpf_prog_info info = {};
			__u32 len = sizeof(info);
			int fd = bpf_prog_get_fd_by_id(q.prog_id);

			if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
				snprintf(xdp, sizeof(xdp), "in use by program %u (%s): "
					 "ingress traced at tc", q.prog_id, info.name);
			else
				snprintf(xdp, sizeof(xdp), "in use by program %u: ingress "
					 "traced at tc", q.prog_id);
			if (fd >= 0)
				close(fd);
		}
		printf("  %-16s ifindex %-5u XDP %-8s %s\n", i->if_name, i->if_index,
		       native > 0 ? "native," : native == 0 ? "generic," : "auto,", xdp);
	}
	if (!said)
		printf("  (this kernel does not report drivers' XDP support: 'auto' tries native, "
		       "then generic)\n");
	if (fd >= 0)
		close(fd);
	if (all)
		if_freenameindex(all);
}

/* Each capability fluxtrace needs, present or missing. */
static void print_caps(void)
{
	struct __user_cap_data_struct d[2];
	bool known = read_caps(d);

	printf("capabilities:     ");
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		printf(" %s %s%s", needed[i].name,
		       !known ? "unknown" : cap_ok(d, needed[i].cap) ? "present" : "MISSING",
		       i + 1 < sizeof(needed) / sizeof(needed[0]) ? "," : "\n");
	printf("                   CAP_SYS_ADMIN %s (not needed; with it --check also names "
	       "other tools' XDP programs)\n",
	       known && has_cap(d, CAP_SYS_ADMIN) ? "present" : "absent");
}

int ft_check(void)
{
	char pbuf[400];
	const char *priv = missing_privileges(pbuf, sizeof(pbuf)), *feat = NULL;
	struct btf *vmlinux = NULL;
	struct utsname u;
	bool btf = ft_feat_btf();
	int ok = 0;

	uname(&u);
	printf("kernel:            %s %s\n", u.release, u.machine);
	print_caps();
	printf("privileges:        %s\n", priv ? priv : "ok");
	printf("BTF:               %s\n", btf ? "ok (/sys/kernel/btf/vmlinux)" : "MISSING");
	if (priv || !btf)
		ok = -1;
	if (!priv) {
		feat = ft_feat_missing();
		printf("minimum features:  %s%s\n", feat ? "MISSING " : "ok (5.11+)",
		       feat ? feat : "");
		if (feat)
			ok = -1;
	}
	if (btf) {
		vmlinux = btf__load_vmlinux_btf();
		printf("neigh tracepoints: %s\n",
		       ft_feat_tracepoint(vmlinux, "neigh_update") &&
				       ft_feat_tracepoint(vmlinux, "neigh_update_done")
			       ? "ok (raw tracepoints, no tracefs needed)"
			       : "MISSING (no neighbour-table events; wire ARP still traced)");
		printf("neigh failures:    %s\n",
		       ft_feat_tracepoint(vmlinux, "neigh_timer_handler")
			       ? "ok (neigh_timer_handler: entries that go FAILED)"
			       : "missing (failed resolution seen on the wire only)");
		printf("drop tracepoint:   %s\n", ft_feat_tracepoint(vmlinux, "kfree_skb")
						      ? "ok (skb:kfree_skb: rp_filter, netfilter, "
							"neighbour drops)"
						      : "missing (drops not explained)");
		btf__free(vmlinux);
	}
	if (!priv && !feat) {
		int tcx = ft_feat_tcx();

		printf("tc attach:         %s\n",
		       tcx < 0	? "unknown (probe program did not load)"
		       : tcx	? "tcx links (cleaned up by the kernel on exit)"
				: "clsact + cls_bpf (no tcx before 6.6)");
		check_ifaces();
	}
	printf("verdict:           %s\n", ok ? "fluxtrace cannot trace here" : "ready to trace");
	return ok;
}
