// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Sysctls and routes of the current network namespace, for the hints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "explain/hostfacts.h"
#include "fluxtrace/events.h"

/* /proc/sys/net is per network namespace of the reader: no setns needed. */
static int read_conf(const char *dev, const char *name)
{
	char path[128], buf[32];
	FILE *f;
	int v;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", dev, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int conf_max(int all, int dev)
{
	if (all < 0 || dev < 0)
		return -1;
	return all > dev ? all : dev;
}

static int conf_or(int all, int dev)
{
	if (all < 0 || dev < 0)
		return -1;
	return all || dev;
}

/* Combined as include/linux/inetdevice.h does: IN_DEV_ARP_IGNORE,
 * IN_DEV_ARP_ANNOUNCE and IN_DEV_RPFILTER take the max of all and the
 * device, IN_DEV_ARPFILTER and IN_DEV_PROXY_ARP the logical or. */
int ft_hostfacts_sysctls(const char *ifname, struct ft_if_sysctls *out)
{
	char probe[128];

	memset(out, 0xff, sizeof(*out)); /* -1 everywhere */
	if (!ifname || !*ifname || strchr(ifname, '/') || !strcmp(ifname, ".") ||
	    !strcmp(ifname, ".."))
		return -EINVAL;
	snprintf(probe, sizeof(probe), "/proc/sys/net/ipv4/conf/%s", ifname);
	if (access(probe, F_OK))
		return -ENOENT;
	out->arp_ignore = conf_max(read_conf("all", "arp_ignore"), read_conf(ifname, "arp_ignore"));
	out->arp_announce =
		conf_max(read_conf("all", "arp_announce"), read_conf(ifname, "arp_announce"));
	out->arp_filter = conf_or(read_conf("all", "arp_filter"), read_conf(ifname, "arp_filter"));
	out->rp_filter = conf_max(read_conf("all", "rp_filter"), read_conf(ifname, "rp_filter"));
	out->proxy_arp = conf_or(read_conf("all", "proxy_arp"), read_conf(ifname, "proxy_arp"));
	return 0;
}

const char *ft_hostfacts_sysctl_str(struct ft_facts *facts, const char *const *ifnames,
				    unsigned int n, unsigned int which, char *buf, size_t len)
{
	static const char *const names[] = { "arp_ignore", "arp_announce", "arp_filter",
					     "rp_filter", "proxy_arp" };
	size_t off = 0;
	bool first = true;
	int w;

	buf[0] = 0;
	for (unsigned int k = 0; k < 5; k++) {
		if (!(which & (1u << k)))
			continue;
		w = snprintf(buf + off, off < len ? len - off : 0, "%s%s", first ? "" : "; ",
			     names[k]);
		off += w > 0 ? w : 0;
		first = false;
		for (unsigned int i = 0; i < n; i++) {
			struct ft_if_sysctls sc;
			int v = -1;

			if (!ft_hostfacts_ask_sysctls(facts, ifnames[i], &sc)) {
				const int vals[] = { sc.arp_ignore, sc.arp_announce, sc.arp_filter,
						     sc.rp_filter, sc.proxy_arp };

				v = vals[k];
			}
			if (v < 0)
				w = snprintf(buf + off, off < len ? len - off : 0, " %s=?",
					     ifnames[i]);
			else
				w = snprintf(buf + off, off < len ? len - off : 0, " %s=%d",
					     ifnames[i], v);
			off += w > 0 ? w : 0;
		}
	}
	return buf;
}

struct route_req {
	struct nlmsghdr nh;
	struct rtmsg rtm;
	char attrs[128];
};

static void add_attr(struct route_req *req, unsigned short type, const void *data,
		     unsigned short len)
{
	struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static const char *table_name(__u32 table, char *buf, size_t len)
{
	switch (table) {
	case RT_TABLE_MAIN:
		return "main";
	case RT_TABLE_LOCAL:
		return "local";
	case RT_TABLE_DEFAULT:
		return "default";
	}
	snprintf(buf, len, "%u", table);
	return buf;
}

static const char *type_prefix(unsigned char type)
{
	switch (type) {
	case RTN_LOCAL:
		return "local ";
	case RTN_BROADCAST:
		return "broadcast ";
	case RTN_BLACKHOLE:
		return "blackhole ";
	case RTN_UNREACHABLE:
		return "unreachable ";
	case RTN_PROHIBIT:
		return "prohibit ";
	case RTN_MULTICAST:
		return "multicast ";
	}
	return "";
}

#define APPEND(buf, len, off, ...)                                                                 \
	do {                                                                                       \
		int n_ = snprintf((buf) + (off), (off) < (len) ? (len) - (off) : 0, __VA_ARGS__);  \
		if (n_ > 0)                                                                        \
			(off) += (size_t)n_;                                                       \
	} while (0)

static void append_dev(char *buf, size_t len, size_t *off, __u32 oif)
{
	char name[IF_NAMESIZE];

	if (!oif)
		return;
	if (if_indextoname(oif, name))
		APPEND(buf, len, *off, " dev %s", name);
	else
		APPEND(buf, len, *off, " dev if%u", oif);
}

/* Renders an RTM_NEWROUTE reply the way `ip route` prints a route. */
static void describe_route(struct nlmsghdr *nh, int af, struct ft_route *out)
{
	struct rtmsg *rtm = NLMSG_DATA(nh);
	int alen = RTM_PAYLOAD(nh);
	char dst[INET6_ADDRSTRLEN] = "", gw[INET6_ADDRSTRLEN] = "", tb[16];
	struct rtattr *mp = NULL;
	__u32 table = rtm->rtm_table;
	char *buf = out->text;
	size_t len = sizeof(out->text), off = 0;

	for (struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		switch (a->rta_type) {
		case RTA_DST:
			inet_ntop(af, RTA_DATA(a), dst, sizeof(dst));
			break;
		case RTA_GATEWAY:
			inet_ntop(af, RTA_DATA(a), gw, sizeof(gw));
			break;
		case RTA_OIF:
			out->oif = *(__u32 *)RTA_DATA(a);
			break;
		case RTA_TABLE:
			table = *(__u32 *)RTA_DATA(a);
			break;
		case RTA_MULTIPATH:
			mp = a;
			break;
		}
	}
	APPEND(buf, len, off, "%s", type_prefix(rtm->rtm_type));
	if (!rtm->rtm_dst_len)
		APPEND(buf, len, off, "default");
	else
		APPEND(buf, len, off, "%s/%u", dst[0] ? dst : "?", rtm->rtm_dst_len);
	if (gw[0])
		APPEND(buf, len, off, " via %s", gw);
	append_dev(buf, len, &off, out->oif);
	if (mp) {
		struct rtnexthop *nhp = RTA_DATA(mp);
		int left = RTA_PAYLOAD(mp);

		while (left >= (int)sizeof(*nhp) && nhp->rtnh_len >= sizeof(*nhp) &&
		       nhp->rtnh_len <= left) {
			int nlen = nhp->rtnh_len - sizeof(*nhp);

			APPEND(buf, len, off, " nexthop");
			for (struct rtattr *a = RTNH_DATA(nhp); RTA_OK(a, nlen);
			     a = RTA_NEXT(a, nlen)) {
				if (a->rta_type == RTA_GATEWAY &&
				    inet_ntop(af, RTA_DATA(a), gw, sizeof(gw)))
					APPEND(buf, len, off, " via %s", gw);
			}
			append_dev(buf, len, &off, nhp->rtnh_ifindex);
			if (!out->oif)
				out->oif = nhp->rtnh_ifindex;
			left -= RTNH_ALIGN(nhp->rtnh_len);
			nhp = RTNH_NEXT(nhp);
		}
	}
	APPEND(buf, len, off, " table %s", table_name(table, tb, sizeof(tb)));
}

static int route_query(__u8 family, const __u8 *dst, const __u8 *src, __u32 iif, bool fibmatch,
		       struct ft_route *out)
{
	int af = family == FT_FAMILY_IPV6 ? AF_INET6 : AF_INET;
	unsigned short alen = af == AF_INET6 ? 16 : 4;
	struct timeval tv = { .tv_sec = 1 };
	struct route_req req = {};
	char reply[8192];
	ssize_t n;
	int fd, err = -EIO;

	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.rtm.rtm_family = af;
	req.rtm.rtm_dst_len = alen * 8;
	/* Without RTM_F_LOOKUP_TABLE the kernel names table main even for a
	 * route found through a policy rule; `ip route get` always sets it. */
	req.rtm.rtm_flags = RTM_F_LOOKUP_TABLE | (fibmatch ? RTM_F_FIB_MATCH : 0);
	add_attr(&req, RTA_DST, dst, alen);
	if (src) {
		req.rtm.rtm_src_len = alen * 8;
		add_attr(&req, RTA_SRC, src, alen);
	}
	if (iif)
		add_attr(&req, RTA_IIF, &iif, sizeof(iif));

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		err = -errno;
		goto out;
	}
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	for (struct nlmsghdr *nh = (struct nlmsghdr *)reply; NLMSG_OK(nh, (size_t)n);
	     nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			err = e->error ? e->error : -EIO;
			break;
		}
		if (nh->nlmsg_type == RTM_NEWROUTE) {
			describe_route(nh, af, out);
			err = 0;
			break;
		}
	}
out:
	close(fd);
	return err;
}

