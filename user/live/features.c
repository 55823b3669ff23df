// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel feature probes, all in one place: what the minimum needs (BTF,
 * ring buffers, bpf_ktime_get_coarse_ns), and what changes how fluxtrace
 * attaches (tcx, multi-buffer XDP, drivers' native XDP).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "live/features.h"

bool ft_feat_btf(void)
{
	return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

const char *ft_feat_missing(void)
{
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1)
		return "BPF ring buffers (5.8)";
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_coarse_ns, NULL) != 1)
		return "bpf_ktime_get_coarse_ns (5.11)";
	return NULL;
}

bool ft_feat_tracepoint(struct btf *vmlinux, const char *name)
{
	char type[128];

	snprintf(type, sizeof(type), "btf_trace_%s", name);
	return vmlinux && btf__find_by_name_kind(vmlinux, type, BTF_KIND_TYPEDEF) > 0;
}

bool ft_feat_xdp_frags(void)
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

int ft_feat_xdp_native(int fd, __u16 family, int ifindex)
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

int ft_feat_netdev_family(int fd, __u16 *family)
{
	struct genl_req r = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN), .nlmsg_type = GENL_ID_CTRL,
			.nlmsg_flags = NLM_F_REQUEST },
		.gh = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 },
	};

	put_attr(&r, CTRL_ATTR_FAMILY_NAME, "netdev", 7);
	return genl_ask(fd, &r, CTRL_ATTR_FAMILY_ID, family, sizeof(*family));
}

/* tcx (kernel >= 6.6): the kernel knows the attach type and then fails on
 * the missing device (ifindex 0) with ENODEV; without tcx it rejects the
 * type with EINVAL. Needs a loaded tc program. */
static bool has_tcx(int tc_prog_fd)
{
	int fd = bpf_link_create(tc_prog_fd, 0, BPF_TCX_INGRESS, NULL);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != EINVAL;
}

int ft_feat_tcx(void)
{
	int fd = load_probe_tc_prog(), yes;

	if (fd < 0)
		return -1;
	yes = has_tcx(fd);
	close(fd);
	return yes;
}
