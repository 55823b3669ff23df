// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The reports: the JSON contract checked by parsing it (a small strict
 * parser below), the text layout (100 columns, colour only when asked,
 * "no findings"), replay determinism, and the host facts in hints read
 * from this machine.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "hostfacts.h"
#include "reduce_internal.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define T0 (100 * SEC)
#define WALL (1700000000LL * 1000000000LL) /* T0 is 2023-11-14T22:15:00Z */

/* ---- a strict JSON parser, enough to walk the report ---- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	double num;
	char *str;
	size_t n;
	char **keys;
	struct jv **items;
};

static struct jv *jparse_value(const char **p, int depth);

static void jskip(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static char *jparse_string(const char **p)
{
	size_t cap = strlen(*p) + 1, n = 0;
	char *s = malloc(cap);

	if (**p != '"')
		goto bad;
	for ((*p)++; **p != '"'; (*p)++) {
		unsigned char c = **p;

		if (!c || c < 0x20)
			goto bad;
		if (c == '\\') {
			(*p)++;
			switch (**p) {
			case '"':
			case '\\':
			case '/':
				s[n++] = **p;
				break;
			case 'n':
				s[n++] = '\n';
				break;
			case 't':
				s[n++] = '\t';
				break;
			case 'r':
			case 'b':
			case 'f':
				s[n++] = ' ';
				break;
			case 'u':
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)(*p)[i]))
						goto bad;
				s[n++] = (char)strtol((char[]){ (*p)[3], (*p)[4], 0 }, NULL, 16);
				*p += 4;
				break;
			default:
				goto bad;
			}
		} else {
			s[n++] = c;
		}
	}
	(*p)++;
	s[n] = 0;
	return s;
bad:
	free(s);
	return NULL;
}

static struct jv *jnew(enum jtype t)
{
	struct jv *v = calloc(1, sizeof(*v));

	v->t = t;
	return v;
}

static void jpush(struct jv *v, char *key, struct jv *item)
{
	v->items = realloc(v->items, (v->n + 1) * sizeof(*v->items));
	v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
	v->items[v->n] = item;
	v->keys[v->n++] = key;
}

static struct jv *jparse_value(const char **p, int depth)
{
	struct jv *v;

	if (depth > 32)
		return NULL;
	jskip(p);
	if (**p == '{' || **p == '[') {
		bool obj = **p == '{';
		char close = obj ? '}' : ']';

		v = jnew(obj ? J_OBJ : J_ARR);
		(*p)++;
		jskip(p);
		if (**p == close) {
			(*p)++;
			return v;
		}
		for (;;) {
			char *key = NULL;
			struct jv *item;

			jskip(p);
			if (obj) {
				key = jparse_string(p);
				jskip(p);
				if (!key || **p != ':')
					return NULL;
				(*p)++;
			}
			item = jparse_value(p, depth + 1);
			if (!item)
				return NULL;
			jpush(v, key, item);
			jskip(p);
			if (**p == ',') {
				(*p)++;
				continue;
			}
			if (**p != close)
				return NULL;
			(*p)++;
			return v;
		}
	}
	if (**p == '"') {
		v = jnew(J_STR);
		v->str = jparse_string(p);
		return v->str ? v : NULL;
	}
	if (!strncmp(*p, "true", 4) || !strncmp(*p, "null", 4)) {
		v = jnew(**p == 't' ? J_BOOL : J_NULL);
		*p += 4;
		return v;
	}
	if (!strncmp(*p, "false", 5)) {
		*p += 5;
		return jnew(J_BOOL);
	}
	if (**p == '-' || isdigit((unsigned char)**p)) {
		char *end;

		v = jnew(J_NUM);
		v->num = strtod(*p, &end);
		*p = end;
		return v;
	}
	return NULL;
}

/* The whole document must be one value followed by one newline. */
static struct jv *jparse_line(const char *s)
{
	const char *p = s;
	struct jv *v = jparse_value(&p, 0);

