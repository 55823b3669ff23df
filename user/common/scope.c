// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The --filter language (common/scope.h): a recursive-descent parser into
 * a small tree, then truth tables and LPM prefixes. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "common/scope.h"

#define MAX_NODES 256
#define MAX_DEPTH 64

enum atom_kind { A_NET, A_PORT, A_PROTO };

struct atom {
	enum atom_kind kind;
	__u8 family, len;	/* A_NET (a host is a full-length prefix) */
	__u8 addr[16];
	__u16 port;		/* A_PORT */
	__u8 proto;		/* A_PROTO */
};

enum node_kind { N_ATOM, N_NOT, N_AND, N_OR };

struct node {
	enum node_kind kind;
	int a, b;		/* children, or the atom index */
};

struct parser {
	const char *s;
	size_t pos;		/* start of the current token */
	size_t len;		/* its length; 0 at the end */
	struct node node[MAX_NODES];
	int n_nodes;
	struct atom atom[FT_SCOPE_MAX_ATOMS];
	int n_atoms;
	int depth;
	char *err;
	size_t errlen;
	int err_pos;
};

static int __attribute__((format(printf, 3, 4))) fail_at(struct parser *p, size_t at,
							  const char *fmt, ...)
{
	va_list ap;

	if (!p->err_pos) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
		p->err_pos = (int)at + 1;
	}
	return -1;
}

static int is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == ':' || c == '/' || c == '_' ||
	       c == '-';
}

/* Moves to the next token: a word, '(', ')', '!', '&&' or '||'. */
static void next(struct parser *p)
{
	size_t i = p->pos + p->len;

	while (p->s[i] == ' ' || p->s[i] == '\t' || p->s[i] == '\n')
		i++;
	p->pos = i;
	if (!p->s[i])
		p->len = 0;
	else if ((p->s[i] == '&' && p->s[i + 1] == '&') || (p->s[i] == '|' && p->s[i + 1] == '|'))
		p->len = 2;
	else if (!is_word_char(p->s[i]))
		p->len = 1;
	else
		for (p->len = 0; is_word_char(p->s[i + p->len]); p->len++)
			;
}

static int is(const struct parser *p, const char *word)
{
	return p->len == strlen(word) && !strncmp(p->s + p->pos, word, p->len);
}

static const char *tok(const struct parser *p, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)p->len, p->s + p->pos);
	return buf;
}

static int new_node(struct parser *p, enum node_kind kind, int a, int b)
{
	if (p->n_nodes == MAX_NODES)
		return fail_at(p, p->pos, "expression too long");
	p->node[p->n_nodes] = (struct node){ kind, a, b };
	return p->n_nodes++;
}

static int add_atom(struct parser *p, const struct atom *a, size_t at)
{
	for (int i = 0; i < p->n_atoms; i++)
		if (!memcmp(&p->atom[i], a, sizeof(*a)))
			return new_node(p, N_ATOM, i, 0);
	if (p->n_atoms == FT_SCOPE_MAX_ATOMS)
		return fail_at(p, at, "more than %d different primitives (host, net, port, proto)",
			       FT_SCOPE_MAX_ATOMS);
	p->atom[p->n_atoms] = *a;
	return new_node(p, N_ATOM, p->n_atoms++, 0);
}

static int parse_addr(const char *text, struct atom *a)
{
	if (inet_pton(AF_INET, text, a->addr) == 1) {
		a->family = FT_FAMILY_IPV4;
		a->len = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, text, a->addr) == 1) {
		a->family = FT_FAMILY_IPV6;
		a->len = 128;
		return 0;
	}
	return -1;
}

static int parse_net(struct parser *p, struct atom *a)
{
	char buf[64], *slash, *end;
	unsigned long len;
	int max;

	tok(p, buf, sizeof(buf));
	slash = strchr(buf, '/');
	if (!slash)
		return fail_at(p, p->pos, "bad prefix '%s': give ADDR/LEN, e.g. 10.20.0.0/16", buf);
	*slash = 0;
	if (parse_addr(buf, a))
		return fail_at(p, p->pos, "bad prefix '%s/%s': '%s' is not an IPv4 or IPv6 address",
			       buf, slash + 1, buf);
	max = a->len;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || !isdigit((unsigned char)slash[1]) || len > (unsigned long)max)
		return fail_at(p, p->pos + (slash - buf) + 1,
			       "bad prefix length '%s': give 0 to %d", slash + 1, max);
	a->len = len;
	for (int bit = len; bit < max; bit++)
		if (a->addr[bit / 8] & (0x80 >> (bit % 8)))
			return fail_at(p, p->pos, "bad prefix '%s/%lu': address bits set past /%lu",
				       buf, len, len);
	return 0;
}

