// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attach: XDP and tcx through bpf_links (they die with the process, so a
 * SIGKILL leaves nothing behind), clsact + cls_bpf where the kernel has no
 * tcx. Someone else's XDP program is never replaced: that interface is
 * traced at tc ingress instead, and we say so.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fluxtrace/events.h"
#include "fluxtrace.skel.h"
#include "common/log.h"
#include "live/attach.h"
#include "live/features.h"

/* Our cls_bpf filters on kernels without tcx: a fixed handle and priority
 * so the next run finds (and removes) ones a killed run left behind. */
#define FT_TC_HANDLE 0xf17ace
#define FT_TC_PRIORITY 0xf17

static const char *const tc_dir_name[2] = { "ingress", "egress" };

static void iface_init(struct ft_attach_if *ifc, const char *name, int ifindex)
{
	struct ifreq ifr = {};
	int fd;

	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->ifindex = ifindex;
	ifc->xdp_link = ifc->tc_link[0] = ifc->tc_link[1] = -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (!ioctl(fd, SIOCGIFHWADDR, &ifr))
		memcpy(ifc->mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
}

static struct ft_attach_if *iface_append(struct ft_attach_if **ifaces, size_t *n, const char *name,
				     int ifindex)
{
	struct ft_attach_if *grown;

	for (size_t i = 0; i < *n; i++)
		if ((*ifaces)[i].ifindex == ifindex)
			return &(*ifaces)[i];
	grown = realloc(*ifaces, (*n + 1) * sizeof(**ifaces));
	if (!grown)
		return NULL;
	*ifaces = grown;
	iface_init(&grown[*n], name, ifindex);
	return &grown[(*n)++];
}

int ft_ifaces_scan_up(struct ft_attach_if **ifaces, size_t *n)
{
	struct ifaddrs *all, *ifa;

	if (getifaddrs(&all))
		return -errno;
	for (ifa = all; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_PACKET)
			continue;
		if (!(ifa->ifa_flags & IFF_UP) || (ifa->ifa_flags & IFF_LOOPBACK))
			continue;
		if (!iface_append(ifaces, n, ifa->ifa_name,
				  ((struct sockaddr_ll *)ifa->ifa_addr)->sll_ifindex)) {
			freeifaddrs(all);
			return -ENOMEM;
		}
	}
	freeifaddrs(all);
	return 0;
}

static void list_existing_ifaces(char *buf, size_t len)
{
	struct if_nameindex *all = if_nameindex(), *i;
	size_t used = 0;

	buf[0] = '\0';
	if (!all)
		return;
	for (i = all; i->if_index && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "", i->if_name);
	if_freenameindex(all);
}

int ft_ifaces_resolve(const char *spec, struct ft_attach_if **ifaces, size_t *n)
{
	char *copy = strdup(spec), *save = NULL, *name;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (name = strtok_r(copy, ",", &save); name && !err; name = strtok_r(NULL, ",", &save)) {
		unsigned int ifindex;

		if (!strcmp(name, "any")) {
			err = ft_ifaces_scan_up(ifaces, n);
			continue;
		}
		ifindex = if_nametoindex(name);
		if (!ifindex) {
			char have[512];

			list_existing_ifaces(have, sizeof(have));
			pr_warn("no interface '%s' in this network namespace (have: %s); check -i\n",
				name, have);
			err = -ENODEV;
		} else if (!iface_append(ifaces, n, name, ifindex)) {
			err = -ENOMEM;
		}
	}
	free(copy);
	return err;
}

static void prog_name_by_id(__u32 id, char *name, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	snprintf(name, len, "?");
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &info_len))
		snprintf(name, len, "%s", info.name);
	close(fd);
}

