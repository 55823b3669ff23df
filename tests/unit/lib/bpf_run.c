// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The BPF_PROG_TEST_RUN harness behind the bpf_* suites (see bpf_run.h). */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include "fluxtrace.skel.h"
#include "common/names.h"
#include "live/scope.h"
#include "lib/bpf_run.h"

#define XDP_PASS_VERDICT 2
#define TC_ACT_UNSPEC_VERDICT (-1)

/* Small maps load faster; nothing here needs more. */
#define BT_MAX_FLOWS 1024
#define BT_RINGBUF (256 << 10)
/* Own MACs set by tests live in the first slots of ft_if_macs. */
#define BT_OWN_MAC_SLOTS 64

static struct fluxtrace_bpf *skel;
static struct ring_buffer *rb;
static union bt_event queue[BT_MAX_EVENTS];
static int queued, taken;
static int bad_record;		/* size or type of a record was wrong */
static int hold_events;

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static int on_record(void *ctx, void *data, size_t size)
{
	const __u8 *type = data;

	if (size < 1 || ft_record_size(*type) != size || *type >= FT_REC_USER_FIRST) {
		bad_record = 1;
		return 0;
	}
	if (queued == BT_MAX_EVENTS) {
		bad_record = 1;
		return 0;
	}
	memcpy(&queue[queued++], data, size);
	return 0;
}

void bt_load(const struct bt_opts *opts)
{
	int err;

	libbpf_set_print(quiet_print);
	skel = fluxtrace_bpf__open();
	cr_assert_not_null(skel, "opening the BPF skeleton failed: %s", strerror(errno));
	bpf_map__set_max_entries(skel->maps.ft_flows, BT_MAX_FLOWS);
	bpf_map__set_max_entries(skel->maps.ft_events,
				 opts && opts->ringbuf_bytes ? opts->ringbuf_bytes : BT_RINGBUF);
	if (opts && opts->arp_window_ns)
		skel->rodata->ft_arp_window_ns = opts->arp_window_ns;
	hold_events = opts && opts->hold_events;
	ft_scope_set_rodata(skel, opts ? opts->scope : NULL);
	err = fluxtrace_bpf__load(skel);
	cr_assert_eq(err, 0, "loading the BPF programs failed (%s); run as root", strerror(-err));
	err = ft_scope_fill_maps(skel, opts ? opts->scope : NULL);
	cr_assert_eq(err, 0, "filling the scope prefixes failed: %s", strerror(-err));
	rb = ring_buffer__new(bpf_map__fd(skel->maps.ft_events), on_record, NULL, NULL);
	cr_assert_not_null(rb, "ring_buffer__new: %s", strerror(errno));
	cr_assert_eq(bpf_map__value_size(skel->maps.ft_flows), sizeof(struct ft_flow_state),
		     "ft_flows values are not struct ft_flow_state: rebuild");
	queued = taken = bad_record = 0;
}

void bt_setup(void)
{
	bt_load(NULL);
}

void bt_teardown(void)
{
	ring_buffer__free(rb);
	rb = NULL;
	fluxtrace_bpf__destroy(skel);
	skel = NULL;
}

static void drain(void)
{
	int n = ring_buffer__consume(rb);

	cr_assert_geq(n, 0, "ring_buffer__consume: %s", strerror(-n));
	cr_assert_not(bad_record, "ring buffer record of wrong size or type, or too many");
}

static void clear_map(struct bpf_map *map)
{
	int fd = bpf_map__fd(map);
	__u8 key[128];

	cr_assert_leq(bpf_map__key_size(map), sizeof(key));
	while (!bpf_map_get_next_key(fd, NULL, key))
		cr_assert_eq(bpf_map_delete_elem(fd, key), 0, "clearing %s: %s",
			     bpf_map__name(map), strerror(errno));
}

void bt_reset(void)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 zeros[ncpu];

	memset(zeros, 0, sizeof(zeros));
	drain();
	queued = taken = 0;
	clear_map(skel->maps.ft_flows);
	clear_map(skel->maps.ft_arp_dedup);
	clear_map(skel->maps.ft_local_macs);
	for (__u32 i = 0; i < BT_OWN_MAC_SLOTS; i++) {
		__u8 zero[8] = {};

		cr_assert_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.ft_if_macs), &i, zero,
						 BPF_ANY), 0);
	}
	for (__u32 i = 0; i < FT_CNT_MAX; i++)
		cr_assert_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.ft_counters), &i, zeros,
						 BPF_ANY), 0);
}

void bt_set_own_mac(__u32 ifindex, const __u8 mac[6], int filter)
{
	__u8 own[8] = { [6] = !!filter };

	cr_assert_lt(ifindex, BT_OWN_MAC_SLOTS, "bt_reset clears only the first own-MAC slots");
	cr_assert_eq(bpf_map__value_size(skel->maps.ft_if_macs), sizeof(own));
	memcpy(own, mac, 6);
	cr_assert_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.ft_if_macs), &ifindex, own,
					 BPF_ANY), 0, "ft_if_macs: %s", strerror(errno));
}