	cr_assert_not_null(v, "JSON does not parse near offset %zu: %.60s", (size_t)(p - s), p);
	cr_assert_str_eq(p, "\n", "one object on one line, then a newline");
	return v;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
	cr_assert_not_null(o);
	cr_assert_eq(o->t, J_OBJ, "looking up \"%s\" in a non-object", key);
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return o->items[i];
	cr_assert_fail("missing key \"%s\"", key);
	return NULL;
}

static const struct jv *jat(const struct jv *a, size_t i)
{
	cr_assert_not_null(a);
	cr_assert_eq(a->t, J_ARR);
	cr_assert_lt(i, a->n);
	return a->items[i];
}

static const char *jstr(const struct jv *v)
{
	cr_assert_eq(v->t, J_STR);
	return v->str;
}

static double jnum(const struct jv *v)
{
	cr_assert_eq(v->t, J_NUM);
	return v->num;
}

static void jfree(struct jv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jfree(v->items[i]);
		free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

/* ---- building a reducer ---- */

static struct ft_reducer *R;
static char *out_buf;
static size_t out_len;

static void setup(void)
{
	R = ft_reducer_new(NULL);
	cr_assert_not_null(R);
}

static void teardown(void)
{
	ft_reducer_free(R);
	free(out_buf);
	out_buf = NULL;
}

TestSuite(render, .init = setup, .fini = teardown);

static void mac_of(const char *s, __u8 *mac)
{
	unsigned int b[6];

	cr_assert_eq(sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]), 6);
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
}

static void feed(struct ft_reducer *r, const void *rec, size_t len)
{
	cr_assert_eq(ft_reducer_feed(r, rec, len), 0);
}

static void iface(struct ft_reducer *r, __u32 ifindex, const char *name, const char *mac)
{
	struct ft_iface_record rec = { .type = FT_REC_IFACE, .ifindex = ifindex, .ts_ns = T0 };

	rec.hooks = FT_HOOKBIT(FT_HOOK_XDP) | FT_HOOKBIT(FT_HOOK_TC_EGRESS);
	mac_of(mac, rec.mac);
	snprintf(rec.name, sizeof(rec.name), "%.15s", name);
	feed(r, &rec, sizeof(rec));
}

/* 10.0.1.5:43210 (side A) -> 10.0.0.2:80 (side B) seen at the given hooks. */
static void flow(struct ft_reducer *r, __u8 type, __u64 ts, __u8 side, __u8 hook, __u32 ifindex,
		 const char *mac, __u8 proto)
{
	struct ft_flow_event e = { .type = type, .hook = hook, .side = side };

	e.initiator = FT_INIT_A;
	e.flags = FT_FLOW_INIT_SURE;
	e.ifindex = ifindex;
	e.ts_ns = ts;
	e.key.family = FT_FAMILY_IPV4;
	e.key.proto = proto;
	inet_pton(AF_INET, "10.0.1.5", e.key.addr_a);
	inet_pton(AF_INET, "10.0.0.2", e.key.addr_b);
	e.key.port_a = proto == 47 ? 0 : 43210;
	e.key.port_b = proto == 47 ? 0 : 80;
	e.tcp_flags = side == FT_SIDE_A ? FT_TCP_SYN : FT_TCP_SYN | FT_TCP_ACK;
	mac_of(mac, FT_HOOK_IS_INGRESS(hook) ? e.src_mac : e.dst_mac);
	feed(r, &e, sizeof(e));
}

static void mismatch(struct ft_reducer *r, __u32 in_if, __u32 out_if, __u8 proto)
{
	flow(r, FT_REC_FLOW_NEW, T0 + SEC, FT_SIDE_A, FT_HOOK_XDP, in_if, "02:00:00:00:01:01",
	     proto);
	flow(r, FT_REC_FLOW_PATH, T0 + SEC + MS, FT_SIDE_B, FT_HOOK_TC_EGRESS, out_if,
	     "02:00:00:00:01:02", proto);
}

