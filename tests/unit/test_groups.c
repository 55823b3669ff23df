// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Grouped findings and their lifecycle: many flows of one cause are one
 * finding (counts, peers, samples, a stable id), different causes stay
 * apart, --window makes findings active and resolved in event time, and
 * the JSON lines say opened, updated and resolved once each.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/json_parse.h"
#include "lib/records.h"
#include "reduce/internal.h"
#include "render/lines.h"
#include "render/render.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define T0 (100 * SEC)

static struct ft_reducer *R;
static struct ft_report REP;
static char *buf;
static size_t buf_len;

static void start(__u64 window_ns)
{
	struct ft_reduce_opts o = FT_REDUCE_OPTS_DEFAULT;

	o.window_ns = window_ns;
	R = ft_reducer_new(&o);
	cr_assert_not_null(R);
}

static void teardown(void)
{
	ft_report_free(&REP);
	ft_reducer_free(R);
	R = NULL;
	free(buf);
	buf = NULL;
}

TestSuite(groups, .fini = teardown);

static void feed(const void *rec, size_t len)
{
	cr_assert_eq(ft_reducer_feed(R, rec, len), 0);
}

/* A TCP flow client:cport -> server:80 that came in on in_if from in_mac
 * and was answered out of out_if to out_mac (this host is the server). */
static void served(__u64 ts, const char *client, __u16 cport, const char *server, __u32 in_if,
		   const char *in_mac, __u32 out_if, const char *out_mac)
{
	struct ft_flow_event e = { .type = FT_REC_FLOW_NEW, .hook = FT_HOOK_TC_INGRESS };

	e.side = FT_SIDE_A;
	e.initiator = FT_INIT_A;
	e.flags = FT_FLOW_INIT_SURE;
	e.ifindex = in_if;
	e.ts_ns = ts;
	e.key.family = rec_ip(client, e.key.addr_a);
	rec_ip(server, e.key.addr_b);
	e.key.proto = 6;
	e.key.port_a = cport;
	e.key.port_b = 80;
	e.tcp_flags = FT_TCP_SYN;
	rec_mac(in_mac, e.src_mac);
	feed(&e, sizeof(e));
	memset(e.src_mac, 0, 6);
	e.type = FT_REC_FLOW_PATH;
	e.hook = FT_HOOK_TC_EGRESS;
	e.side = FT_SIDE_B;
	e.ifindex = out_if;
	e.ts_ns = ts + MS;
	e.tcp_flags = FT_TCP_SYN | FT_TCP_ACK;
	rec_mac(out_mac, e.dst_mac);
	feed(&e, sizeof(e));
}

static void claim(__u64 ts, const char *ip, const char *mac, bool local)
{
	struct ft_arp_event e = { .type = FT_REC_ARP, .hook = FT_HOOK_TC_EGRESS, .op = FT_ARP_REPLY };

	e.ifindex = 2;
	e.ts_ns = ts;
	e.family = rec_ip(ip, e.sender_ip);
	rec_ip("10.0.0.99", e.target_ip);
	rec_mac(mac, e.sender_mac);
	memcpy(e.eth_src, e.sender_mac, 6);
	rec_mac("02:00:00:00:99:99", e.target_mac);
	memcpy(e.eth_dst, e.target_mac, 6);
	if (!local)
		e.hook = FT_HOOK_TC_INGRESS;
	feed(&e, sizeof(e));
}

static void now(__u64 ts)
{
	struct ft_counters_record c = { .type = FT_REC_COUNTERS, .ts_ns = ts };

	feed(&c, sizeof(c));
	ft_report_free(&REP);
	cr_assert_eq(ft_reducer_report(R, &REP, true), 0);
}

static const struct ft_finding *only_kind(unsigned int kind)
{
	const struct ft_finding *f = NULL;

	for (size_t i = 0; i < REP.findings.n; i++) {
		if (REP.findings.v[i].kind != kind)
			continue;
		cr_assert_null(f, "more than one %s finding", ft_kind_name(kind));
		f = &REP.findings.v[i];
	}
	cr_assert_not_null(f, "no %s finding", ft_kind_name(kind));
	return f;
}