/* 0 on success; -EBUSY when another XDP program owns the interface. */
static int attach_xdp(struct fluxtrace_bpf *skel, struct ft_attach_if *ifc, enum ft_xdp_mode mode)
{
	static const __u32 try_auto[] = { XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE };
	const __u32 *modes = try_auto;
	int n_modes = 2, err = 0;

	if (mode == FT_XDP_NATIVE)
		n_modes = 1;
	else if (mode == FT_XDP_GENERIC)
		modes = &try_auto[1], n_modes = 1;

	for (int i = 0; i < n_modes; i++) {
		LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = modes[i]);
		int fd = bpf_link_create(bpf_program__fd(skel->progs.ft_xdp), ifc->ifindex, BPF_XDP,
					 &opts);

		if (fd >= 0) {
			ifc->xdp_link = fd;
			ifc->xdp_generic = modes[i] == XDP_FLAGS_SKB_MODE;
			ifc->hooks |= FT_HOOKBIT(FT_HOOK_XDP);
			return 0;
		}
		err = -errno;
		if (err == -EBUSY || err == -EEXIST)
			break;
	}
	if (err == -EBUSY || err == -EEXIST) {
		__u32 id = 0;
		char name[BPF_OBJ_NAME_LEN];

		bpf_xdp_query_id(ifc->ifindex, 0, &id);
		prog_name_by_id(id, name, sizeof(name));
		pr_info("%s: XDP is in use by another program (id %u, %s): left alone; "
			"tracing ingress at tc instead\n", ifc->name, id, name);
		return -EBUSY;
	}
	pr_info("%s: cannot attach XDP in %s mode (%s); tracing ingress at tc instead\n",
		ifc->name, mode == FT_XDP_NATIVE ? "native" : mode == FT_XDP_GENERIC ? "generic" : "any",
		strerror(-err));
	return err;
}

/* Remove a filter of ours that a killed run left at our handle/priority;
 * anything else found there is not touched. */
static void remove_stale_filter(struct bpf_tc_hook *hook, const char *ifname, int dir)
{
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = FT_TC_HANDLE, .priority = FT_TC_PRIORITY);
	char name[BPF_OBJ_NAME_LEN];

	if (bpf_tc_query(hook, &q))
		return;
	prog_name_by_id(q.prog_id, name, sizeof(name));
	if (strncmp(name, "ft_", 3))
		return;
	q.prog_id = q.prog_fd = q.flags = 0;
	if (!bpf_tc_detach(hook, &q))
		pr_info("%s: removed a stale fluxtrace tc %s filter (program id left by an "
			"earlier run)\n", ifname, tc_dir_name[dir]);
}

static int attach_tc_legacy(int prog_fd, struct ft_attach_if *ifc, int dir)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifc->ifindex,
		    .attach_point = dir ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = FT_TC_HANDLE, .priority = FT_TC_PRIORITY,
		    .prog_fd = prog_fd);
	int err;

	/* -EEXIST: a clsact qdisc is already there, ours to use, not to delete. */
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	remove_stale_filter(&hook, ifc->name, dir);
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		return err;
	ifc->tc_legacy[dir] = true;
	return 0;
}

/* FLUXTRACE_NO_TCX=1 forces clsact + cls_bpf, as on kernels before 6.6. */
static int attach_tc(struct fluxtrace_bpf *skel, struct ft_attach_if *ifc, int dir)
{
	struct bpf_program *prog = dir ? skel->progs.ft_tc_egress : skel->progs.ft_tc_ingress;
	bool tcx = !getenv("FLUXTRACE_NO_TCX");
	int fd = -1, err;

	if (tcx)
		fd = bpf_link_create(bpf_program__fd(prog), ifc->ifindex,
				     dir ? BPF_TCX_EGRESS : BPF_TCX_INGRESS, NULL);
	if (fd < 0) {
		err = tcx ? -errno : -EINVAL;
		if (err != -EINVAL)
			goto fail;
		err = attach_tc_legacy(bpf_program__fd(prog), ifc, dir);
		if (err)
			goto fail;
	}
	ifc->tc_link[dir] = fd;
	ifc->hooks |= FT_HOOKBIT(dir ? FT_HOOK_TC_EGRESS : FT_HOOK_TC_INGRESS);
	return 0;
fail:
	pr_warn("%s: cannot attach tc %s program: %s\n", ifc->name, tc_dir_name[dir],
		strerror(-err));
	return err;
}

/* Tell the ingress hooks the interface's own MAC so frames for other hosts
 * are ignored (frames for this host's other links are recognised through
 * ft_local_macs). Not for ports of a bridge or bond: they carry the frames
 * the master forwards between other hosts. Called again when the interface
 * changes (a new MAC, a new master). */
