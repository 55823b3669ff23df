// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <linux/types.h>
#include "common/format.h"
#include "common/names.h"
#include "render/metrics.h"

#define FT_METRICS_GROUPS 100

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP fluxtrace_%s %s\n# TYPE fluxtrace_%s %s\n", name, help, name, type);
}

/* "tcp 10.0.0.1:80" (a server), "tcp 10.0.0.5" (a client), "10.0.0.7" (an
 * address): what a group is about, for a label. */
static const char *subject(const struct ft_finding *f, char *buf, size_t len)
{
	char ip[FT_IP_STRLEN], pb[8];
	bool ports = f->proto == 6 || f->proto == 17;

	if (!ft_kind_is_asymmetry(f->kind))
		snprintf(buf, len, "%s", ft_fmt_ip(f->family, f->ip, ip));
	else if (f->role == FT_ROLE_CLIENT || !ports)
		snprintf(buf, len, "%s %s", ft_fmt_proto(f->proto, pb),
			 ft_fmt_ip(f->family, f->role == FT_ROLE_CLIENT ? f->client_ip : f->server_ip,
				   ip));
	else
		snprintf(buf, len, f->family == FT_FAMILY_IPV6 ? "%s [%s]:%u" : "%s %s:%u",
			 ft_fmt_proto(f->proto, pb), ft_fmt_ip(f->family, f->server_ip, ip),
			 f->server_port);
	return buf;
}

/* One series per active alarmed group, worst first, at most
 * FT_METRICS_GROUPS: label cardinality stays bounded on a host with a
 * storm of findings; the rest is counted. */
static void groups(FILE *out, const struct ft_report *rep)
{
	const struct ft_findings *fs = &rep->findings;
	__u32 shown = 0, active = 0;

	family(out, "finding_active", "gauge",
	       "1 per active alarmed finding (group), worst first, at most 100 series.");
	for (size_t i = 0; i < fs->n && shown < FT_METRICS_GROUPS; i++) {
		const struct ft_finding *f = &fs->v[i];
		char subj[96];

		if (f->cls != FT_CLASS_NONE || f->state == FT_STATE_RESOLVED)
			continue;
		shown++;
		fprintf(out,
			"fluxtrace_finding_active{id=\"%016llx\",kind=\"%s\",report=\"%s\","
			"subject=\"%s\"} 1\n",
			(unsigned long long)f->id, ft_kind_name(f->kind), ft_kind_report(f->kind),
			subject(f, subj, sizeof(subj)));
	}
	/* Every active group without a series is cut: past this bound, or
	 * past the report's bound per kind. */
	for (unsigned int k = 0; k < FT_KIND_MAX; k++)
		active += fs->active[k];
	family(out, "finding_series_cut", "gauge",
	       "Active alarmed findings with no fluxtrace_finding_active series (over the bound).");
	fprintf(out, "fluxtrace_finding_series_cut %u\n", active - shown);
}

void ft_render_metrics(FILE *out, const struct ft_report *rep)
{
	const struct ft_health *h = &rep->health;
	const struct ft_counters_record *c = &h->counters;
	const struct ft_iface_info *ifaces = rep->ifaces->v;

	family(out, "findings", "gauge",
	       "Alarmed findings (groups) of the run by kind, active or resolved.");
	for (unsigned int k = 0; k < FT_KIND_MAX; k++)
		fprintf(out, "fluxtrace_findings{kind=\"%s\",report=\"%s\"} %u\n",
			ft_kind_name(k), ft_kind_report(k), rep->findings.per_kind[k]);
	family(out, "findings_active", "gauge",
	       "Alarmed findings (groups) by kind whose evidence is within --window.");
	for (unsigned int k = 0; k < FT_KIND_MAX; k++)
		fprintf(out, "fluxtrace_findings_active{kind=\"%s\",report=\"%s\"} %u\n",
			ft_kind_name(k), ft_kind_report(k), rep->findings.active[k]);
	groups(out, rep);
	family(out, "flows", "gauge", "Flows tracked in the kernel map.");
	fprintf(out, "fluxtrace_flows %llu\n", (unsigned long long)c->flows_tracked);
	family(out, "flow_map_capacity", "gauge", "Size of the kernel flow map (--max-flows).");
	fprintf(out, "fluxtrace_flow_map_capacity %llu\n", (unsigned long long)c->flow_map_capacity);
	family(out, "events_total", "counter", "Events received from the kernel and recorded.");
	fprintf(out, "fluxtrace_events_total %llu\n", (unsigned long long)h->events);
	family(out, "lost_events_total", "counter",
	       "Events or flows lost: ring buffer full, map full, reducer bounds.");
	fprintf(out, "fluxtrace_lost_events_total %llu\n", (unsigned long long)h->lost_events);
	family(out, "kernel_total", "counter", "Per-CPU kernel counters, summed.");
	for (int i = 0; i < FT_CNT_MAX; i++)
		fprintf(out, "fluxtrace_kernel_total{counter=\"%s\"} %llu\n", ft_counter_name(i),
			(unsigned long long)c->kernel[i]);
	family(out, "interface_hook", "gauge", "1 for each hook attached to a traced interface.");
	for (__u32 i = 0; i < rep->ifaces->n; i++) {
		char mac[FT_MAC_STRLEN];

		ft_fmt_mac(ifaces[i].mac, mac);
		if (ifaces[i].removed)
			continue;
		for (unsigned int k = FT_HOOK_XDP; k <= FT_HOOK_TC_EGRESS; k++)
			if (ifaces[i].hooks & FT_HOOKBIT(k))
				fprintf(out,
					"fluxtrace_interface_hook{interface=\"%.16s\",ifindex=\"%u\","
					"mac=\"%s\",hook=\"%s\"} 1\n",
					ifaces[i].name, ifaces[i].ifindex, mac, ft_hook_name(k));
	}
}
