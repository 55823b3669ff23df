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
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
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

bool ft_kernel_has_xdp_frags(void)
{
	struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 2 },	/* r0 = XDP_PASS */
		{ .code = 0x95 },				/* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = BPF_F_XDP_HAS_FRAGS);
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "ft_probe", "GPL", insns, 2, &opts);

	if (fd < 0)
		return false;
	close(fd);
	return true;
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

/* The kernel's "netdev" generic netlink family (6.3+) says which XDP
 * features a driver has; older kernels do not. Values from linux/netdev.h. */
#define NETDEV_CMD_DEV_GET 1
#define NETDEV_A_DEV_IFINDEX 1
#define NETDEV_A_DEV_XDP_FEATURES 3
#define NETDEV_XDP_ACT_BASIC 1

struct genl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

static void put_attr(struct genl_req *r, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Sends r and returns the attribute of the given type from the answer,
 * copied into out (len bytes); -errno otherwise. */
static int genl_ask(int fd, struct genl_req *r, __u16 want, void *out, size_t len)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n;

	if (send(fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(h, (size_t)n))
		return -EIO;
	if (h->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(h))->error ?: -ENOENT;
	int left = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);

	for (; left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
	     left -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) == want && a->nla_len - NLA_HDRLEN >= (int)len) {
			memcpy(out, (char *)a + NLA_HDRLEN, len);
			return 0;
		}
	}
	return -ENOENT;
}

/* 1 native XDP, 0 generic only, -1 the kernel does not say. */
static int xdp_native(int fd, __u16 family, int ifindex)
{
	struct genl_req r = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN), .nlmsg_type = family,
			.nlmsg_flags = NLM_F_REQUEST },
		.gh = { .cmd = NETDEV_CMD_DEV_GET, .version = 1 },
	};
	__u32 idx = ifindex;
	__u64 features;

	put_attr(&r, NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx));
	if (genl_ask(fd, &r, NETDEV_A_DEV_XDP_FEATURES, &features, sizeof(features)))
		return -1;
	return (features & NETDEV_XDP_ACT_BASIC) ? 1 : 0;
}

static int netdev_family(int fd, __u16 *family)
{
	struct genl_req r = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN), .nlmsg_type = GENL_ID_CTRL,
			.nlmsg_flags = NLM_F_REQUEST },
		.gh = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 },
	};

	put_attr(&r, CTRL_ATTR_FAMILY_NAME, "netdev", 7);
	return genl_ask(fd, &r, CTRL_ATTR_FAMILY_ID, family, sizeof(*family));
}

static void check_ifaces(void)
{
	struct if_nameindex *all = if_nameindex(), *i;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	__u16 family = 0;
	bool said = fd >= 0 && !netdev_family(fd, &family);

	printf("interfaces:\n");
	for (i = all; i && i->if_index; i++) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);
		char xdp[96] = "free";
		int native = said ? xdp_native(fd, family, i->if_index) : -1;

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

int ft_check(void)
{
	const char *priv = missing_privileges(), *feat = NULL;
	struct btf *vmlinux = NULL;
	struct utsname u;
	bool btf = has_btf();
	int ok = 0;

	uname(&u);
	printf("kernel:            %s %s\n", u.release, u.machine);
	printf("privileges:        %s\n", priv ? priv : "ok");
	printf("BTF:               %s\n", btf ? "ok (/sys/kernel/btf/vmlinux)" : "MISSING");
	if (priv || !btf)
		ok = -1;
	if (!priv) {
		feat = missing_feature();
		printf("minimum features:  %s%s\n", feat ? "MISSING " : "ok (5.11+)",
		       feat ? feat : "");
		if (feat)
			ok = -1;
	}
	if (btf) {
		vmlinux = btf__load_vmlinux_btf();
		printf("neigh tracepoints: %s\n",
		       has_tracepoint(vmlinux, "neigh_update") &&
				       has_tracepoint(vmlinux, "neigh_update_done")
			       ? "ok (raw tracepoints, no tracefs needed)"
			       : "MISSING (no neighbour-table events; wire ARP still traced)");
		printf("drop tracepoint:   %s\n", has_tracepoint(vmlinux, "kfree_skb")
						      ? "ok (skb:kfree_skb: rp_filter, netfilter drops)"
						      : "missing (drops not explained)");
		btf__free(vmlinux);
	}
	if (!priv && !feat) {
		int fd = load_probe_tc_prog();

		printf("tc attach:         %s\n",
		       fd < 0			? "unknown (probe program did not load)"
		       : ft_kernel_has_tcx(fd) ? "tcx links (cleaned up by the kernel on exit)"
					       : "clsact + cls_bpf (no tcx before 6.6)");
		if (fd >= 0)
			close(fd);
		check_ifaces();
	}
	printf("verdict:           %s\n", ok ? "fluxtrace cannot trace here" : "ready to trace");
	return ok;
}
