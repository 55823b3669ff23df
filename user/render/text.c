// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The text report: a short summary, then findings grouped by kind, worst
 * first, each in a line or two an SRE reads at a glance, then "no
 * findings" where that is the truth. Every line fits FT_TEXT_COLS.
 */
#include <errno.h>
#include <string.h>
#include "common/format.h"
#include "common/names.h"
#include "render/render.h"

#define FT_TEXT_COLS 100
#define FT_TEXT_PER_KIND 20 /* findings shown per kind; --json lists all */

#define C_RESET "\033[0m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[36m"
#define C_GREEN "\033[32m"
#define C_DIM "\033[2m"

struct text {
	FILE *out;
	bool color;
};

static const char *col(const struct text *t, const char *c)
{
	return t->color ? c : "";
}

/* Word-wrapped to FT_TEXT_COLS from column `at` (the cursor is there);
 * continuation lines are indented by `rest`. */
static void wrap_at(const struct text *t, int at, int rest, const char *s)
{
	int colno = at;
	bool fresh = true; /* no word on this line yet */

	for (;;) {
		size_t w;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		w = strcspn(s, " ");
		if (!fresh && colno + 1 + (int)w > FT_TEXT_COLS) {
			fprintf(t->out, "\n%*s", rest, "");
			colno = rest;
			fresh = true;
		}
		if (!fresh) {
			fputc(' ', t->out);
			colno++;
		}
		/* A word longer than a line is cut, never overflows. */
		while (colno + (int)w > FT_TEXT_COLS) {
			int room = FT_TEXT_COLS - colno;

			fprintf(t->out, "%.*s\n%*s", room, s, rest, "");
			s += room;
			w -= room;
			colno = rest;
		}
		fprintf(t->out, "%.*s", (int)w, s);
		colno += w;
		s += w;
		fresh = false;
	}
	fputc('\n', t->out);
}

static void wrap(const struct text *t, int first, int rest, const char *s)
{
	fprintf(t->out, "%*s", first, "");
	wrap_at(t, first, rest, s);
}