static void arp_claim(struct ft_reducer *r, __u64 ts, const char *ip, const char *mac)
{
	struct ft_arp_event e = { .type = FT_REC_ARP, .hook = FT_HOOK_XDP, .op = FT_ARP_REQUEST };

	e.flags = FT_ARP_GRATUITOUS;
	e.ifindex = 2;
	e.ts_ns = ts;
	e.family = FT_FAMILY_IPV4;
	inet_pton(AF_INET, ip, e.sender_ip);
	memcpy(e.target_ip, e.sender_ip, 16);
	mac_of(mac, e.sender_mac);
	memcpy(e.eth_src, e.sender_mac, 6);
	memset(e.eth_dst, 0xff, 6);
	feed(r, &e, sizeof(e));
}

static void counters(struct ft_reducer *r, __u64 ts)
{
	struct ft_counters_record c = { .type = FT_REC_COUNTERS, .ts_ns = ts };

	c.kernel[FT_CNT_PACKETS] = 1234;
	c.kernel[FT_CNT_RINGBUF_FULL] = 3;
	c.kernel[FT_CNT_FLOW_MAP_FULL] = 2;
	c.kernel[FT_CNT_ARP_MAP_FULL] = 1;
	c.kernel[FT_CNT_MALFORMED] = 7;
	feed(r, &c, sizeof(c));
}

static void scenario(struct ft_reducer *r)
{
	iface(r, 2, "eth0", "02:00:00:00:00:10");
	iface(r, 3, "eth1", "02:00:00:00:00:11");
	mismatch(r, 2, 3, 6);
	arp_claim(r, T0 + 2 * SEC, "10.0.0.50", "02:00:00:00:0a:0a");
	arp_claim(r, T0 + 3 * SEC, "10.0.0.50", "02:00:00:00:0b:0b");
	counters(r, T0 + 10 * SEC);
}

static const struct ft_report_ctx no_facts = {
	.host = "testhost",
	.source = "trace.ft",
	.mono_to_wall_ns = WALL,
	.host_facts = false,
};

static const char *render(struct ft_reducer *r, bool json, const struct ft_report_ctx *ctx)
{
	FILE *f;

	free(out_buf);
	out_buf = NULL;
	f = open_memstream(&out_buf, &out_len);
	cr_assert_not_null(f);
	cr_assert_eq(json ? ft_report_json(r, ctx, f) : ft_report_text(r, ctx, f), 0);
	fclose(f);
	return out_buf;
}

static bool is_rfc3339(const char *s)
{
	regex_t re;
	bool ok;

	cr_assert_eq(regcomp(&re,
			     "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
			     "(\\.[0-9]+)?Z$",
			     REG_EXTENDED | REG_NOSUB),
		     0);
	ok = !regexec(&re, s, 0, NULL, 0);
	regfree(&re);
	return ok;
}

static bool is_mac(const char *s)
{
	regex_t re;
	bool ok;

	cr_assert_eq(regcomp(&re, "^([0-9a-f]{2}:){5}[0-9a-f]{2}$", REG_EXTENDED | REG_NOSUB), 0);
	ok = !regexec(&re, s, 0, NULL, 0);
	regfree(&re);
	return ok;
}