int ft_hostfacts_route(__u8 family, const __u8 *dst, const __u8 *src, __u32 iif,
		       struct ft_route *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = route_query(family, dst, src, iif, true, out);
	/* fibmatch needs 4.13; a source that is not local fails an output lookup. */
	if (err == -EINVAL || err == -EOPNOTSUPP)
		err = route_query(family, dst, src, iif, false, out);
	if (err && src && !iif && err != -ENETUNREACH && err != -EHOSTUNREACH)
		err = route_query(family, dst, NULL, 0, true, out);
	out->err = err;
	if (err) {
		out->oif = 0;
		if (err == -EXDEV)
			snprintf(out->text, sizeof(out->text), "rejected by rp_filter");
		else
			snprintf(out->text, sizeof(out->text), "no route (%s)", strerror(-err));
	}
	return err;
}

int ft_hostfacts_ask_sysctls(struct ft_facts *facts, const char *ifname,
			     struct ft_if_sysctls *out)
{
	const struct ft_if_sysctls *have;
	int err;

	if (!facts || facts->mode == FT_FACTS_NONE) {
		memset(out, 0xff, sizeof(*out));
		return -ENODATA;
	}
	if (facts->mode == FT_FACTS_LIVE) {
		err = ft_hostfacts_sysctls(ifname, out);
		if (!err)
			ft_facts_put_sysctls(facts, ifname, out);
		return err;
	}
	have = ft_facts_find_sysctls(facts, ifname);
	if (!have) {
		memset(out, 0xff, sizeof(*out));
		return -ENOENT;
	}
	*out = *have;
	return 0;
}

int ft_hostfacts_ask_route(struct ft_facts *facts, __u8 family, const __u8 *dst, const __u8 *src,
			   __u32 iif, struct ft_route *out)
{
	const struct ft_route *have;

	if (facts && facts->mode == FT_FACTS_LIVE) {
		ft_hostfacts_route(family, dst, src, iif, out);
		ft_facts_put_route(facts, family, dst, src, iif, out);
		return out->err;
	}
	have = facts ? ft_facts_find_route(facts, family, dst, src, iif) : NULL;
	if (!have) {
		memset(out, 0, sizeof(*out));
		out->err = -ENODATA;
		snprintf(out->text, sizeof(out->text), "route not recorded in the trace");
		return out->err;
	}
	*out = *have;
	return out->err;
}