static const char *plural(__u64 n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static const char *hhmmss(__u64 ns, const struct ft_render_ctx *ctx, char *buf)
{
	char full[FT_TIME_STRLEN];

	ft_fmt_rfc3339(ns, ctx->mono_to_wall_ns, full);
	snprintf(buf, 9, "%.8s", full + 11);
	return buf;
}

static const char *endpoint(__u8 family, const __u8 *ip, __u16 port, bool ports, char *buf,
			    size_t len)
{
	char a[FT_IP_STRLEN];

	ft_fmt_ip(family, ip, a);
	if (!ports)
		snprintf(buf, len, "%s", a);
	else if (family == FT_FAMILY_IPV6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

/* With --window: whether the finding is still renewed. */
static const char *state_tag(const struct ft_finding *f)
{
	switch (f->state) {
	case FT_STATE_ACTIVE:
		return " [active]";
	case FT_STATE_RESOLVED:
		return " [resolved]";
	}
	return "";
}

/* "in eth0 from aa:.. out eth1 to bb:.." for one direction. */
static void path_part(const struct ft_report *rep, const struct ft_iflist *in,
		      const struct ft_maclist *from, const struct ft_iflist *out,
		      const struct ft_maclist *to, char *buf, size_t len)
{
	char ifs[160], macs[160];
	size_t off = 0;

	buf[0] = 0;
	if (in->n)
		FT_APPEND(buf, len, off, " in %s from %s", ft_iflist_str(rep->ifaces, in, ifs, sizeof(ifs)),
			  ft_maclist_str(from, macs, sizeof(macs)));
	if (out->n)
		FT_APPEND(buf, len, off, " out %s to %s", ft_iflist_str(rep->ifaces, out, ifs, sizeof(ifs)),
			  ft_maclist_str(to, macs, sizeof(macs)));
	if (!in->n && !out->n)
		FT_APPEND(buf, len, off, " not seen");
}

static void asymmetry_line(const struct ft_report *rep, const struct ft_finding *f,
			   const struct ft_render_ctx *ctx, char *buf, size_t len)
{
	bool ports = f->proto == 6 || f->proto == 17;
	char pb[8], cl[80], sv[80], req[400], rpl[400], t1[12], t2[12];
	size_t off = 0;

	path_part(rep, &f->req_in, &f->req_src, &f->req_out, &f->req_dst, req, sizeof(req));
	path_part(rep, &f->rep_in, &f->rep_src, &f->rep_out, &f->rep_dst, rpl, sizeof(rpl));
	if (f->flows <= 1)
		FT_APPEND(buf, len, off, "%s %s -> %s", ft_fmt_proto(f->proto, pb),
			  endpoint(f->family, f->client_ip, f->client_port, ports, cl, sizeof(cl)),
			  endpoint(f->family, f->server_ip, f->server_port, ports, sv, sizeof(sv)));
	else if (f->role == FT_ROLE_CLIENT)
		FT_APPEND(buf, len, off, "%s %s -> %u flows to %u %s", ft_fmt_proto(f->proto, pb),
			  endpoint(f->family, f->client_ip, 0, false, cl, sizeof(cl)), f->flows,
			  f->peers, plural(f->peers, "server", "servers"));
	else
		FT_APPEND(buf, len, off, "%s %u flows from %u %s -> %s", ft_fmt_proto(f->proto, pb),
			  f->flows, f->peers, plural(f->peers, "client", "clients"),
			  endpoint(f->family, f->server_ip, f->server_port, ports, sv, sizeof(sv)));
	if (f->kind == FT_KIND_ONE_WAY)
		FT_APPEND(buf, len, off, " [%s]", ft_oneway_reason_name(f->reason));
	FT_APPEND(buf, len, off, ": request%s; reply%s; %llu/%llu packets; %s-%s%s", req, rpl,
		  (unsigned long long)f->pkts_req, (unsigned long long)f->pkts_rep,
		  hhmmss(f->first_ns, ctx, t1), hhmmss(f->last_ns, ctx, t2), state_tag(f));
	for (int i = 0; i < f->n_icmp; i++) {
		char from[FT_IP_STRLEN];

		FT_APPEND(buf, len, off, "; ICMP type %u code %u from %s", f->icmp[i].type,
			  f->icmp[i].code, ft_fmt_ip(f->icmp[i].family, f->icmp[i].from, from));
	}
	for (int i = 0; i < f->n_drops; i++) {
		char name[FT_IFNAMSIZ + 16];

		FT_APPEND(buf, len, off, "; %s dropped by %s on %s",
			  f->drops[i].side == f->client_side ? "request" : "reply",
			  ft_drop_reason_name(f->drops[i].reason),
			  ft_iftable_name(rep->ifaces, f->drops[i].ifindex, name, sizeof(name)));
	}
}

static void arp_line(const struct ft_report *rep, const struct ft_finding *f,
		     const struct ft_render_ctx *ctx, char *buf, size_t len)
{
	char ip[FT_IP_STRLEN], macs[160], ifs[160], t1[12], t2[12];
	size_t off = 0;

	if (f->kind == FT_KIND_UNRESOLVED_NEIGHBOR) {
		FT_APPEND(buf, len, off, "%s %s: no answer on %s",
			  f->family == FT_FAMILY_IPV6 ? "ipv6" : "ipv4", ft_fmt_ip(f->family, f->ip, ip),
			  ft_iflist_str(rep->ifaces, &f->ifaces, ifs, sizeof(ifs)));
	} else {
		FT_APPEND(buf, len, off, "%s %s: %s on %s",
			  f->family == FT_FAMILY_IPV6 ? "ipv6" : "ipv4", ft_fmt_ip(f->family, f->ip, ip),
			  ft_maclist_str(&f->macs, macs, sizeof(macs)),
			  ft_iflist_str(rep->ifaces, &f->ifaces, ifs, sizeof(ifs)));
	}
	if (f->kind == FT_KIND_UNRESOLVED_NEIGHBOR) {
		char pr[8], a[FT_IP_STRLEN], b[FT_IP_STRLEN];

		FT_APPEND(buf, len, off, "; %u %s unanswered%s; %llu dropped", f->requests,
			  plural(f->requests, "request", "requests"),
			  f->neigh_failed ? ", FAILED" : "", (unsigned long long)f->unres_drops);
		for (int i = 0; i < f->n_unres_flows; i++) {
			const struct ft_unres_flow *u = &f->unres_flows[i];

			FT_APPEND(buf, len, off, "%s %s %s:%u > %s:%u%s", i ? "," : ":",
				  ft_fmt_proto(u->proto, pr), ft_fmt_ip(u->family, u->src, a),
				  u->sport, ft_fmt_ip(u->family, u->dst, b), u->dport,
				  u->via_gateway ? " via it" : "");
		}
		FT_APPEND(buf, len, off, "; %s-%s%s", hhmmss(f->first_ns, ctx, t1),
			  hhmmss(f->last_ns, ctx, t2), state_tag(f));
		return;
	}
	if (f->kind == FT_KIND_DUPLICATE_IP)
		FT_APPEND(buf, len, off, "; %s",
			  f->reason == FT_DUP_ONE_HOST ? "one multi-homed host" : "several owners");
	FT_APPEND(buf, len, off, "; %u %s; %s-%s%s", f->changes,
		  plural(f->changes, "change", "changes"), hhmmss(f->first_ns, ctx, t1),
		  hhmmss(f->last_ns, ctx, t2), state_tag(f));
}

static const char *kind_color(unsigned int kind)
{
	switch (kind) {
	case FT_KIND_DUPLICATE_IP:
	case FT_KIND_RETURN_PATH_MISMATCH:
	case FT_KIND_FLIP_FLOP:
	case FT_KIND_UNRESOLVED_NEIGHBOR:
		return C_RED;
	case FT_KIND_MAC_CHANGED:
		return C_CYAN;
	}
	return C_YELLOW;
}

static void finding(const struct text *t, const struct ft_report *rep, const struct ft_finding *f,
		    const struct ft_render_ctx *ctx, bool with_class)
{
	char line[1400];
	size_t off = 0;

	if (with_class)
		FT_APPEND(line, sizeof(line), off, "%s %s: ", ft_class_name(f->cls),
			  ft_kind_name(f->kind));
	if (ft_kind_is_asymmetry(f->kind))
		asymmetry_line(rep, f, ctx, line + off, sizeof(line) - off);
	else
		arp_line(rep, f, ctx, line + off, sizeof(line) - off);
	wrap(t, 2, 6, line);
	if (f->flows > 1) {
		/* The group's endpoint is on the first line: the samples' other ends. */
		bool ports = f->proto == 6 || f->proto == 17, client = f->role == FT_ROLE_CLIENT;
		char a[80];

		off = 0;
		FT_APPEND(line, sizeof(line), off, "%s e.g.", client ? "servers" : "clients");
		for (int i = 0; i < f->n_samples; i++) {
			const struct ft_sample *x = &f->samples[i];

			FT_APPEND(line, sizeof(line), off, "%s %s", i ? "," : "",
				  client ? endpoint(f->family, x->server_ip, x->server_port, ports, a,
						    sizeof(a))
					 : endpoint(f->family, x->client_ip, x->client_port, ports, a,
						    sizeof(a)));
		}
		wrap(t, 6, 10, line);
	}
	snprintf(line, sizeof(line), "hint: %s", f->hint ? f->hint : "");
	wrap(t, 4, 10, line);
}

static void summary(const struct text *t, const struct ft_report *rep, const struct ft_findings *fs,
		    const struct ft_render_ctx *ctx)
{
	char a[FT_TIME_STRLEN], b[FT_TIME_STRLEN], line[2048], mac[FT_MAC_STRLEN];
	__u32 asym = 0, flux = 0;
	const struct ft_health *h = &rep->health;
	__u64 lost = h->lost_events;
	size_t off = 0;

	/* Colour codes take no columns: they go around whole wrapped lines. */
	snprintf(line, sizeof(line), "fluxtrace report: host %s (%s)", ctx->host ? ctx->host : "?",
		 ctx->source ? ctx->source : "?");
	fputs(col(t, "\033[1m"), t->out);
	wrap(t, 0, 2, line);
	fputs(col(t, C_RESET), t->out);
	if (h->have_time)
		fprintf(t->out, "  window      %s .. %s (%.1f s)\n",
			ft_fmt_rfc3339(h->first_ns, ctx->mono_to_wall_ns, a),
			ft_fmt_rfc3339(h->now_ns, ctx->mono_to_wall_ns, b),
			(double)(h->now_ns - h->first_ns) / FT_NSEC);
	else
		fprintf(t->out, "  window      no events yet\n");
	off = 0;
	fprintf(t->out, "  interfaces  ");
	for (__u32 i = 0; i < rep->ifaces->n; i++)
		FT_APPEND(line, sizeof(line), off, "%s%.16s (%s)", i ? ", " : "",
			  rep->ifaces->v[i].name, ft_fmt_mac(rep->ifaces->v[i].mac, mac));
	if (!rep->ifaces->n)
		FT_APPEND(line, sizeof(line), off, "none listed");
	wrap_at(t, 14, 14, line);
	snprintf(line, sizeof(line), "%llu %s, %llu packets, %llu events, %llu lost %s",
		 (unsigned long long)h->flows_seen, plural(h->flows_seen, "flow", "flows"),
		 (unsigned long long)h->counters.kernel[FT_CNT_PACKETS],
		 (unsigned long long)h->events, (unsigned long long)lost,
		 plural(lost, "event", "events"));
	fprintf(t->out, "%s  traffic     ", lost ? col(t, C_RED) : "");
	wrap_at(t, 14, 14, line);
	fputs(lost ? col(t, C_RESET) : "", t->out);
	for (unsigned int k = 0; k < FT_KIND_MAX; k++) {
		if (ft_kind_is_asymmetry(k))
			asym += fs->per_kind[k];
		else
			flux += fs->per_kind[k];
	}
	fprintf(t->out, "  findings    %u asymmetry, %u ARP flux, %u look-alikes not alarmed\n",
		asym, flux, fs->classified);
	if (h->window_ns) {
		__u32 act = 0;

		for (unsigned int k = 0; k < FT_KIND_MAX; k++)
			act += fs->active[k];
		fprintf(t->out, "  active      %u (evidence within the last %.0f s), %u resolved\n", act,
			(double)h->window_ns / FT_NSEC, asym + flux - act);
	}
}

int ft_render_text(const struct ft_report *rep, const struct ft_render_ctx *ctx, FILE *out)
{
	struct ft_render_ctx def = { .host = "", .source = "" };
	struct text t = { .out = out };
	const struct ft_findings *fs = &rep->findings;
	bool any = false, any_class = false;

	if (!ctx)
		ctx = &def;
	t.color = ctx->color;
	summary(&t, rep, fs, ctx);

	for (unsigned int k = 0; k < FT_KIND_MAX; k++) {
		__u32 shown = 0;

		if (!fs->per_kind[k])
			continue;
		any = true;
		fprintf(out, "\n%s%s (%u)%s\n", col(&t, kind_color(k)), ft_kind_name(k),
			fs->per_kind[k], col(&t, C_RESET));
		for (size_t i = 0; i < fs->n; i++) {
			const struct ft_finding *f = &fs->v[i];

			if (f->kind != k || f->cls != FT_CLASS_NONE)
				continue;
			if (shown++ == FT_TEXT_PER_KIND)
				break;
			finding(&t, rep, f, ctx, false);
		}
		if (fs->per_kind[k] > FT_TEXT_PER_KIND)
			fprintf(out, "  ... and %u more (--json lists them all)\n",
				fs->per_kind[k] - FT_TEXT_PER_KIND);
	}
	if (!any)
		fprintf(out, "\n%sno findings%s\n", col(&t, C_GREEN), col(&t, C_RESET));

	for (size_t i = 0, shown = 0; i < fs->n && shown < FT_TEXT_PER_KIND; i++) {
		if (fs->v[i].cls == FT_CLASS_NONE)
			continue;
		if (!any_class)
			fprintf(out, "\n%slook-alikes, not alarmed (%u)%s\n", col(&t, C_DIM),
				fs->classified, col(&t, C_RESET));
		any_class = true;
		shown++;
		finding(&t, rep, &fs->v[i], ctx, true);
	}
	return ferror(out) ? -EIO : 0;
}