void ft_attach_own_mac(struct fluxtrace_bpf *skel, const struct ft_attach_if *ifc)
{
	struct { __u8 mac[6]; __u8 filter; __u8 pad; } own = { .filter = 1 };
	char path[64 + IF_NAMESIZE];
	__u32 key = ifc->ifindex;

	if (key >= bpf_map__max_entries(skel->maps.ft_if_macs))
		return;
	snprintf(path, sizeof(path), "/sys/class/net/%s/master", ifc->name);
	own.filter = access(path, F_OK) != 0;
	memcpy(own.mac, ifc->mac, 6);
	bpf_map_update_elem(bpf_map__fd(skel->maps.ft_if_macs), &key, &own, BPF_ANY);
}

int ft_attach_iface(struct fluxtrace_bpf *skel, struct ft_attach_if *ifc, enum ft_xdp_mode mode)
{
	int err;

	ft_attach_own_mac(skel, ifc);
	/* Ingress work is done once: at XDP where it attaches, else at tc. */
	if (mode == FT_XDP_OFF || attach_xdp(skel, ifc, mode)) {
		err = attach_tc(skel, ifc, 0);
		if (err)
			goto fail;
	}
	err = attach_tc(skel, ifc, 1);
	if (err)
		goto fail;
	return 0;
fail:
	ft_detach_iface(ifc);
	return err;
}

static void detach_tc_legacy(struct ft_attach_if *ifc, int dir)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifc->ifindex,
		    .attach_point = dir ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = FT_TC_HANDLE, .priority = FT_TC_PRIORITY);

	/* Only our filter; the clsact qdisc stays (others may use it). */
	bpf_tc_detach(&hook, &opts);
}

void ft_detach_iface(struct ft_attach_if *ifc)
{
	if (ifc->xdp_link >= 0)
		close(ifc->xdp_link);
	ifc->xdp_link = -1;
	for (int dir = 0; dir < 2; dir++) {
		if (ifc->tc_link[dir] >= 0)
			close(ifc->tc_link[dir]);
		else if (ifc->tc_legacy[dir])
			detach_tc_legacy(ifc, dir);
		ifc->tc_link[dir] = -1;
		ifc->tc_legacy[dir] = false;
	}
	ifc->hooks = 0;
}

int ft_attach_tracepoints(struct fluxtrace_bpf *skel)
{
	skel->links.ft_neigh_update =
		bpf_program__attach_raw_tracepoint(skel->progs.ft_neigh_update, "neigh_update");
	if (!skel->links.ft_neigh_update)
		return -errno;
	skel->links.ft_neigh_update_done = bpf_program__attach_raw_tracepoint(
		skel->progs.ft_neigh_update_done, "neigh_update_done");
	if (!skel->links.ft_neigh_update_done)
		return -errno;
	/* Resolution that gives up (an unresolved next hop). */
	skel->links.ft_neigh_timer_handler = bpf_program__attach_raw_tracepoint(
		skel->progs.ft_neigh_timer_handler, "neigh_timer_handler");
	if (!skel->links.ft_neigh_timer_handler)
		pr_info("not tracing failed resolution (neigh_timer_handler): %s\n",
			strerror(errno));
	/* Drops explain one-way flows but are not essential. */
	skel->links.ft_kfree_skb =
		bpf_program__attach_raw_tracepoint(skel->progs.ft_kfree_skb, "kfree_skb");
	if (!skel->links.ft_kfree_skb)
		pr_info("not tracing drops (skb:kfree_skb): %s\n", strerror(errno));
	return 0;
}

void ft_detach_tracepoints(struct fluxtrace_bpf *skel)
{
	bpf_link__destroy(skel->links.ft_neigh_update);
	bpf_link__destroy(skel->links.ft_neigh_update_done);
	bpf_link__destroy(skel->links.ft_kfree_skb);
	bpf_link__destroy(skel->links.ft_neigh_timer_handler);
	skel->links.ft_neigh_timer_handler = NULL;
	skel->links.ft_neigh_update = skel->links.ft_neigh_update_done = NULL;
	skel->links.ft_kfree_skb = NULL;
}
