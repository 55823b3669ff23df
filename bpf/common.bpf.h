/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What every fluxtrace program shares: the event ring buffer, the loss
 * counters and the loader tunables more than one part reads. Maps used by
 * one part live with it (flow.bpf.h, neigh.bpf.h, ...). */
#ifndef FLUXTRACE_COMMON_BPF_H
#define FLUXTRACE_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "fluxtrace/events.h"

/* Default; the loader resizes the ring buffer from --ringbuf-size. */
#ifndef FT_DEFAULT_RINGBUF
#define FT_DEFAULT_RINGBUF (1 << 20)
#endif

/* Set by the loader before load. */
const volatile __u32 ft_netns_ino;		/* neighbour and drop events: only this netns */
const volatile __u64 ft_rb_wakeup_bytes = 64 << 10;	/* wake the consumer past this */

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

#endif /* FLUXTRACE_COMMON_BPF_H */
