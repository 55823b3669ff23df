// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Joined hosts: the correlated findings first, each naming every host
 * involved, then each host's report as the one-trace renderers make it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/format.h"
#include "common/names.h"
#include "render/correlated.h"

static bool flow_kind(const struct ft_correlated *x)
{
	return x->kind == FT_CORR_NAT_RETURN_BYPASS || x->kind == FT_CORR_RETURN_PATH_AROUND;
}

/* ---- text ---- */

static void text_head(const struct ft_correlated *x, FILE *out)
{
	char a[FT_IP_STRLEN], b[FT_IP_STRLEN], c[FT_IP_STRLEN], p[8], t0[FT_TIME_STRLEN],
		t1[FT_TIME_STRLEN];

	fprintf(out, "  %s", ft_corr_kind_name(x->kind));
	if (x->kind == FT_CORR_NAT_RETURN_BYPASS)
		fprintf(out, "  %s %s -> %s:%u -> %s:%u", ft_fmt_proto(x->proto, p),
			ft_fmt_ip(x->family, x->client_ip, a), ft_fmt_ip(x->family, x->asked_ip, b),
			x->asked_port, ft_fmt_ip(x->family, x->server_ip, c), x->server_port);
	else if (x->kind == FT_CORR_RETURN_PATH_AROUND)
		fprintf(out, "  %s %s -> %s:%u", ft_fmt_proto(x->proto, p),
			ft_fmt_ip(x->family, x->client_ip, a), ft_fmt_ip(x->family, x->server_ip, c),
			x->server_port);
	else
		for (__u8 i = 0; i < x->n_ips; i++)
			fprintf(out, "%s%s", i ? "," : "  ", ft_fmt_ip(x->ip_family[i], x->ips[i], a));
	fprintf(out, "  (%u %s, %s .. %s)\n", x->flows,
		flow_kind(x) ? (x->flows == 1 ? "flow" : "flows")
			     : (x->flows == 1 ? "finding" : "findings"),
		ft_fmt_clock(x->first_wall_ns, 0, t0), ft_fmt_clock(x->last_wall_ns, 0, t1));
}

/* s word-wrapped to 100 columns, every line indented by four. */
static void wrap(const char *s, FILE *out)
{
	const int width = 100 - 4;

	while (*s) {
		int n = strlen(s), cut = n;

		if (n > width) {
			for (cut = width; cut > 0 && s[cut] != ' '; cut--)
				;
			if (!cut)
				cut = width;
		}
		fprintf(out, "    %.*s\n", cut, s);
		s += cut;
		while (*s == ' ')
			s++;
	}
}

static void text_one(const struct ft_host *hosts, const struct ft_correlated *x, FILE *out)
{
	text_head(x, out);
	for (__u32 i = 0; i < x->n_hosts; i++) {
		const struct ft_corr_host *p = &x->hosts[i];
		const struct ft_iftable *t = hosts[p->host].rep->ifaces;
		char ifs[160], req[160], rep[160], macs[160];

		fprintf(out, "    %-9s %-12s %s", ft_corr_role_name(p->role), hosts[p->host].label,
			ft_iflist_str(t, &p->ifaces, ifs, sizeof(ifs)));
		if (p->macs.n)
			fprintf(out, "  %s", ft_maclist_str(&p->macs, macs, sizeof(macs)));
		if (x->kind == FT_CORR_RETURN_PATH_AROUND)
			fprintf(out, "  requests %s, replies %s",
				ft_iflist_str(t, &p->req_ifaces, req, sizeof(req)),
				ft_iflist_str(t, &p->rep_ifaces, rep, sizeof(rep)));
		if (p->sysctls[0])
			fprintf(out, "  (%s)", p->sysctls);
		fputc('\n', out);
	}
	wrap(x->summary, out);
}

int ft_render_hosts_text(const struct ft_host *hosts, const struct ft_render_ctx *ctx, size_t n,
			 const struct ft_correlation *c, bool color, FILE *out)
{
	fprintf(out, "%sfluxtrace joined report: %zu hosts (", color ? "\033[1m" : "", n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : "", hosts[i].label);
	fprintf(out, ")%s\n", color ? "\033[0m" : "");
	if (!c->n)
		fprintf(out, "\nno correlated findings\n");
	for (unsigned int k = 0; k < FT_CORR_KIND_MAX; k++) {
		if (!c->per_kind[k])
			continue;
		fprintf(out, "\n%s%s %s (%u)%s\n", color ? "\033[1;31m" : "", FT_CORR_REPORT,
			ft_corr_kind_name(k), c->per_kind[k], color ? "\033[0m" : "");
		for (size_t i = 0; i < c->n; i++)
			if (c->v[i].kind == k)
				text_one(hosts, &c->v[i], out);
	}
	for (size_t i = 0; i < n; i++) {
		fputc('\n', out);
		ft_render_text(hosts[i].rep, &ctx[i], out);
	}
	return ferror(out) ? -1 : 0;
}

/* ---- JSON ---- */

