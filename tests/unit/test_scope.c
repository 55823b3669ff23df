// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The --filter language compiled in user space: atoms numbered in order of
 * first appearance, truth tables over the atom mask, the LPM prefixes with
 * the bits of every covering prefix, and one error with its column for
 * every bad expression.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "common/scope.h"

TestSuite(scope, .timeout = 30);

static struct ft_scope sc;

static void compile_ok(const char *expr)
{
	char err[256] = "";
	int pos = -1;

	cr_assert_eq(ft_scope_compile(expr, &sc, err, sizeof(err), &pos), 0, "'%s': %s at %d",
		     expr, err, pos);
}

/* The truth table as a string over masks 0 .. 2^n-1, "1" where true. */
static void tt_str(const __u8 *tt, int n, char *out)
{
	for (__u32 m = 0; m < (1u << n); m++)
		out[m] = '0' + ft_scope_tt_get(tt, m);
	out[1u << n] = 0;
}

struct tt_case {
	const char *expr;
	int atoms;
	const char *tt;		/* bit m of the expression, m = 0, 1, ... */
	const char *tt_addr;	/* NULL: not checked */
};

Test(scope, truth_tables)
{
	static const struct tt_case cases[] = {
		{ "tcp", 1, "01", "1" },
		{ "port 80", 1, "01", "1" },
		{ "host 10.0.0.1", 1, "01", "01" },
		{ "not host 10.0.0.1", 1, "10", "10" },
		{ "! host 10.0.0.1", 1, "10", "10" },
		{ "host 10.0.0.1 and port 80", 2, "0001", "01" },
		{ "host 10.0.0.1 && port 80", 2, "0001", "01" },
		{ "host 10.0.0.1 or port 80", 2, "0111", "11" },
		{ "host 10.0.0.1 || port 80", 2, "0111", "11" },
		/* precedence: and binds tighter than or */
		{ "tcp or udp and port 53", 3, "01010111", NULL },
		{ "(tcp or udp) and port 53", 3, "00000111", NULL },
		/* the same atom twice is one bit */
		{ "port 80 or (tcp and port 80)", 2, "0101", NULL },
		{ "proto icmp6 or icmp", 2, "0111", NULL },
		/* address atoms with a port: the address table drops the port */
		{ "net 10.0.0.0/8 and not port 22", 2, "0100", "01" },
		{ "not (host 10.0.0.1 and port 22)", 2, "1110", "11" },
	};
	char got[1 << 8];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tt_case *c = &cases[i];

		compile_ok(c->expr);
		cr_expect_eq(sc.n_atoms, c->atoms, "'%s': %d atoms", c->expr, sc.n_atoms);
		tt_str(sc.tt, c->atoms, got);
		cr_expect_str_eq(got, c->tt, "'%s': truth table %s, want %s", c->expr, got, c->tt);
		if (c->tt_addr) {
			/* only the masks of address atoms: list them in order */
			char addr[1 << 8];
			int k = 0;

			for (__u32 m = 0; m < (1u << c->atoms); m++)
				if (!(m & ~sc.addr_bits))
					addr[k++] = '0' + ft_scope_tt_get(sc.tt_addr, m);
			addr[k] = 0;
			cr_expect_str_eq(addr, c->tt_addr, "'%s': address table %s, want %s",
					 c->expr, addr, c->tt_addr);
		}
	}
}

Test(scope, atoms_compile_to_ports_protos_and_prefixes)
{
	compile_ok("port 443 or tcp or udp or icmp or icmp6 or port 53 or "
		   "net 10.20.0.0/16 or host 10.20.1.2 or net 10.0.0.0/8 or net 2001:db8::/32");
	cr_assert_eq(sc.n_atoms, 10);
	cr_expect_eq(sc.n_ports, 2);
	cr_expect_eq(sc.port[0], 443);
	cr_expect_eq(sc.port_bit[0], 1u << 0);
	cr_expect_eq(sc.port[1], 53);
	cr_expect_eq(sc.port_bit[1], 1u << 5);
	cr_expect_eq(sc.proto_bits[6], 1u << 1);
	cr_expect_eq(sc.proto_bits[17], 1u << 2);
	cr_expect_eq(sc.proto_bits[1], 1u << 3);
	cr_expect_eq(sc.proto_bits[58], 1u << 4);
	cr_expect_eq(sc.addr_bits, 0xfu << 6);
	cr_assert_eq(sc.n_prefixes, 4);
	/* 10.20.0.0/16: itself and 10/8 */
	cr_expect_eq(sc.prefix[0].family, FT_FAMILY_IPV4);
	cr_expect_eq(sc.prefix[0].len, 16);
	cr_expect_eq(sc.prefix[0].bits, (1u << 6) | (1u << 8));
	/* host 10.20.1.2: /32 with every prefix over it */
	cr_expect_eq(sc.prefix[1].len, 32);
	cr_expect_eq(sc.prefix[1].bits, (1u << 6) | (1u << 7) | (1u << 8));
	cr_expect_eq(sc.prefix[2].len, 8);
	cr_expect_eq(sc.prefix[2].bits, 1u << 8);
	cr_expect_eq(sc.prefix[3].family, FT_FAMILY_IPV6);
	cr_expect_eq(sc.prefix[3].len, 32);
	cr_expect_eq(sc.prefix[3].bits, 1u << 9);
	cr_expect_eq(sc.prefix[3].addr[0], 0x20);
	cr_expect_eq(sc.prefix[3].addr[3], 0xb8);
}

