/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --filter: a small tcpdump-like language compiled into what the BPF
 * programs consult (bpf/scope.bpf.h):
 *
 *   expr  := or
 *   or    := and { ('or' | '||') and }
 *   and   := unary { ('and' | '&&') unary }
 *   unary := ('not' | '!') unary | '(' or ')' | atom
 *   atom  := 'host' ADDR | 'net' PREFIX | 'port' N
 *          | 'proto' ('tcp'|'udp'|'icmp'|'icmp6') | 'tcp' | 'udp' | 'icmp' | 'icmp6'
 *
 * Each distinct atom gets a bit (at most FT_SCOPE_MAX_ATOMS). host/net
 * atoms become prefixes of an LPM trie whose value is the bitmask of every
 * atom covering the prefix; port and proto atoms are compared directly.
 * The whole expression becomes a truth table over the atom mask; a second
 * one, over the address atoms alone, says whether an address could be in
 * scope (ARP/NDP and neighbour events carry no ports).
 */
#ifndef FLUXTRACE_SCOPE_H
#define FLUXTRACE_SCOPE_H

#include <stddef.h>
#include <linux/types.h>

#define FT_SCOPE_MAX_ATOMS 16
#define FT_SCOPE_TT_BYTES ((1u << FT_SCOPE_MAX_ATOMS) / 8)

/* One LPM trie entry: a prefix and the atoms it satisfies. */
struct ft_scope_prefix {
	__u8 family;		/* FT_FAMILY_IPV4 / FT_FAMILY_IPV6 */
	__u8 len;		/* prefix length in bits */
	__u8 addr[16];		/* network order, host bits zero */
	__u32 bits;
};

struct ft_scope {
	int n_atoms;
	__u32 addr_bits;	/* host/net atoms */
	int n_prefixes;
	struct ft_scope_prefix prefix[FT_SCOPE_MAX_ATOMS];
	int n_ports;
	__u16 port[FT_SCOPE_MAX_ATOMS];	/* port atoms: value ... */
	__u32 port_bit[FT_SCOPE_MAX_ATOMS];	/* ... and bit */
	__u32 proto_bits[256];	/* by IP protocol number */
	__u8 tt[FT_SCOPE_TT_BYTES];	/* bit m: expression true for atom mask m */
	__u8 tt_addr[FT_SCOPE_TT_BYTES];	/* bit m (address atoms only): could be true */
};

/* Compiles expr into *out. 0, or -1 with a message in err and the 1-based
 * column of the problem in *pos (0 when it is not about one place). */
int ft_scope_compile(const char *expr, struct ft_scope *out, char *err, size_t errlen, int *pos);

static inline int ft_scope_tt_get(const __u8 *tt, __u32 mask)
{
	return (tt[mask >> 3] >> (mask & 7)) & 1;
}

#endif /* FLUXTRACE_SCOPE_H */
