// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fluxtrace.skel.h"
#include "common/scope.h"
#include "live/scope.h"

/* The layout bpf/scope.bpf.h declares. */
struct scope_key {
	__u32 prefixlen;
	__u8 family;
	__u8 addr[16];
};

_Static_assert(sizeof(((struct fluxtrace_bpf__rodata *)0)->ft_scope_tt) == FT_SCOPE_TT_BYTES,
	       "bpf/scope.bpf.h and common/scope.h disagree on the truth table size");
_Static_assert(sizeof(((struct fluxtrace_bpf__rodata *)0)->ft_scope_port) / sizeof(__u16) ==
		       FT_SCOPE_MAX_ATOMS,
	       "bpf/scope.bpf.h and common/scope.h disagree on the number of atoms");

void ft_scope_set_rodata(struct fluxtrace_bpf *skel, const struct ft_scope *s)
{
	if (!s)
		return;
	skel->rodata->ft_scope_on = 1;
	skel->rodata->ft_scope_has_addr = s->n_prefixes > 0;
	skel->rodata->ft_scope_n_ports = s->n_ports;
	for (int i = 0; i < s->n_ports; i++) {
		skel->rodata->ft_scope_port[i] = s->port[i];
		skel->rodata->ft_scope_port_bit[i] = s->port_bit[i];
	}
	memcpy((void *)skel->rodata->ft_scope_proto_bits, s->proto_bits, sizeof(s->proto_bits));
	memcpy((void *)skel->rodata->ft_scope_tt, s->tt, sizeof(s->tt));
	memcpy((void *)skel->rodata->ft_scope_tt_addr, s->tt_addr, sizeof(s->tt_addr));
}

int ft_scope_fill_maps(struct fluxtrace_bpf *skel, const struct ft_scope *s)
{
	int fd = bpf_map__fd(skel->maps.ft_scope_prefixes);

	if (!s)
		return 0;
	if (bpf_map__key_size(skel->maps.ft_scope_prefixes) != sizeof(struct scope_key))
		return -EINVAL;
	for (int i = 0; i < s->n_prefixes; i++) {
		struct scope_key k = { .prefixlen = 8 + s->prefix[i].len,
				       .family = s->prefix[i].family };

		memcpy(k.addr, s->prefix[i].addr, 16);
		if (bpf_map_update_elem(fd, &k, &s->prefix[i].bits, BPF_ANY))
			return -errno;
	}
	return 0;
}