Test(scope, sixteen_atoms_fit)
{
	compile_ok("port 1 or port 2 or port 3 or port 4 or port 5 or port 6 or port 7 or "
		   "port 8 or port 9 or port 10 or port 11 or port 12 or port 13 or port 14 or "
		   "port 15 or port 16");
	cr_expect_eq(sc.n_atoms, 16);
	cr_expect_eq(ft_scope_tt_get(sc.tt, 0), 0);
	cr_expect_eq(ft_scope_tt_get(sc.tt, 1u << 15), 1);
}

struct bad_case {
	const char *expr;
	int pos;		/* 1-based column, 0: none */
	const char *msg;	/* a part of the message */
};

Test(scope, bad_expressions_name_the_column)
{
	static const struct bad_case cases[] = {
		{ "host 10.0.0.1 adn port 80", 15, "expected 'and' or 'or'" },
		{ "(host 10.0.0.1 adn port 80)", 16, "expected 'and', 'or' or ')'" },
		{ "(host 10.0.0.1 or port 80", 26, "missing ')' for the '(' at 1" },
		{ "port 80)", 8, "')' without a '('" },
		{ "((tcp)", 7, "missing ')' for the '(' at 1" },
		{ "()", 2, "expected host, net, port" },
		{ "hots 10.0.0.1", 1, "unknown word 'hots'" },
		{ "tcp and", 8, "expected host, net, port" },
		{ "not", 4, "expected host, net, port" },
		{ "host", 5, "expected an address after 'host'" },
		{ "host 10.0.0.300", 6, "bad address '10.0.0.300'" },
		{ "net 10.0.0.0", 5, "give ADDR/LEN" },
		{ "net 10.0.0.0/33", 14, "bad prefix length '33': give 0 to 32" },
		{ "net 2001:db8::/129", 16, "bad prefix length '129': give 0 to 128" },
		{ "net 10.0.0.0/x", 14, "bad prefix length 'x'" },
		{ "net 10.0.0.1/8", 5, "address bits set past /8" },
		{ "net foo/8", 5, "'foo' is not an IPv4 or IPv6 address" },
		{ "port 65536", 6, "bad port '65536': give a number from 0 to 65535" },
		{ "port -1", 6, "bad port '-1'" },
		{ "port http", 6, "bad port 'http'" },
		{ "proto sctp", 7, "unknown protocol 'sctp'" },
		{ "proto", 6, "expected a protocol" },
		{ "tcp udp", 5, "expected 'and' or 'or'" },
		{ "tcp & udp", 5, "expected 'and' or 'or'" },
		{ "", 0, "empty expression" },
		{ "   ", 0, "empty expression" },
		{ "port 1 or port 2 or port 3 or port 4 or port 5 or port 6 or port 7 or port 8 "
		  "or port 9 or port 10 or port 11 or port 12 or port 13 or port 14 or port 15 "
		  "or port 16 or port 17", 168, "more than 16 different primitives" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		char err[256] = "";
		int pos = -1;

		cr_expect_eq(ft_scope_compile(c->expr, &sc, err, sizeof(err), &pos), -1,
			     "'%s' compiled", c->expr);
		cr_expect_eq(pos, c->pos, "'%s': at %d, want %d (%s)", c->expr, pos, c->pos, err);
		cr_expect(strstr(err, c->msg), "'%s': '%s' lacks '%s'", c->expr, err, c->msg);
		cr_expect(!strchr(err, '\n'), "'%s': more than one line", c->expr);
	}
}