Test(render, json_contract)
{
	struct jv *doc;
	const struct jv *a, *d, *c, *ifs;

	scenario(R);
	doc = jparse_line(render(R, true, &no_facts));
	cr_expect_eq(jnum(jget(doc, "fluxtrace")), 1);
	cr_expect_str_eq(jstr(jget(doc, "host")), "testhost");
	cr_expect_str_eq(jstr(jget(doc, "start")), "2023-11-14T22:15:00.000000Z");
	cr_expect_str_eq(jstr(jget(doc, "end")), "2023-11-14T22:15:10.000000Z");

	ifs = jget(doc, "interfaces");
	cr_assert_eq(ifs->n, 2);
	cr_expect_str_eq(jstr(jget(jat(ifs, 0), "name")), "eth0");
	cr_expect_eq(jnum(jget(jat(ifs, 0), "ifindex")), 2);
	cr_expect_str_eq(jstr(jget(jat(ifs, 0), "mac")), "02:00:00:00:00:10");
	cr_expect_str_eq(jstr(jat(jget(jat(ifs, 1), "hooks"), 0)), "xdp");
	cr_expect_str_eq(jstr(jat(jget(jat(ifs, 1), "hooks"), 1)), "tc_egress");

	c = jget(doc, "counters");
	cr_expect_eq(jnum(jget(c, "flows")), 1);
	cr_expect_eq(jnum(jget(c, "packets")), 1234);
	cr_expect_eq(jnum(jget(c, "events")), 4);
	cr_expect_eq(jnum(jget(c, "lost_events")), 6, "ring buffer + flow map + ARP map");
	cr_expect_eq(jnum(jget(c, "malformed")), 7);

	cr_assert_eq(jget(doc, "asymmetry")->n, 1);
	a = jat(jget(doc, "asymmetry"), 0);
	cr_expect_str_eq(jstr(jget(a, "kind")), "return_path_mismatch");
	cr_expect_str_eq(jstr(jget(a, "proto")), "tcp");
	cr_expect_str_eq(jstr(jget(jget(a, "client"), "ip")), "10.0.1.5");
	cr_expect_eq(jnum(jget(jget(a, "client"), "port")), 43210);
	cr_expect_str_eq(jstr(jget(jget(a, "server"), "ip")), "10.0.0.2");
	cr_expect_eq(jnum(jget(jget(a, "server"), "port")), 80);
	cr_expect_str_eq(jstr(jat(jget(a, "request_in"), 0)), "eth0");
	cr_expect_eq(jget(a, "request_out")->n, 0);
	cr_expect_eq(jget(a, "reply_in")->n, 0);
	cr_expect_str_eq(jstr(jat(jget(a, "reply_out"), 0)), "eth1");
	cr_expect_str_eq(jstr(jat(jget(a, "request_src_macs"), 0)), "02:00:00:00:01:01");
	cr_expect_str_eq(jstr(jat(jget(a, "reply_dst_macs"), 0)), "02:00:00:00:01:02");
	cr_expect_eq(jnum(jget(jget(a, "packets"), "request")), 1);
	cr_expect_eq(jnum(jget(jget(a, "packets"), "reply")), 1);
	cr_expect_eq(jget(a, "icmp_errors")->t, J_ARR);
	cr_expect_eq(jget(a, "icmp_errors")->n, 0);
	cr_expect_str_eq(jstr(jget(a, "first_seen")), "2023-11-14T22:15:01.000000Z");
	cr_expect_str_eq(jstr(jget(a, "last_seen")), "2023-11-14T22:15:01.001000Z");
	cr_expect_not_null(strstr(jstr(jget(a, "hint")), "host facts unavailable"));

	cr_assert_eq(jget(doc, "arp_flux")->n, 1);
	d = jat(jget(doc, "arp_flux"), 0);
	cr_expect_str_eq(jstr(jget(d, "kind")), "duplicate_ip");
	cr_expect_str_eq(jstr(jget(d, "family")), "ipv4");
	cr_expect_str_eq(jstr(jget(d, "ip")), "10.0.0.50");
	cr_assert_eq(jget(d, "macs")->n, 2);
	cr_expect(is_mac(jstr(jat(jget(d, "macs"), 1))));
	cr_expect_str_eq(jstr(jat(jget(d, "interfaces"), 0)), "eth0");
	cr_expect_eq(jnum(jget(d, "changes")), 1);
	cr_expect(is_rfc3339(jstr(jget(d, "first_seen"))));
	cr_expect(is_rfc3339(jstr(jget(d, "last_seen"))));
	cr_expect_gt(strlen(jstr(jget(d, "hint"))), 20);
	cr_expect_eq(jget(doc, "classified")->n, 0);
	jfree(doc);
}

Test(render, json_empty_lists)
{
	struct jv *doc;

	counters(R, T0);
	doc = jparse_line(render(R, true, &no_facts));
	cr_expect_eq(jget(doc, "asymmetry")->t, J_ARR);
	cr_expect_eq(jget(doc, "asymmetry")->n, 0);
	cr_expect_eq(jget(doc, "arp_flux")->n, 0);
	cr_expect_eq(jget(doc, "interfaces")->n, 0);
	cr_expect(is_rfc3339(jstr(jget(doc, "start"))));
	jfree(doc);
}

