// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The reports: the JSON contract checked by parsing it (the strict
 * parser of json_parse.c), the text layout (100 columns, colour only when asked,
 * "no findings"), replay determinism, and the host facts in hints read
 * from this machine.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <stdio.h>
#include "explain/hostfacts.h"
#include "lib/json_parse.h"
#include "lib/scratch_netns.h"
#include "reduce/internal.h"
#include "render/render.h"
#include "lib/records.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define T0 (100 * SEC)
#define WALL (1700000000LL * 1000000000LL) /* T0 is 2023-11-14T22:15:00Z */

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

static void feed(struct ft_reducer *r, const void *rec, size_t len)
{
	cr_assert_eq(ft_reducer_feed(r, rec, len), 0);
}

static void iface(struct ft_reducer *r, __u32 ifindex, const char *name, const char *mac)
{
	struct ft_iface_record rec = { .type = FT_REC_IFACE, .ifindex = ifindex, .ts_ns = T0 };

	rec.hooks = FT_HOOKBIT(FT_HOOK_XDP) | FT_HOOKBIT(FT_HOOK_TC_EGRESS);
	rec_mac(mac, rec.mac);
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
	rec_mac(mac, FT_HOOK_IS_INGRESS(hook) ? e.src_mac : e.dst_mac);
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
	rec_mac(mac, e.sender_mac);
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

static const struct ft_render_ctx no_facts = {
	.host = "testhost",
	.source = "trace.ft",
	.mono_to_wall_ns = WALL,
};

static const char *render(struct ft_reducer *r, bool json, const struct ft_render_ctx *ctx)
{
	struct ft_report rep;
	FILE *f;

	free(out_buf);
	out_buf = NULL;
	f = open_memstream(&out_buf, &out_len);
	cr_assert_not_null(f);
	cr_assert_eq(ft_reducer_report(r, &rep, true), 0);
	cr_assert_eq(json ? ft_render_json(&rep, ctx, f) : ft_render_text(&rep, ctx, f), 0);
	ft_report_free(&rep);
	fclose(f);
	return out_buf;
}

static void check_columns(const char *text);

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
	cr_expect_eq(jnum(jget(doc, "fluxtrace")), 2);
	cr_expect_eq(jnum(jget(doc, "window_seconds")), 0);
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
	cr_expect_eq(jget(a, "drops")->t, J_ARR);
	cr_expect_eq(jget(a, "drops")->n, 0);
	cr_expect_str_eq(jstr(jget(a, "first_seen")), "2023-11-14T22:15:01.000000Z");
	cr_expect_str_eq(jstr(jget(a, "last_seen")), "2023-11-14T22:15:01.001000Z");
	cr_expect_not_null(strstr(jstr(jget(a, "hint")), "host facts unavailable"));
	/* The group: one flow, its sample, a stable id, active without a window. */
	cr_expect_str_eq(jstr(jget(a, "role")), "server");
	cr_expect_eq(jnum(jget(a, "flows")), 1);
	cr_expect_eq(jnum(jget(a, "peers")), 1);
	cr_assert_eq(jget(a, "samples")->n, 1);
	cr_expect_str_eq(jstr(jget(jget(jat(jget(a, "samples"), 0), "client"), "ip")), "10.0.1.5");
	cr_expect_eq(jnum(jget(jget(jat(jget(a, "samples"), 0), "packets"), "reply")), 1);
	cr_expect_eq(strlen(jstr(jget(a, "id"))), 16);
	cr_expect_str_eq(jstr(jget(a, "state")), "active");

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
	cr_expect_eq(strlen(jstr(jget(d, "id"))), 16);
	cr_expect_str_neq(jstr(jget(d, "id")), jstr(jget(a, "id")));
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

/* Text with each line break and the indent after it turned into a space. */
static char *unwrap(char *t)
{
	char *w = t;

	for (const char *r = t; *r; r++) {
		if (*r == '\n') {
			while (r[1] == ' ')
				r++;
			*w++ = ' ';
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	return t;
}

/* The client's SYN leaves eth0, the SYN-ACK comes back on eth1 and strict
 * rp_filter drops it there. */
static void reply_dropped(struct ft_reducer *r)
{
	struct ft_drop_event d = { .type = FT_REC_DROP, .reason = FT_DROP_RPFILTER };

	iface(r, 2, "eth0", "02:00:00:00:00:10");
	iface(r, 3, "eth1", "02:00:00:00:00:11");
	flow(r, FT_REC_FLOW_NEW, T0, FT_SIDE_A, FT_HOOK_TC_EGRESS, 2, "02:00:00:00:01:01", 6);
	flow(r, FT_REC_FLOW_PATH, T0 + MS, FT_SIDE_B, FT_HOOK_XDP, 3, "02:00:00:00:01:02", 6);
	d.side = FT_SIDE_B;
	d.ifindex = 3;
	d.ts_ns = T0 + MS + 5000;
	d.key.family = FT_FAMILY_IPV4;
	d.key.proto = 6;
	inet_pton(AF_INET, "10.0.1.5", d.key.addr_a);
	inet_pton(AF_INET, "10.0.0.2", d.key.addr_b);
	d.key.port_a = 43210;
	d.key.port_b = 80;
	feed(r, &d, sizeof(d));
	counters(r, T0 + 5 * SEC);
}

Test(render, one_way_with_a_drop)
{
	struct ft_reducer *again = ft_reducer_new(NULL);
	const struct jv *a, *d;
	struct jv *doc;
	const char *t;
	char *first;

	reply_dropped(R);
	first = strdup(render(R, true, &no_facts));
	doc = jparse_line(first);
	cr_assert_eq(jget(doc, "asymmetry")->n, 1, "one_way replaces return_path_mismatch");
	a = jat(jget(doc, "asymmetry"), 0);
	cr_expect_str_eq(jstr(jget(a, "kind")), "one_way");
	cr_expect_str_eq(jstr(jget(a, "reason")), "reply_dropped_rp_filter");
	cr_expect_str_eq(jstr(jat(jget(a, "request_out"), 0)), "eth0");
	cr_expect_str_eq(jstr(jat(jget(a, "reply_in"), 0)), "eth1");
	cr_assert_eq(jget(a, "drops")->n, 1);
	d = jat(jget(a, "drops"), 0);
	cr_expect_str_eq(jstr(jget(d, "reason")), "rp_filter");
	cr_expect_str_eq(jstr(jget(d, "interface")), "eth1");
	cr_expect_str_eq(jstr(jget(d, "side")), "reply");
	cr_expect_not_null(strstr(jstr(jget(a, "hint")), "rp_filter"));
	jfree(doc);

	t = render(R, false, &no_facts);
	check_columns(t);
	cr_expect_not_null(strstr(t, "\none_way (1)\n"), "%s", t);
	cr_expect_not_null(strstr(t, "[reply_dropped_rp_filter]"), "%s", t);
	/* The finding's line, wrapped: compare with the line breaks undone. */
	cr_expect_not_null(strstr(unwrap(out_buf), "; reply dropped by rp_filter on eth1 hint:"),
			   "%s", t);

	/* A replay of the same records, drop included, says the same. */
	cr_assert_not_null(again);
	reply_dropped(again);
	cr_expect_str_eq(render(again, true, &no_facts), first);
	free(first);
	ft_reducer_free(again);
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
	struct ft_render_ctx ctx = no_facts;
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
	struct ft_render_ctx ctx = no_facts;
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
	struct ft_render_ctx ctx = no_facts;

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

/* A flood of findings (1100 clients, each its own unanswered request on
 * its own address): every one counted, a bounded number listed. */
Test(render, findings_are_bounded_per_kind)
{
	struct ft_report rep;
	struct jv *doc;

	for (__u32 i = 0; i < 1100; i++) {
		char a[32];

		struct ft_flow_event e = { .type = FT_REC_FLOW_NEW, .hook = FT_HOOK_TC_EGRESS };

		e.flags = FT_FLOW_INIT_SURE;
		e.tcp_flags = FT_TCP_SYN;
		e.ts_ns = T0 + i;
		e.key.family = FT_FAMILY_IPV4;
		e.key.proto = 6;
		snprintf(a, sizeof(a), "10.0.%u.%u", i / 200, i % 200 + 1);
		inet_pton(AF_INET, a, e.key.addr_a);
		inet_pton(AF_INET, "192.0.2.1", e.key.addr_b);
		e.key.port_a = 10000 + i;
		e.key.port_b = 80;
		feed(R, &e, sizeof(e));
	}
	counters(R, T0 + 5 * SEC);
	cr_assert_eq(ft_reducer_report(R, &rep, false), 0);
	cr_expect_eq(rep.findings.per_kind[FT_KIND_ONE_WAY], 1100);
	ft_report_free(&rep);
	doc = jparse_line(render(R, true, &no_facts));
	cr_expect_eq(jget(doc, "asymmetry")->n, 1000);
	cr_expect_eq(jnum(jget(jget(doc, "counters"), "findings_truncated")), 100);
	jfree(doc);
	cr_expect_not_null(strstr(render(R, false, &no_facts), "... and 1080 more"));
}

/* A gateway that never answered, with the flow that waited for it. */
Test(render, unresolved_neighbor_json_and_text)
{
	struct ft_neigh_event n = { .type = FT_REC_NEIGH, .family = FT_FAMILY_IPV4, .ifindex = 2 };
	struct ft_neigh_drop_event d = { .type = FT_REC_NEIGH_DROP, .ifindex = 2 };
	const struct jv *f, *fl;
	struct jv *doc;
	char *t;

	iface(R, 2, "eth0", "02:00:00:00:00:10");
	n.ts_ns = T0 + 3 * SEC;
	n.flags = FT_NEIGH_BY_TIMER;
	n.old_state = 0x01;
	n.new_state = 0x20;
	inet_pton(AF_INET, "10.0.0.254", n.ip);
	feed(R, &n, sizeof(n));
	d.ts_ns = T0 + 3 * SEC;
	d.reason = FT_DROP_NEIGH_FAILED;
	d.side = FT_SIDE_A;
	d.key.family = FT_FAMILY_IPV4;
	d.key.proto = 6;
	inet_pton(AF_INET, "10.0.0.2", d.key.addr_a);
	inet_pton(AF_INET, "10.77.0.5", d.key.addr_b);
	d.key.port_a = 40000;
	d.key.port_b = 80;
	d.nh_family = FT_FAMILY_IPV4;
	inet_pton(AF_INET, "10.0.0.254", d.nexthop);
	d.count = 2;
	feed(R, &d, sizeof(d));
	counters(R, T0 + 5 * SEC);
	doc = jparse_line(render(R, true, &no_facts));
	cr_assert_eq(jget(doc, "arp_flux")->n, 1);
	f = jat(jget(doc, "arp_flux"), 0);
	cr_expect_str_eq(jstr(jget(f, "kind")), "unresolved_neighbor");
	cr_expect_str_eq(jstr(jget(f, "ip")), "10.0.0.254");
	cr_expect_eq(jnum(jget(f, "requests")), 0);
	cr_expect_eq(jnum(jget(f, "dropped_packets")), 2);
	cr_assert_eq(jget(f, "dropped_flows")->n, 1);
	fl = jat(jget(f, "dropped_flows"), 0);
	cr_expect_str_eq(jstr(jget(fl, "proto")), "tcp");
	cr_expect_str_eq(jstr(jget(jget(fl, "src"), "ip")), "10.0.0.2");
	cr_expect_str_eq(jstr(jget(jget(fl, "dst"), "ip")), "10.77.0.5");
	cr_expect_eq(jnum(jget(jget(fl, "dst"), "port")), 80);
	cr_expect_str_eq(jstr(jget(fl, "reason")), "neigh_failed");
	cr_expect_eq(jnum(jget(fl, "packets")), 2);
	jfree(doc);
	cr_expect_not_null(strstr(out_buf, "\"failed\":true"), "%s", out_buf);
	cr_expect_not_null(strstr(out_buf, "\"via_gateway\":true"), "%s", out_buf);
	check_columns(render(R, false, &no_facts));
	t = unwrap(out_buf);
	cr_expect_not_null(strstr(t, "unresolved_neighbor (1)"), "%s", t);
	cr_expect_not_null(strstr(t, "no request of this host seen"), "%s", t);
	cr_expect_not_null(strstr(t, "10.0.0.2:40000 > 10.77.0.5:80 via it"), "%s", t);
}

Test(render, kinds_are_named)
{
	cr_expect_str_eq(ft_kind_name(FT_KIND_RETURN_PATH_MISMATCH), "return_path_mismatch");
	cr_expect_str_eq(ft_kind_name(FT_KIND_MAC_CHANGED), "mac_changed");
	cr_expect_str_eq(ft_kind_name(FT_KIND_UNRESOLVED_NEIGHBOR), "unresolved_neighbor");
	cr_expect_str_eq(ft_kind_report(FT_KIND_UNRESOLVED_NEIGHBOR), "arp_flux");
	cr_expect_str_eq(ft_drop_reason_name(FT_DROP_NEIGH_QUEUEFULL), "neigh_queuefull");
	cr_expect_null(ft_kind_name(FT_KIND_MAX));
	cr_expect(ft_kind_is_asymmetry(FT_KIND_ONE_WAY));
	cr_expect_not(ft_kind_is_asymmetry(FT_KIND_DUPLICATE_IP));
	/* One name per hook, the same in JSON, metrics, events and --check. */
	cr_expect_str_eq(ft_hook_name(FT_HOOK_TC_INGRESS), "tc_ingress");
	cr_expect_str_eq(ft_hook_name(FT_HOOK_TC_EGRESS), "tc_egress");
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
	struct ft_render_ctx ctx = no_facts;
	char want[64];
	const char *t;

	static struct ft_facts live = { .mode = FT_FACTS_LIVE };

	R->opts.host_facts = &live; /* live: hints read this host's facts */
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

/* A route found through a policy rule is named with its table, as `ip
 * route get` does, not as table main. */
Test(hostfacts, route_in_a_policy_table)
{
	struct ft_route rt;
	__u8 dst[16] = {}, src[16] = {};

	scratch_netns();
	scratch_sh("ip link add eth1 type veth peer name eth1p && ip link set eth1 up && "
		   "ip link set eth1p up && ip addr add 10.9.0.1/24 dev eth1 && "
		   "ip route add 10.9.9.9/32 via 10.9.0.2 dev eth1 table 42 && "
		   "ip rule add from 10.9.0.1 lookup 42 pref 42");
	inet_pton(AF_INET, "10.9.9.9", dst);
	inet_pton(AF_INET, "10.9.0.1", src);
	cr_assert_eq(ft_hostfacts_route(FT_FAMILY_IPV4, dst, src, 0, &rt), 0, "%s", rt.text);
	cr_expect_str_eq(rt.text, "10.9.9.9/32 via 10.9.0.2 dev eth1 table 42");
	/* Without the source the rule does not apply: no route in main. */
	cr_expect_neq(ft_hostfacts_route(FT_FAMILY_IPV4, dst, NULL, 0, &rt), 0, "%s", rt.text);
}