/* 5,000 clients answered out of the wrong interface: one finding. */
Test(groups, many_flows_one_cause_one_finding)
{
	char ip[32];
	const struct ft_finding *f;

	start(0);
	for (int i = 0; i < 5000; i++) {
		snprintf(ip, sizeof(ip), "10.1.%d.%d", i / 250, i % 250 + 1);
		served(T0 + i * MS, ip, 40000 + i % 7, "10.0.0.2", 2, "02:00:00:00:01:01", 3,
		       "02:00:00:00:01:02");
	}
	/* Two connections from one client: a flow more, not a peer more. */
	served(T0 + 6 * SEC, "10.1.0.1", 50000, "10.0.0.2", 2, "02:00:00:00:01:01", 3,
	       "02:00:00:00:01:02");
	now(T0 + 10 * SEC);
	f = only_kind(FT_KIND_RETURN_PATH_MISMATCH);
	cr_expect_eq(REP.findings.n, 1);
	cr_expect_eq(REP.findings.per_kind[FT_KIND_RETURN_PATH_MISMATCH], 1);
	cr_expect_eq(f->flows, 5001);
	cr_expect_eq(f->peers, 5000);
	cr_expect_eq(f->role, FT_ROLE_SERVER);
	cr_expect_eq(f->server_port, 80);
	cr_expect_eq(f->pkts_req, 5001);
	cr_expect_eq(f->pkts_rep, 5001);
	cr_expect_eq(f->first_ns, T0);
	cr_expect_eq(f->last_ns, T0 + 6 * SEC + MS);
	cr_expect_eq(f->n_samples, FT_GROUP_SAMPLES);
	cr_expect_eq(f->state, FT_STATE_NONE);
	cr_expect_neq(f->id, 0);
	cr_expect_str_neq(f->hint, "");
}

/* Another server port, another way in, another kind: other findings. */
Test(groups, different_causes_stay_apart)
{
	start(0);
	served(T0, "10.1.0.1", 40000, "10.0.0.2", 2, "02:00:00:00:01:01", 3, "02:00:00:00:01:02");
	served(T0 + MS, "10.1.0.2", 40001, "10.0.0.2", 2, "02:00:00:00:01:01", 3,
	       "02:00:00:00:01:02");
	served(T0 + 2 * MS, "10.1.0.3", 40002, "10.0.0.3", 2, "02:00:00:00:01:01", 3,
	       "02:00:00:00:01:02");
	served(T0 + 3 * MS, "10.1.0.4", 40003, "10.0.0.2", 4, "02:00:00:00:01:01", 3,
	       "02:00:00:00:01:02");
	now(T0 + 10 * SEC);
	cr_expect_eq(REP.findings.per_kind[FT_KIND_RETURN_PATH_MISMATCH], 3);
	cr_assert_eq(REP.findings.n, 3);
	/* Worst (most flows) first. */
	cr_expect_eq(REP.findings.v[0].flows, 2);
	cr_expect_neq(REP.findings.v[0].id, REP.findings.v[1].id);
	cr_expect_neq(REP.findings.v[1].id, REP.findings.v[2].id);
}

/* The id is a hash of what is wrong: the same flows fed in another order
 * to another reducer give the same ids and samples. */
Test(groups, ids_and_samples_do_not_depend_on_order)
{
	__u64 id;
	struct ft_sample s0;

	start(0);
	for (int i = 0; i < 20; i++)
		served(T0 + i * MS, i % 2 ? "10.1.0.1" : "10.1.0.2", 40000 + i, "10.0.0.2", 2,
		       "02:00:00:00:01:01", 3, "02:00:00:00:01:02");
	now(T0 + 10 * SEC);
	id = only_kind(FT_KIND_RETURN_PATH_MISMATCH)->id;
	s0 = only_kind(FT_KIND_RETURN_PATH_MISMATCH)->samples[0];
	ft_report_free(&REP);
	ft_reducer_free(R);
	start(0);
	for (int i = 19; i >= 0; i--)
		served(T0 + i * MS, i % 2 ? "10.1.0.1" : "10.1.0.2", 40000 + i, "10.0.0.2", 2,
		       "02:00:00:00:01:01", 3, "02:00:00:00:01:02");
	now(T0 + 10 * SEC);
	cr_expect_eq(only_kind(FT_KIND_RETURN_PATH_MISMATCH)->id, id);
	cr_expect_eq(only_kind(FT_KIND_RETURN_PATH_MISMATCH)->peers, 2);
	cr_expect_eq(memcmp(only_kind(FT_KIND_RETURN_PATH_MISMATCH)->samples[0].client_ip,
			    s0.client_ip, 16), 0);
	cr_expect_eq(only_kind(FT_KIND_RETURN_PATH_MISMATCH)->samples[0].client_port, s0.client_port);
	cr_expect_eq(only_kind(FT_KIND_RETURN_PATH_MISMATCH)->samples[0].first_ns, s0.first_ns);
}