static int parse_proto(struct parser *p, struct atom *a)
{
	char buf[32];

	a->kind = A_PROTO;
	if (is(p, "tcp"))
		a->proto = 6;
	else if (is(p, "udp"))
		a->proto = 17;
	else if (is(p, "icmp"))
		a->proto = 1;
	else if (is(p, "icmp6"))
		a->proto = 58;
	else if (!p->len)
		return fail_at(p, p->pos, "expected a protocol: tcp, udp, icmp or icmp6");
	else
		return fail_at(p, p->pos, "unknown protocol '%s': use tcp, udp, icmp or icmp6",
			       tok(p, buf, sizeof(buf)));
	return 0;
}

static int parse_or(struct parser *p);

static int parse_atom(struct parser *p)
{
	struct atom a;
	char buf[64], *end;
	size_t at = p->pos;
	unsigned long v;

	memset(&a, 0, sizeof(a));
	if (is(p, "host") || is(p, "net")) {
		int host = is(p, "host");

		next(p);
		if (!p->len)
			return fail_at(p, p->pos, "expected %s after '%s'",
				       host ? "an address" : "a prefix (ADDR/LEN)",
				       host ? "host" : "net");
		a.kind = A_NET;
		if (host && parse_addr(tok(p, buf, sizeof(buf)), &a))
			return fail_at(p, p->pos, "bad address '%s': give an IPv4 or IPv6 address",
				       buf);
		if (!host && parse_net(p, &a))
			return -1;
	} else if (is(p, "port")) {
		next(p);
		if (!p->len)
			return fail_at(p, p->pos, "expected a port number after 'port'");
		tok(p, buf, sizeof(buf));
		errno = 0;
		v = strtoul(buf, &end, 10);
		if (errno || !isdigit((unsigned char)buf[0]) || *end || v > 65535)
			return fail_at(p, p->pos, "bad port '%s': give a number from 0 to 65535",
				       buf);
		a.kind = A_PORT;
		a.port = v;
	} else if (is(p, "proto")) {
		next(p);
		if (parse_proto(p, &a))
			return -1;
	} else if (is(p, "tcp") || is(p, "udp") || is(p, "icmp") || is(p, "icmp6")) {
		parse_proto(p, &a);
	} else if (!p->len) {
		return fail_at(p, p->pos, "expected host, net, port, proto, tcp, udp, icmp, "
				   "icmp6, 'not' or '('");
	} else {
		return fail_at(p, p->pos, "%s '%s': expected host, net, port, proto, tcp, udp, "
				   "icmp, icmp6, 'not' or '('",
			       is_word_char(p->s[p->pos]) ? "unknown word" : "unexpected",
			       tok(p, buf, sizeof(buf)));
	}
	next(p);
	return add_atom(p, &a, at);
}

static int parse_unary(struct parser *p)
{
	int n;

	if (is(p, "not") || is(p, "!")) {
		if (++p->depth > MAX_DEPTH)
			return fail_at(p, p->pos, "expression nested too deep");
		next(p);
		n = parse_unary(p);
		p->depth--;
		return n < 0 ? n : new_node(p, N_NOT, n, 0);
	}
	if (is(p, "(")) {
		size_t open = p->pos;

		if (++p->depth > MAX_DEPTH)
			return fail_at(p, p->pos, "expression nested too deep");
		next(p);
		n = parse_or(p);
		if (n < 0)
			return n;
		if (!is(p, ")"))
			return p->len ? fail_at(p, p->pos, "expected 'and', 'or' or ')'")
				      : fail_at(p, p->pos, "missing ')' for the '(' at %zu",
						open + 1);
		p->depth--;
		next(p);
		return n;
	}
	return parse_atom(p);
}

static int parse_and(struct parser *p)
{
	int n = parse_unary(p);

	while (n >= 0 && (is(p, "and") || is(p, "&&"))) {
		int m;

		next(p);
		m = parse_unary(p);
		if (m < 0)
			return m;
		n = new_node(p, N_AND, n, m);
	}
	return n;
}