Test(render, json_one_way_with_icmp_and_other_proto)
{
	struct ft_icmp_event e = { .type = FT_REC_ICMP_ERROR, .hook = FT_HOOK_XDP };
	struct jv *doc;
	const struct jv *a, *err, *g;

	/* An unanswered UDP query with a port unreachable... */
	flow(R, FT_REC_FLOW_NEW, T0, FT_SIDE_A, FT_HOOK_TC_EGRESS, 2, "02:00:00:00:01:01", 17);
	e.side = FT_SIDE_A;
	e.icmp_type = 3;
	e.icmp_code = 3;
	e.ts_ns = T0 + MS;
	e.family = FT_FAMILY_IPV4;
	e.key.family = FT_FAMILY_IPV4;
	e.key.proto = 17;
	inet_pton(AF_INET, "10.0.1.5", e.key.addr_a);
	inet_pton(AF_INET, "10.0.0.2", e.key.addr_b);
	e.key.port_a = 43210;
	e.key.port_b = 80;
	inet_pton(AF_INET, "10.0.0.2", e.from);
	feed(R, &e, sizeof(e));
	/* ...and a GRE flow whose replies leave elsewhere. */
	mismatch(R, 2, 3, 47);
	counters(R, T0 + 5 * SEC);
	doc = jparse_line(render(R, true, &no_facts));
	cr_assert_eq(jget(doc, "asymmetry")->n, 2);
	for (size_t i = 0; i < 2; i++) {
		a = jat(jget(doc, "asymmetry"), i);
		if (!strcmp(jstr(jget(a, "kind")), "one_way")) {
			cr_expect_str_eq(jstr(jget(a, "reason")), "udp_unanswered");
			cr_expect_str_eq(jstr(jget(a, "proto")), "udp");
			err = jat(jget(a, "icmp_errors"), 0);
			cr_expect_eq(jnum(jget(err, "type")), 3);
			cr_expect_eq(jnum(jget(err, "code")), 3);
			cr_expect_str_eq(jstr(jget(err, "from")), "10.0.0.2");
		} else {
			g = a;
			cr_expect_str_eq(jstr(jget(g, "kind")), "return_path_mismatch");
			cr_expect_eq(jnum(jget(g, "proto")), 47);
			cr_expect_eq(jnum(jget(jget(g, "client"), "port")), 0);
		}
	}
	jfree(doc);
}

Test(render, json_classified_look_alikes)
{
	struct jv *doc;
	const struct jv *c;

	flow(R, FT_REC_FLOW_NEW, T0, FT_SIDE_A, FT_HOOK_XDP, 2, "02:00:00:00:01:01", 6);
	flow(R, FT_REC_FLOW_PATH, T0 + MS, FT_SIDE_B, FT_HOOK_TC_EGRESS, 2, "00:00:5e:00:01:01", 6);
	counters(R, T0 + SEC);
	doc = jparse_line(render(R, true, &no_facts));
	cr_expect_eq(jget(doc, "asymmetry")->n, 0);
	cr_assert_eq(jget(doc, "classified")->n, 1);
	c = jat(jget(doc, "classified"), 0);
	cr_expect_str_eq(jstr(jget(c, "kind")), "next_hop_mismatch");
	cr_expect_str_eq(jstr(jget(c, "class")), "vrrp");
	cr_expect_eq(jnum(jget(jget(doc, "counters"), "classified")), 1);
	jfree(doc);
}

Test(render, json_escapes_strings)
{
	struct ft_report_ctx ctx = no_facts;
	struct jv *doc;

	ctx.host = "we\"ird\\host\nname\x01";
	counters(R, T0);
	doc = jparse_line(render(R, true, &ctx));
	cr_expect_str_eq(jstr(jget(doc, "host")), "we\"ird\\host\nname\x01");
	jfree(doc);
}

Test(render, json_lines_per_interval)
{
	struct jv *doc;
	char *first;

	scenario(R);
	first = strdup(render(R, true, &no_facts));
	counters(R, T0 + 20 * SEC);
	doc = jparse_line(render(R, true, &no_facts));
	cr_expect_str_eq(jstr(jget(doc, "end")), "2023-11-14T22:15:20.000000Z");
	jfree(doc);
	jfree(jparse_line(first));
	free(first);
}