void bt_add_local_mac(const __u8 mac[6])
{
	__u64 key = 0;
	__u8 one = 1;

	memcpy(&key, mac, 6);
	cr_assert_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.ft_local_macs), &key, &one,
					 BPF_ANY), 0, "ft_local_macs: %s", strerror(errno));
}

const char *bt_hook_name(enum ft_hook hook)
{
	return ft_hook_name(hook);
}

int bt_try_run(enum ft_hook hook, const struct frame *f, __u32 ifindex)
{
	struct xdp_md xdp = { .data_end = f->len, .ingress_ifindex = ifindex };
	struct __sk_buff skb = { .ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->data, .data_size_in = f->len,
		    .repeat = 1);
	struct bpf_program *prog = NULL;
	int want = 0;

	switch (hook) {
	case FT_HOOK_XDP:
		prog = skel->progs.ft_xdp;
		opts.ctx_in = &xdp;
		opts.ctx_size_in = sizeof(xdp);
		want = XDP_PASS_VERDICT;
		break;
	case FT_HOOK_TC_INGRESS:
	case FT_HOOK_TC_EGRESS:
		prog = hook == FT_HOOK_TC_INGRESS ? skel->progs.ft_tc_ingress
						  : skel->progs.ft_tc_egress;
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
		want = TC_ACT_UNSPEC_VERDICT;
		break;
	default:
		cr_assert_fail("no program for hook %d", hook);
	}
	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return -errno;
	cr_assert_eq((int)opts.retval, want, "%s returned %d, not %d: it must not alter a verdict",
		     bt_hook_name(hook), (int)opts.retval, want);
	if (!hold_events)
		drain();
	return 0;
}

void bt_run(enum ft_hook hook, const struct frame *f, __u32 ifindex)
{
	int err = bt_try_run(hook, f, ifindex);

	cr_assert_eq(err, 0, "BPF_PROG_TEST_RUN of %s on a %zu-byte frame: %s", bt_hook_name(hook),
		     f->len, strerror(-err));
}

int bt_skb_can_carry(const struct frame *f)
{
	__u16 type = f->len >= 14 ? f->data[12] << 8 | f->data[13] : 0;

	if (type == ETH_TYPE_IPV4)
		return f->len >= 14 + 20;
	if (type == ETH_TYPE_IPV6)
		return f->len >= 14 + 40;
	return f->len >= 14;
}

int bt_pending(void)
{
	drain();
	return queued - taken;
}

const union bt_event *bt_take(void)
{
	drain();
	return taken < queued ? &queue[taken++] : NULL;
}

void bt_counters(__u64 out[FT_CNT_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 vals[ncpu];

	cr_assert_gt(ncpu, 0);
	for (__u32 i = 0; i < FT_CNT_MAX; i++) {
		cr_assert_eq(bpf_map_lookup_elem(bpf_map__fd(skel->maps.ft_counters), &i, vals), 0,
			     "reading ft_counters: %s", strerror(errno));
		out[i] = 0;
		for (int cpu = 0; cpu < ncpu; cpu++)
			out[i] += vals[cpu];
	}
}

__u64 bt_counter(enum ft_counter c)
{
	__u64 all[FT_CNT_MAX];

	bt_counters(all);
	return all[c];
}

int bt_flow_count(void)
{
	int fd = bpf_map__fd(skel->maps.ft_flows), n = 0;
	struct ft_flow_key key, next;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

int bt_flow_get(const struct ft_flow_key *key, struct ft_flow_state *st)
{
	return bpf_map_lookup_elem(bpf_map__fd(skel->maps.ft_flows), key, st) ? -1 : 0;
}

void bt_key(struct ft_flow_key *key, int family, __u8 proto, const char *ip1, __u16 port1,
	    const char *ip2, __u16 port2)
{
	__u8 a1[16] = {}, a2[16] = {};
	int cmp;

	fr_addr(family, ip1, a1);
	fr_addr(family, ip2, a2);
	cmp = memcmp(a1, a2, 16);
	memset(key, 0, sizeof(*key));
	key->proto = proto;
	key->family = family;
	if (cmp < 0 || (cmp == 0 && port1 <= port2)) {
		memcpy(key->addr_a, a1, 16);
		memcpy(key->addr_b, a2, 16);
		key->port_a = port1;
		key->port_b = port2;
	} else {
		memcpy(key->addr_a, a2, 16);
		memcpy(key->addr_b, a1, 16);
		key->port_a = port2;
		key->port_b = port1;
	}
}

int bt_side_of(const struct ft_flow_key *key, int family, const char *ip1, __u16 port1)
{
	__u8 a1[16] = {};

	fr_addr(family, ip1, a1);
	if (!memcmp(key->addr_a, a1, 16) && key->port_a == port1)
		return FT_SIDE_A;
	return FT_SIDE_B;
}

__u32 bt_other_ifindex(void)
{
	struct if_nameindex *all = if_nameindex(), *i;
	__u32 found = 0;

	if (!all)
		return 0;
	for (i = all; i->if_index; i++) {
		if (i->if_index != 1 && strcmp(i->if_name, "lo")) {
			found = i->if_index;
			break;
		}
	}
	if_freenameindex(all);
	return found;
}