static void jstr(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void jifs(FILE *out, const char *key, const struct ft_iftable *t,
		 const struct ft_iflist *l)
{
	char name[FT_IFNAMSIZ + 16];

	fprintf(out, ",\"%s\":[", key);
	for (__u32 i = 0; i < l->n; i++) {
		fputs(i ? "," : "", out);
		jstr(out, ft_iftable_name(t, l->ifindex[i], name, sizeof(name)));
	}
	fputc(']', out);
}

static void jend(FILE *out, const char *key, __u8 family, const __u8 *ip, __u16 port)
{
	char a[FT_IP_STRLEN];

	fprintf(out, ",\"%s\":{\"ip\":\"%s\",\"port\":%u}", key, ft_fmt_ip(family, ip, a), port);
}

static void json_one(const struct ft_host *hosts, const struct ft_correlated *x, FILE *out)
{
	char t[FT_TIME_STRLEN], p[8], mac[FT_MAC_STRLEN], a[FT_IP_STRLEN];

	fprintf(out, "{\"kind\":\"%s\",\"flows\":%u", ft_corr_kind_name(x->kind), x->flows);
	fprintf(out, ",\"first_seen\":\"%s\"", ft_fmt_rfc3339(x->first_wall_ns, 0, t));
	fprintf(out, ",\"last_seen\":\"%s\"", ft_fmt_rfc3339(x->last_wall_ns, 0, t));
	fprintf(out, ",\"family\":\"%s\"", x->family == FT_FAMILY_IPV6 ? "ipv6" : "ipv4");
	if (flow_kind(x)) {
		fprintf(out, ",\"proto\":\"%s\"", ft_fmt_proto(x->proto, p));
		jend(out, "client", x->family, x->client_ip, x->client_port);
		if (x->kind == FT_CORR_NAT_RETURN_BYPASS)
			jend(out, "vip", x->family, x->asked_ip, x->asked_port);
		jend(out, "server", x->family, x->server_ip, x->server_port);
	}
	if (x->kind == FT_CORR_NAT_RETURN_BYPASS) {
		fprintf(out, ",\"reply_mac\":\"%s\"", ft_fmt_mac(x->reply_mac, mac));
		fputs(",\"reply_mac_host\":", out);
		if (x->reply_mac_host >= 0)
			jstr(out, hosts[x->reply_mac_host].label);
		else
			fputs("null", out);
	}
	if (!flow_kind(x)) {
		fputs(",\"ips\":[", out);
		for (__u8 i = 0; i < x->n_ips; i++)
			fprintf(out, "%s\"%s\"", i ? "," : "",
				ft_fmt_ip(x->ip_family[i], x->ips[i], a));
		fputs("],\"seen_as\":[", out);
		for (unsigned int k = 0, first = 1; k < FT_KIND_MAX; k++)
			if (x->seen_as & (1u << k)) {
				fprintf(out, "%s\"%s\"", first ? "" : ",", ft_kind_name(k));
				first = 0;
			}
		fputc(']', out);
	}
	fputs(",\"hosts\":[", out);
	for (__u32 i = 0; i < x->n_hosts; i++) {
		const struct ft_corr_host *h = &x->hosts[i];
		const struct ft_iftable *it = hosts[h->host].rep->ifaces;

		fprintf(out, "%s{\"host\":", i ? "," : "");
		jstr(out, hosts[h->host].label);
		fprintf(out, ",\"role\":\"%s\"", ft_corr_role_name(h->role));
		jifs(out, "interfaces", it, &h->ifaces);
		if (flow_kind(x)) {
			jifs(out, "request_interfaces", it, &h->req_ifaces);
			jifs(out, "reply_interfaces", it, &h->rep_ifaces);
		}
		fputs(",\"macs\":[", out);
		for (__u32 m = 0; m < h->macs.n; m++)
			fprintf(out, "%s\"%s\"", m ? "," : "", ft_fmt_mac(h->macs.mac[m], mac));
		fputc(']', out);
		if (h->sysctls[0]) {
			fputs(",\"sysctls\":", out);
			jstr(out, h->sysctls);
		}
		fputc('}', out);
	}
	fputs("],\"summary\":", out);
	jstr(out, x->summary);
	fputc('}', out);
}

/* One host's report object, as one trace alone renders it. */
static void json_host(const struct ft_host *h, const struct ft_render_ctx *ctx, FILE *out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m) {
		fputs("null", out);
		return;
	}
	ft_render_json(h->rep, ctx, m);
	fclose(m);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	fwrite(buf, 1, len, out);
	free(buf);
}

int ft_render_hosts_json(const struct ft_host *hosts, const struct ft_render_ctx *ctx, size_t n,
			 const struct ft_correlation *c, FILE *out)
{
	fputs("{\"correlated\":[", out);
	for (size_t i = 0; i < c->n; i++) {
		fputs(i ? "," : "", out);
		json_one(hosts, &c->v[i], out);
	}
	fputs("],\"hosts\":[", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? "," : "", out);
		json_host(&hosts[i], &ctx[i], out);
	}
	fputs("]}\n", out);
	return ferror(out) ? -1 : 0;
}
