// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mktrace: writes a recorded trace of a busy server for the reducer's
 * benchmark (`make bench`, tools/bench/README.md).
 *
 *   mktrace FILE FLOWS
 *
 * FLOWS TCP flows to 192.0.2.1 from distinct clients (10.x.y.z, up to
 * 16M), each a request in on eth0 and its reply:
 *   - 90% answered out of eth1: return_path_mismatch, one group (:443);
 *   -  9% answered out of eth0: healthy (and evictable);
 *   -  1% never answered: one_way, spread over 1,000 server ports (a
 *        scan-like spread: 1,000 groups).
 * A counters record every 65,536 flows advances the time; the last one
 * comes 5 s after the last flow so every one_way is due.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "record/trace.h"

#define SEC 1000000000ULL

static const __u8 MAC_ETH0[6] = { 0x02, 0, 0, 0, 0, 0x10 };
static const __u8 MAC_ETH1[6] = { 0x02, 0, 0, 0, 0, 0x11 };
static const __u8 MAC_ROUTER[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };

static void iface(struct ft_iface_record *r, __u32 ifindex, const char *name, const __u8 *mac)
{
	memset(r, 0, sizeof(*r));
	r->type = FT_REC_IFACE;
	r->ifindex = ifindex;
	r->hooks = FT_HOOKBIT(FT_HOOK_TC_INGRESS) | FT_HOOKBIT(FT_HOOK_TC_EGRESS);
	memcpy(r->mac, mac, 6);
	snprintf(r->name, sizeof(r->name), "%s", name);
}

static int put(struct ft_trace_writer *w, const void *rec, size_t len)
{
	int err = ft_trace_write(w, rec, len);

	if (err)
		fprintf(stderr, "mktrace: write: %s\n", strerror(-err));
	return err;
}

static int counters(struct ft_trace_writer *w, __u64 ts, __u64 flows)
{
	struct ft_counters_record c = { .type = FT_REC_COUNTERS, .ts_ns = ts };

	c.kernel[FT_CNT_PACKETS] = 2 * flows;
	c.flows_tracked = flows;
	c.flow_map_capacity = flows;
	return put(w, &c, sizeof(c));
}

int main(int argc, char **argv)
{
	struct ft_iface_record ifs[2];
	struct ft_trace_meta meta = { .host = "bench", .kernel = "bench", .n_ifaces = 2 };
	struct ft_trace_writer *w;
	unsigned long flows;
	__u64 t = 100 * SEC;

	if (argc != 3 || !(flows = strtoul(argv[2], NULL, 10)) || flows > (1UL << 24)) {
		fprintf(stderr, "usage: mktrace FILE FLOWS (1 to 16777216)\n");
		return 2;
	}
	iface(&ifs[0], 2, "eth0", MAC_ETH0);
	iface(&ifs[1], 3, "eth1", MAC_ETH1);
	meta.ifaces = ifs;
	meta.start_ns = t;
	w = ft_trace_create(argv[1], &meta);
	if (!w) {
		perror("mktrace");
		return 1;
	}
	for (unsigned long i = 0; i < flows; i++) {
		struct ft_flow_event e = { .type = FT_REC_FLOW_NEW, .hook = FT_HOOK_TC_INGRESS };
		unsigned int kind = i % 100;
		__u32 client = htonl(0x0a000000u | (__u32)(i + 1));

		t += 1000; /* 1M new flows a second */
		e.side = FT_SIDE_A;
		e.initiator = FT_INIT_A;
		e.flags = FT_FLOW_INIT_SURE;
		e.ifindex = 2;
		e.ts_ns = t;
		e.key.family = FT_FAMILY_IPV4;
		e.key.proto = 6;
		memcpy(e.key.addr_a, &client, 4);
		inet_pton(AF_INET, "192.0.2.1", e.key.addr_b);
		e.key.port_a = 32768 + i % 28000;
		e.key.port_b = kind == 99 ? 10000 + (i / 100) % 1000 : 443;
		e.tcp_flags = FT_TCP_SYN;
		e.pkt_len = 60;
		memcpy(e.src_mac, MAC_ROUTER, 6);
		memcpy(e.dst_mac, MAC_ETH0, 6);
		if (put(w, &e, sizeof(e)))
			return 1;
		if (kind < 99) {
			e.type = FT_REC_FLOW_PATH;
			e.hook = FT_HOOK_TC_EGRESS;
			e.side = FT_SIDE_B;
			e.ifindex = kind < 90 ? 3 : 2;
			e.ts_ns = t + 100;
			e.tcp_flags = FT_TCP_SYN | FT_TCP_ACK;
			memcpy(e.src_mac, kind < 90 ? MAC_ETH1 : MAC_ETH0, 6);
			memcpy(e.dst_mac, MAC_ROUTER, 6);
			if (put(w, &e, sizeof(e)))
				return 1;
		}
		if (i % 65536 == 65535 && counters(w, t + 200, i + 1))
			return 1;
	}
	if (counters(w, t + 5 * SEC, flows))
		return 1;
	if (ft_trace_close(w)) {
		fprintf(stderr, "mktrace: %s: write failed\n", argv[1]);
		return 1;
	}
	return 0;
}