/* With a window a finding is active while renewed, resolved after. */
Test(groups, window_active_then_resolved)
{
	const struct ft_finding *f;

	start(5 * SEC);
	served(T0, "10.1.0.1", 40000, "10.0.0.2", 2, "02:00:00:00:01:01", 3, "02:00:00:00:01:02");
	now(T0 + 2 * SEC);
	cr_expect_eq(only_kind(FT_KIND_RETURN_PATH_MISMATCH)->state, FT_STATE_ACTIVE);
	cr_expect_eq(REP.findings.active[FT_KIND_RETURN_PATH_MISMATCH], 1);
	now(T0 + 6 * SEC);
	f = only_kind(FT_KIND_RETURN_PATH_MISMATCH);
	cr_expect_eq(f->state, FT_STATE_RESOLVED);
	cr_expect_eq(REP.findings.active[FT_KIND_RETURN_PATH_MISMATCH], 0);
	/* Still a finding of the run. */
	cr_expect_eq(REP.findings.per_kind[FT_KIND_RETURN_PATH_MISMATCH], 1);
	/* A new flow of the same cause renews it, under the same id. */
	served(T0 + 7 * SEC, "10.1.0.9", 40009, "10.0.0.2", 2, "02:00:00:00:01:01", 3,
	       "02:00:00:00:01:02");
	now(T0 + 8 * SEC);
	cr_expect_eq(only_kind(FT_KIND_RETURN_PATH_MISMATCH)->state, FT_STATE_ACTIVE);
	cr_expect_eq(only_kind(FT_KIND_RETURN_PATH_MISMATCH)->flows, 2);
}

/* Two MACs answer for one IP; then only one does: the duplicate resolves a
 * window after the second MAC's last claim, however often the first one
 * keeps answering. */
Test(groups, duplicate_ip_resolves_when_one_mac_remains)
{
	start(5 * SEC);
	claim(T0, "10.0.0.50", "02:00:00:00:0a:0a", false);
	claim(T0 + SEC, "10.0.0.50", "02:00:00:00:0b:0b", false);
	now(T0 + 2 * SEC);
	cr_expect_eq(only_kind(FT_KIND_DUPLICATE_IP)->state, FT_STATE_ACTIVE);
	for (int i = 2; i < 12; i++)
		claim(T0 + i * SEC, "10.0.0.50", "02:00:00:00:0a:0a", false);
	now(T0 + 12 * SEC);
	cr_expect_eq(only_kind(FT_KIND_DUPLICATE_IP)->state, FT_STATE_RESOLVED);
	cr_expect_eq(only_kind(FT_KIND_DUPLICATE_IP)->evidence_ns, T0 + SEC);
}

static struct jv *lines_of(struct ft_lines *l, bool final, size_t *n)
{
	struct ft_render_ctx ctx = { .host = "h", .source = "s" };
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &buf_len);
	cr_assert_not_null(f);
	cr_assert_eq(ft_render_lines(l, &REP, &ctx, f, final), 0);
	fclose(f);
	*n = 0;
	for (const char *p = buf; *p; p++)
		*n += *p == '\n';
	return NULL;
}

/* The n-th line's "type" (parsed strictly). */
static char *line_type(size_t n, char *id, size_t id_len)
{
	static char type[32];
	const char *p = buf;
	char *line, *nl;
	struct jv *doc;

	for (size_t i = 0; i < n; i++)
		p = strchr(p, '\n') + 1;
	nl = strchr(p, '\n');
	line = strndup(p, nl - p + 1);
	doc = jparse_line(line);
	snprintf(type, sizeof(type), "%s", jstr(jget(doc, "type")));
	if (id && jget(doc, "id"))
		snprintf(id, id_len, "%s", jstr(jget(doc, "id")));
	jfree(doc);
	free(line);
	return type;
}

Test(groups, lines_open_update_resolve_once)
{
	struct ft_lines *l = ft_lines_new();
	char id1[32] = "", id2[32] = "";
	size_t n;

	start(5 * SEC);
	served(T0, "10.1.0.1", 40000, "10.0.0.2", 2, "02:00:00:00:01:01", 3, "02:00:00:00:01:02");
	now(T0 + SEC);
	lines_of(l, false, &n);
	cr_assert_eq(n, 2, "%s", buf);
	cr_expect_str_eq(line_type(0, id1, sizeof(id1)), "opened");
	cr_expect_str_eq(line_type(1, NULL, 0), "summary");
	/* Nothing new: only the summary. */
	now(T0 + 2 * SEC);
	lines_of(l, false, &n);
	cr_expect_eq(n, 1, "%s", buf);
	/* Another client of the same cause: updated, same id. */
	served(T0 + 3 * SEC, "10.1.0.2", 40001, "10.0.0.2", 2, "02:00:00:00:01:01", 3,
	       "02:00:00:00:01:02");
	now(T0 + 3 * SEC + 2 * MS);
	lines_of(l, false, &n);
	cr_assert_eq(n, 2, "%s", buf);
	cr_expect_str_eq(line_type(0, id2, sizeof(id2)), "updated");
	cr_expect_str_eq(id1, id2);
	/* A window without evidence: resolved, once. */
	now(T0 + 9 * SEC);
	lines_of(l, false, &n);
	cr_assert_eq(n, 2, "%s", buf);
	cr_expect_str_eq(line_type(0, id2, sizeof(id2)), "resolved");
	cr_expect_str_eq(id1, id2);
	now(T0 + 10 * SEC);
	lines_of(l, true, &n);
	cr_expect_eq(n, 1, "%s", buf);
	cr_expect_not_null(strstr(buf, "\"final\":true"));
	ft_lines_free(l);
}