static int parse_or(struct parser *p)
{
	int n = parse_and(p);

	while (n >= 0 && (is(p, "or") || is(p, "||"))) {
		int m;

		next(p);
		m = parse_and(p);
		if (m < 0)
			return m;
		n = new_node(p, N_OR, n, m);
	}
	return n;
}

static int eval(const struct parser *p, int n, __u32 mask)
{
	const struct node *x = &p->node[n];

	switch (x->kind) {
	case N_ATOM:
		return (mask >> x->a) & 1;
	case N_NOT:
		return !eval(p, x->a, mask);
	case N_AND:
		return eval(p, x->a, mask) && eval(p, x->b, mask);
	case N_OR:
		return eval(p, x->a, mask) || eval(p, x->b, mask);
	}
	return 0;
}

/* Whether prefix (family, len, addr) contains the prefix q. */
static int covers(const struct atom *a, const struct ft_scope_prefix *q)
{
	if (a->family != q->family || a->len > q->len)
		return 0;
	for (int bit = 0; bit < a->len; bit++)
		if ((a->addr[bit / 8] ^ q->addr[bit / 8]) & (0x80 >> (bit % 8)))
			return 0;
	return 1;
}

static void compile(const struct parser *p, int root, struct ft_scope *out)
{
	__u32 all = (1u << p->n_atoms) - 1, other;

	out->n_atoms = p->n_atoms;
	for (int i = 0; i < p->n_atoms; i++) {
		const struct atom *a = &p->atom[i];
		int j;

		switch (a->kind) {
		case A_NET:
			out->addr_bits |= 1u << i;
			for (j = 0; j < out->n_prefixes; j++)
				if (out->prefix[j].family == a->family && out->prefix[j].len == a->len &&
				    !memcmp(out->prefix[j].addr, a->addr, 16))
					break;
			if (j == out->n_prefixes) {
				out->prefix[j].family = a->family;
				out->prefix[j].len = a->len;
				memcpy(out->prefix[j].addr, a->addr, 16);
				out->n_prefixes++;
			}
			break;
		case A_PORT:
			out->port[out->n_ports] = a->port;
			out->port_bit[out->n_ports++] = 1u << i;
			break;
		case A_PROTO:
			out->proto_bits[a->proto] |= 1u << i;
			break;
		}
	}
	/* The longest match must carry every atom that covers the address. */
	for (int j = 0; j < out->n_prefixes; j++)
		for (int i = 0; i < p->n_atoms; i++)
			if (p->atom[i].kind == A_NET && covers(&p->atom[i], &out->prefix[j]))
				out->prefix[j].bits |= 1u << i;

	for (__u32 m = 0; m <= all; m++)
		if (eval(p, root, m))
			out->tt[m >> 3] |= 1 << (m & 7);
	/* Could be in scope: some assignment of the port/proto atoms makes it true. */
	other = all & ~out->addr_bits;
	for (__u32 m = 0; m <= all; m++) {
		__u32 a = other;

		if (m & other)
			continue;
		for (;;) {
			if (ft_scope_tt_get(out->tt, m | a)) {
				out->tt_addr[m >> 3] |= 1 << (m & 7);
				break;
			}
			if (!a)
				break;
			a = (a - 1) & other;
		}
	}
}

int ft_scope_compile(const char *expr, struct ft_scope *out, char *err, size_t errlen, int *pos)
{
	struct parser *p = calloc(1, sizeof(*p));
	int root;

	if (!p) {
		snprintf(err, errlen, "out of memory");
		*pos = 0;
		return -1;
	}
	p->s = expr;
	p->err = err;
	p->errlen = errlen;
	memset(out, 0, sizeof(*out));
	next(p);
	if (!p->len) {
		snprintf(err, errlen, "empty expression");
		*pos = 0;
		free(p);
		return -1;
	}
	root = parse_or(p);
	if (root >= 0 && p->len)
		root = is(p, ")") ? fail_at(p, p->pos, "')' without a '(' before it")
				  : fail_at(p, p->pos, "expected 'and' or 'or'");
	if (root < 0) {
		*pos = p->err_pos;
		free(p);
		return -1;
	}
	compile(p, root, out);
	*pos = 0;
	free(p);
	return 0;
}
