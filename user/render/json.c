// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The JSON report: one object on one line, schema version 2
 * (user/render/README.md). Field names and shapes are a contract: add, never
 * rename. Version 2: a finding is a group (its counts cover every member).
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "common/format.h"
#include "common/names.h"
#include "render/json.h"
#include "render/render.h"

#define jstr ft_json_str
#define jtime ft_json_time

void ft_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\u%04x", *p); /* keeps the output ASCII, always valid */
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void jkey(FILE *out, const char *key)
{
	jstr(out, key);
	fputc(':', out);
}

void ft_json_time(FILE *out, __u64 ns, const struct ft_render_ctx *ctx)
{
	char buf[FT_TIME_STRLEN];

	jstr(out, ft_fmt_rfc3339(ns, ctx->mono_to_wall_ns, buf));
}

static void jifaces(FILE *out, const struct ft_report *rep, const char *key,
		    const struct ft_iflist *l)
{
	char name[FT_IFNAMSIZ + 16];

	fprintf(out, ",");
	jkey(out, key);
	fputc('[', out);
	for (__u32 i = 0; i < l->n; i++) {
		if (i)
			fputc(',', out);
		jstr(out, ft_iftable_name(rep->ifaces, l->ifindex[i], name, sizeof(name)));
	}
	fputc(']', out);
}

static void jmacs(FILE *out, const char *key, const struct ft_maclist *l)
{
	char mac[FT_MAC_STRLEN];

	fprintf(out, ",");
	jkey(out, key);
	fputc('[', out);
	for (__u32 i = 0; i < l->n; i++) {
		if (i)
			fputc(',', out);
		jstr(out, ft_fmt_mac(l->mac[i], mac));
	}
	fputc(']', out);
}

static void jendpoint(FILE *out, const char *key, __u8 family, const __u8 *ip, __u16 port)
{
	char buf[FT_IP_STRLEN];

	fprintf(out, ",");
	jkey(out, key);
	fprintf(out, "{\"ip\":");
	jstr(out, ft_fmt_ip(family, ip, buf));
	fprintf(out, ",\"port\":%u}", port);
}

static void jhint(FILE *out, const struct ft_report *rep, const struct ft_finding *f,
		  const struct ft_render_ctx *ctx)
{
	fprintf(out, ",\"hint\":");
	jstr(out, f->hint ? f->hint : "");
}

/* What every finding ends with: its group's id and state, when it was
 * seen, its hint. */
static void jtail(FILE *out, const struct ft_report *rep, const struct ft_finding *f,
		  const struct ft_render_ctx *ctx)
{
	fprintf(out, ",\"id\":\"%016llx\",\"state\":", (unsigned long long)f->id);
	jstr(out, ft_state_name(f->state));
	fprintf(out, ",\"first_seen\":");
	jtime(out, f->first_ns, ctx);
	fprintf(out, ",\"last_seen\":");
	jtime(out, f->last_ns, ctx);
	jhint(out, rep, f, ctx);
	fputc('}', out);
}