/* Replaying the same records gives the same report, byte for byte. */
Test(render, replay_is_identical)
{
	struct ft_reducer *again = ft_reducer_new(NULL);
	char *first;

	cr_assert_not_null(again);
	scenario(R);
	scenario(again);
	first = strdup(render(R, true, &no_facts));
	cr_expect_str_eq(render(again, true, &no_facts), first);
	free(first);
	first = strdup(render(R, false, &no_facts));
	cr_expect_str_eq(render(again, false, &no_facts), first);
	free(first);
	ft_reducer_free(again);
}

static void check_columns(const char *text)
{
	int line = 1;

	for (const char *p = text; *p; line++) {
		size_t n = strcspn(p, "\n");

		cr_expect_leq(n, 100, "line %d is %zu columns: %.*s", line, n, (int)n, p);
		p += n + (p[n] == '\n');
	}
}

Test(render, text_report)
{
	const char *t;

	scenario(R);
	t = render(R, false, &no_facts);
	cr_expect_not_null(strstr(t, "fluxtrace report: host testhost (trace.ft)"));
	cr_expect_not_null(strstr(t, "6 lost events"));
	cr_expect_not_null(strstr(t, "\nduplicate_ip (1)\n"));
	cr_expect_not_null(strstr(t, "\nreturn_path_mismatch (1)\n"));
	cr_expect_lt(strstr(t, "duplicate_ip (1)"), strstr(t, "return_path_mismatch (1)"),
		     "worst first");
	cr_expect_not_null(strstr(t, "tcp 10.0.1.5:43210 -> 10.0.0.2:80"));
	cr_expect_not_null(strstr(t, "hint: "));
	cr_expect_null(strstr(t, "no findings"));
	cr_expect_null(strchr(t, '\033'), "no colour unless asked");
	check_columns(t);
}

Test(render, text_no_findings_and_colour)
{
	struct ft_report_ctx ctx = no_facts;
	const char *t;

	counters(R, T0);
	t = render(R, false, &ctx);
	cr_expect_not_null(strstr(t, "\nno findings\n"));
	ctx.color = true;
	t = render(R, false, &ctx);
	cr_expect_not_null(strchr(t, '\033'));
}

Test(render, text_fits_100_columns)
{
	static const char *const macs[] = { "02:00:00:00:0a:01", "02:00:00:00:0a:02",
					    "02:00:00:00:0a:03", "02:00:00:00:0a:04",
					    "02:00:00:00:0a:05", "02:00:00:00:0a:06" };
	struct ft_report_ctx ctx = no_facts;

	ctx.host = "a-rather-long-host-name-for-a-report-header.example.internal.company.test";
	ctx.source = "/var/tmp/traces/a-long-directory-name/with-a-long-trace-file-name.ft";
	iface(R, 2, "a-long-name-15c", "02:00:00:00:00:10");
	for (int i = 0; i < 12; i++) {
		char name[32];

		snprintf(name, sizeof(name), "veth-num-%d", i);
		iface(R, 10 + i, name, "02:00:00:00:00:33");
	}
	for (int i = 0; i < 6; i++)
		arp_claim(R, T0 + i * SEC, "10.0.0.50", macs[i]);
	mismatch(R, 2, 10, 6);
	counters(R, T0 + 10 * SEC);
	check_columns(render(R, false, &ctx));
}

/* A flood of findings: every one counted, a bounded number listed. */
Test(render, findings_are_bounded_per_kind)
{
	struct ft_summary sum;
	struct jv *doc;

	for (__u32 i = 0; i < 1100; i++) {
		struct ft_flow_event e = { .type = FT_REC_FLOW_NEW, .hook = FT_HOOK_TC_EGRESS };

		e.flags = FT_FLOW_INIT_SURE;
		e.tcp_flags = FT_TCP_SYN;
		e.ts_ns = T0 + i;
		e.key.family = FT_FAMILY_IPV4;
		e.key.proto = 6;
		inet_pton(AF_INET, "10.0.0.2", e.key.addr_a);
		inet_pton(AF_INET, "192.0.2.1", e.key.addr_b);
		e.key.port_a = 10000 + i;
		e.key.port_b = 80;
		feed(R, &e, sizeof(e));
	}
	counters(R, T0 + 5 * SEC);
	ft_reducer_summary(R, &sum);
	cr_expect_eq(sum.by_kind[FT_KIND_ONE_WAY], 1100);
	doc = jparse_line(render(R, true, &no_facts));
	cr_expect_eq(jget(doc, "asymmetry")->n, 1000);
	cr_expect_eq(jnum(jget(jget(doc, "counters"), "findings_truncated")), 100);
	jfree(doc);
	cr_expect_not_null(strstr(render(R, false, &no_facts), "... and 1080 more"));
}

