/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Maps, tunables and the loss counters shared by every fluxtrace program. */
#ifndef FLUXTRACE_MAPS_BPF_H
#define FLUXTRACE_MAPS_BPF_H

/* Defaults; the loader resizes the maps from --max-flows / --ringbuf-size. */
#ifndef FT_DEFAULT_MAX_FLOWS
#define FT_DEFAULT_MAX_FLOWS 65536
#endif
#ifndef FT_DEFAULT_RINGBUF
#define FT_DEFAULT_RINGBUF (1 << 20)
#endif
#define FT_ARP_DEDUP_ENTRIES 4096

/* Set by the loader before load. */
const volatile __u32 ft_netns_ino;		/* neighbour events: only this netns */
const volatile __u64 ft_arp_window_ns = 1000000000ULL;	/* ARP/NDP repeat folding */
const volatile __u64 ft_rb_wakeup_bytes = 64 << 10;	/* wake the consumer past this */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FT_DEFAULT_MAX_FLOWS);
	__type(key, struct ft_flow_key);
	__type(value, struct ft_flow_state);
} ft_flows SEC(".maps");

struct ft_arp_key {
	__u32 ifindex;
	__u8 hook;
	__u8 op;
	__u8 flags;
	__u8 family;
	__u8 sender_ip[16];
	__u8 target_ip[16];
	__u8 sender_mac[6];
	__u8 pad[2];
};

struct ft_arp_seen {
	__u64 last_ns;		/* last time one was reported */
	__u32 folded;		/* repeats folded since */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FT_ARP_DEDUP_ENTRIES);
	__type(key, struct ft_arp_key);
	__type(value, struct ft_arp_seen);
} ft_arp_dedup SEC(".maps");

/* Each traced interface's own MAC, by ifindex, so ingress hooks can ignore
 * unicast frames for other hosts (an interface in promiscuous mode sees
 * them; the stack would drop them). */
#define FT_MAX_IFINDEX 4096

struct ft_if_mac {
	__u8 mac[6];
	__u8 filter;		/* 1: drop others' unicast from flow tracking */
	__u8 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FT_MAX_IFINDEX);
	__type(key, __u32);
	__type(value, struct ft_if_mac);
} ft_if_macs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, FT_DEFAULT_RINGBUF);
} ft_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FT_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} ft_counters SEC(".maps");

static __always_inline void ft_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&ft_counters, &idx);

	if (v)
		*v += 1;
}

/* Reserve an event; a full ring buffer is counted, never silent. */
static __always_inline void *ft_event_reserve(__u32 size)
{
	void *e = bpf_ringbuf_reserve(&ft_events, size, 0);

	if (!e)
		ft_count(FT_CNT_RINGBUF_FULL);
	return e;
}

/* Events are rare; wake the consumer only once enough is queued (it also
 * polls on a short timer), so a burst costs one wakeup, not one each. */
static __always_inline void ft_event_submit(void *e)
{
	__u64 queued = bpf_ringbuf_query(&ft_events, BPF_RB_AVAIL_DATA);

	bpf_ringbuf_submit(e, queued >= ft_rb_wakeup_bytes ? BPF_RB_FORCE_WAKEUP
							  : BPF_RB_NO_WAKEUP);
}

#endif /* FLUXTRACE_MAPS_BPF_H */