static void asymmetry_obj(FILE *out, const struct ft_report *rep, const struct ft_finding *f,
			  const struct ft_render_ctx *ctx)
{
	char buf[FT_IP_STRLEN];
	const char *proto = ft_fmt_proto(f->proto, buf);

	fprintf(out, "{\"kind\":");
	jstr(out, ft_kind_name(f->kind));
	if (f->cls != FT_CLASS_NONE) {
		fprintf(out, ",\"class\":");
		jstr(out, ft_class_name(f->cls));
	}
	if (proto == buf)
		fprintf(out, ",\"proto\":%u", f->proto);
	else
		fprintf(out, ",\"proto\":\"%s\"", proto);
	jendpoint(out, "client", f->family, f->client_ip, f->client_port);
	jendpoint(out, "server", f->family, f->server_ip, f->server_port);
	jifaces(out, rep, "request_in", &f->req_in);
	jifaces(out, rep, "request_out", &f->req_out);
	jifaces(out, rep, "reply_in", &f->rep_in);
	jifaces(out, rep, "reply_out", &f->rep_out);
	jmacs(out, "request_src_macs", &f->req_src);
	jmacs(out, "reply_dst_macs", &f->rep_dst);
	jmacs(out, "request_dst_macs", &f->req_dst);
	jmacs(out, "reply_src_macs", &f->rep_src);
	fprintf(out, ",\"packets\":{\"request\":%llu,\"reply\":%llu}",
		(unsigned long long)f->pkts_req, (unsigned long long)f->pkts_rep);
	fprintf(out, ",\"role\":");
	jstr(out, ft_role_name(f->role));
	fprintf(out, ",\"flows\":%u,\"peers\":%u,\"samples\":[", f->flows, f->peers);
	for (int i = 0; i < f->n_samples; i++) {
		const struct ft_sample *s = &f->samples[i];

		fprintf(out, "%s{\"packets\":{\"request\":%llu,\"reply\":%llu}", i ? "," : "",
			(unsigned long long)s->pkts_req, (unsigned long long)s->pkts_rep);
		jendpoint(out, "client", f->family, s->client_ip, s->client_port);
		jendpoint(out, "server", f->family, s->server_ip, s->server_port);
		fprintf(out, ",\"first_seen\":");
		jtime(out, s->first_ns, ctx);
		fprintf(out, ",\"last_seen\":");
		jtime(out, s->last_ns, ctx);
		fputc('}', out);
	}
	fputc(']', out);
	fprintf(out, ",\"icmp_errors\":[");
	for (int i = 0; i < f->n_icmp; i++) {
		fprintf(out, "%s{\"type\":%u,\"code\":%u,\"from\":", i ? "," : "", f->icmp[i].type,
			f->icmp[i].code);
		jstr(out, ft_fmt_ip(f->icmp[i].family, f->icmp[i].from, buf));
		fputc('}', out);
	}
	fputc(']', out);
	fprintf(out, ",\"drops\":[");
	for (int i = 0; i < f->n_drops; i++) {
		char name[FT_IFNAMSIZ + 16];

		fprintf(out, "%s{\"reason\":", i ? "," : "");
		jstr(out, ft_drop_reason_name(f->drops[i].reason));
		fprintf(out, ",\"interface\":");
		jstr(out, ft_iftable_name(rep->ifaces, f->drops[i].ifindex, name, sizeof(name)));
		fprintf(out, ",\"side\":\"%s\"}",
			f->drops[i].side == f->client_side ? "request" : "reply");
	}
	fputc(']', out);
	if (f->kind == FT_KIND_ONE_WAY) {
		fprintf(out, ",\"reason\":");
		jstr(out, ft_oneway_reason_name(f->reason));
	}
	if (f->kind == FT_KIND_MULTIPATH)
		fprintf(out, ",\"directions\":[%s%s%s]", f->multi_dir & 1 ? "\"request\"" : "",
			f->multi_dir == 3 ? "," : "", f->multi_dir & 2 ? "\"reply\"" : "");
	jtail(out, rep, f, ctx);
}

static void arp_obj(FILE *out, const struct ft_report *rep, const struct ft_finding *f,
		    const struct ft_render_ctx *ctx)
{
	char buf[FT_IP_STRLEN];

	fprintf(out, "{\"kind\":");
	jstr(out, ft_kind_name(f->kind));
	if (f->cls != FT_CLASS_NONE) {
		fprintf(out, ",\"class\":");
		jstr(out, ft_class_name(f->cls));
	}
	fprintf(out, ",\"family\":\"%s\",\"ip\":", f->family == FT_FAMILY_IPV6 ? "ipv6" : "ipv4");
	jstr(out, ft_fmt_ip(f->family, f->ip, buf));
	jmacs(out, "macs", &f->macs);
	jifaces(out, rep, "interfaces", &f->ifaces);
	fprintf(out, ",\"changes\":%u", f->changes);
	if (f->kind == FT_KIND_DUPLICATE_IP) {
		bool first = true;

		fprintf(out, ",\"owners\":");
		jstr(out, ft_owners_name(f->reason));
		fprintf(out, ",\"evidence\":[");
		for (unsigned int b = 0; b < FT_EVID_BITS; b++) {
			if (!(f->mac_evidence & (1u << b)))
				continue;
			if (!first)
				fputc(',', out);
			jstr(out, ft_evidence_name(b));
			first = false;
		}
		fputc(']', out);
		jmacs(out, "announced_by", &f->announced_by);
		jmacs(out, "used_by", &f->used_by);
	}
	if (f->kind == FT_KIND_UNRESOLVED_NEIGHBOR) {
		fprintf(out, ",\"requests\":%u,\"failed\":%s,\"dropped_packets\":%llu",
			f->requests, f->neigh_failed ? "true" : "false",
			(unsigned long long)f->unres_drops);
		fprintf(out, ",\"dropped_flows\":[");
		for (int i = 0; i < f->n_unres_flows; i++) {
			const struct ft_unres_flow *u = &f->unres_flows[i];
			const char *proto = ft_fmt_proto(u->proto, buf);

			fprintf(out, "%s{", i ? "," : "");
			if (proto == buf)
				fprintf(out, "\"proto\":%u", u->proto);
			else
				fprintf(out, "\"proto\":\"%s\"", proto);
			jendpoint(out, "src", u->family, u->src, u->sport);
			jendpoint(out, "dst", u->family, u->dst, u->dport);
			fprintf(out, ",\"via_gateway\":%s,\"reason\":",
				u->via_gateway ? "true" : "false");
			jstr(out, ft_drop_reason_name(u->reason));
			fprintf(out, ",\"packets\":%u}", u->drops);
		}
		fputc(']', out);
	}
	jtail(out, rep, f, ctx);
}

