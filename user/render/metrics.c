// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <linux/types.h>
#include "common/format.h"
#include "common/names.h"
#include "render/metrics.h"

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP fluxtrace_%s %s\n# TYPE fluxtrace_%s %s\n", name, help, name, type);
}

void ft_render_metrics(FILE *out, const struct ft_report *rep)
{
	const struct ft_health *h = &rep->health;
	const struct ft_counters_record *c = &h->counters;
	const struct ft_iface_info *ifaces = rep->ifaces->v;

	family(out, "findings", "gauge", "Current findings by kind.");
	for (unsigned int k = 0; k < FT_KIND_MAX; k++)
		fprintf(out, "fluxtrace_findings{kind=\"%s\",report=\"%s\"} %u\n",
			ft_kind_name(k), ft_kind_report(k), rep->findings.per_kind[k]);
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
