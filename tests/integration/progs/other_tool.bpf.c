// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Stands for another tool's XDP program and tc filter: each counts the
 * packets it sees and lets them pass. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} other_xdp_count SEC(".maps"), other_tc_count SEC(".maps");

static void count(void *map)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(map, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("xdp")
int other_xdp(struct xdp_md *ctx)
{
	count(&other_xdp_count);
	return XDP_PASS;
}

SEC("tc")
int other_tc(struct __sk_buff *skb)
{
	count(&other_tc_count);
	return -1; /* TC_ACT_UNSPEC: continue */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