void ft_json_finding(FILE *out, const struct ft_report *rep, const struct ft_finding *f,
		     const struct ft_render_ctx *ctx)
{
	if (ft_kind_is_asymmetry(f->kind))
		asymmetry_obj(out, rep, f, ctx);
	else
		arp_obj(out, rep, f, ctx);
}

static void finding_list(FILE *out, const struct ft_report *rep, const struct ft_findings *fs,
			 const struct ft_render_ctx *ctx, const char *key, int which)
{
	bool first = true;

	fprintf(out, ",");
	jkey(out, key);
	fputc('[', out);
	for (size_t i = 0; i < fs->n; i++) {
		const struct ft_finding *f = &fs->v[i];
		bool asym = ft_kind_is_asymmetry(f->kind);

		/* which: 0 asymmetry alarms, 1 ARP-flux alarms, 2 look-alikes */
		if ((which == 2) != (f->cls != FT_CLASS_NONE))
			continue;
		if (which < 2 && asym != (which == 0))
			continue;
		if (!first)
			fputc(',', out);
		first = false;
		ft_json_finding(out, rep, f, ctx);
	}
	fputc(']', out);
}

static void jcount(FILE *out, const char *key, __u64 v)
{
	fprintf(out, ",\"%s\":%llu", key, (unsigned long long)v);
}

void ft_json_counters(FILE *out, const struct ft_report *rep)
{
	const struct ft_findings *fs = &rep->findings;
	const struct ft_health *h = &rep->health;
	const __u64 *k = h->counters.kernel;

	fprintf(out, ",\"counters\":{\"flows\":%llu", (unsigned long long)h->flows_seen);
	jcount(out, "packets", k[FT_CNT_PACKETS]);
	jcount(out, "events", h->events);
	jcount(out, "lost_events", h->lost_events);
	jcount(out, "reducer_dropped", h->reducer_dropped);
	/* Every kernel counter by its name, so a new one appears by itself. */
	for (unsigned int i = FT_CNT_PACKETS + 1; i < FT_CNT_MAX; i++)
		jcount(out, ft_counter_name(i), k[i]);
	jcount(out, "flows_tracked", h->counters.flows_tracked);
	jcount(out, "flow_map_capacity", h->counters.flow_map_capacity);
	jcount(out, "flows_evicted", h->flows_evicted);
	jcount(out, "paths_dropped", h->paths_dropped);
	jcount(out, "macs_dropped", h->macs_dropped);
	jcount(out, "bad_records", h->bad_records);
	jcount(out, "findings_truncated", fs->truncated);
	jcount(out, "classified", fs->classified);
	fputc('}', out);
}

static void interfaces_arr(FILE *out, const struct ft_report *rep)
{
	char mac[FT_MAC_STRLEN];

	fprintf(out, ",\"interfaces\":[");
	for (__u32 i = 0; i < rep->ifaces->n; i++) {
		const struct ft_iface_info *f = &rep->ifaces->v[i];
		bool first = true;

		fprintf(out, "%s{\"name\":", i ? "," : "");
		jstr(out, f->name);
		fprintf(out, ",\"ifindex\":%u,\"mac\":", f->ifindex);
		jstr(out, ft_fmt_mac(f->mac, mac));
		fprintf(out, ",\"hooks\":[");
		for (unsigned int h = FT_HOOK_XDP; h <= FT_HOOK_NEIGH; h++) {
			if (!(f->hooks & FT_HOOKBIT(h)))
				continue;
			fprintf(out, "%s\"%s\"", first ? "" : ",", ft_hook_name(h));
			first = false;
		}
		fprintf(out, "]}");
	}
	fputc(']', out);
}

int ft_render_json(const struct ft_report *rep, const struct ft_render_ctx *ctx, FILE *out)
{
	struct ft_render_ctx def = { .host = "", .source = "" };
	const struct ft_findings *fs = &rep->findings;
	__u64 start = rep->health.first_ns, end = rep->health.now_ns;

	if (!ctx)
		ctx = &def;
	if (!rep->health.have_time) {
		/* Nothing was fed: the window is the moment of the report. */
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		start = end = (__u64)ts.tv_sec * FT_NSEC + ts.tv_nsec;
	}
	fprintf(out, "{\"fluxtrace\":2,\"host\":");
	jstr(out, ctx->host ? ctx->host : "");
	fprintf(out, ",\"source\":");
	jstr(out, ctx->source ? ctx->source : "");
	fprintf(out, ",\"start\":");
	jtime(out, start, ctx);
	fprintf(out, ",\"end\":");
	jtime(out, end, ctx);
	fprintf(out, ",\"window_seconds\":%.3f", (double)rep->health.window_ns / FT_NSEC);
	interfaces_arr(out, rep);
	ft_json_counters(out, rep);
	finding_list(out, rep, fs, ctx, "asymmetry", 0);
	finding_list(out, rep, fs, ctx, "arp_flux", 1);
	finding_list(out, rep, fs, ctx, "classified", 2);
	fprintf(out, "}\n");
	return ferror(out) ? -EIO : 0;
}