Test(render, kinds_are_named)
{
	cr_expect_str_eq(ft_finding_kind_name(FT_KIND_RETURN_PATH_MISMATCH),
			 "return_path_mismatch");
	cr_expect_str_eq(ft_finding_kind_name(FT_KIND_MAC_CHANGED), "mac_changed");
	cr_expect_null(ft_finding_kind_name(FT_KIND_MAX));
	cr_expect(ft_finding_kind_is_asymmetry(FT_KIND_ONE_WAY));
	cr_expect_not(ft_finding_kind_is_asymmetry(FT_KIND_DUPLICATE_IP));
}

/* ---- host facts, read from this machine ---- */

static int proc_int(const char *dev, const char *name)
{
	char path[128];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", dev, name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fscanf(f, "%d", &v), 1);
	fclose(f);
	return v;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

Test(render, hint_carries_host_facts)
{
	struct ft_report_ctx ctx = no_facts;
	char want[64];
	const char *t;

	ctx.host_facts = true;
	iface(R, 1, "lo", "00:00:00:00:00:00");
	iface(R, 3, "eth1", "02:00:00:00:00:11");
	mismatch(R, 1, 3, 6);
	counters(R, T0 + 5 * SEC);
	t = render(R, false, &ctx);
	snprintf(want, sizeof(want), "rp_filter lo=%d",
		 max_int(proc_int("all", "rp_filter"), proc_int("lo", "rp_filter")));
	cr_expect_not_null(strstr(t, want), "want \"%s\" in:\n%s", want, t);
	cr_expect_not_null(strstr(t, "route to 10.0.1.5"));
	cr_expect_null(strstr(t, "host facts unavailable"));
}

TestSuite(hostfacts);

Test(hostfacts, effective_sysctls_of_lo)
{
	struct ft_if_sysctls sc;

	cr_assert_eq(ft_hostfacts_sysctls("lo", &sc), 0);
	cr_expect_eq(sc.arp_ignore,
		     max_int(proc_int("all", "arp_ignore"), proc_int("lo", "arp_ignore")));
	cr_expect_eq(sc.arp_announce,
		     max_int(proc_int("all", "arp_announce"), proc_int("lo", "arp_announce")));
	cr_expect_eq(sc.arp_filter, proc_int("all", "arp_filter") || proc_int("lo", "arp_filter"));
	cr_expect_eq(sc.rp_filter,
		     max_int(proc_int("all", "rp_filter"), proc_int("lo", "rp_filter")));
	cr_expect_eq(ft_hostfacts_sysctls("no-such-if0", &sc), -ENOENT);
	cr_expect_eq(ft_hostfacts_sysctls("../all", &sc), -EINVAL);
}

Test(hostfacts, route_of_loopback)
{
	struct ft_route rt;
	__u8 ip[16] = {};

	inet_pton(AF_INET, "127.0.0.1", ip);
	cr_assert_eq(ft_hostfacts_route(FT_FAMILY_IPV4, ip, NULL, 0, &rt), 0, "%s", rt.text);
	cr_expect_not_null(strstr(rt.text, "dev lo"), "%s", rt.text);
	/* Without policy rules the kernel keeps local routes in its main trie. */
	cr_expect_not_null(strstr(rt.text, "local 127.0.0."), "%s", rt.text);
	cr_expect_not_null(strstr(rt.text, " table "), "%s", rt.text);
	cr_expect_eq(rt.oif, 1);
}
