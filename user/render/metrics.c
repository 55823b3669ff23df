// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <linux/types.h>
#include "attach.h"
#include "format.h"
#include "reduce.h"
#include "render_metrics.h"


static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP fluxtrace_%s %s\n# TYPE fluxtrace_%s %s\n", name, help, name, type);
}

void ft_render_metrics(FILE *out, const struct ft_summary *s, const struct ft_counters_record *c,
		       const struct ft_iface *ifaces, size_t n)
{
	family(out, "findings", "gauge", "Current findings by kind.");
	for (unsigned int k = 0; k < FT_KIND_MAX; k++)
		fprintf(out, "fluxtrace_findings{kind=\"%s\",report=\"%s\"} %u\n",
			ft_finding_kind_name(k),
			ft_finding_kind_is_asymmetry(k) ? "asymmetry" : "arp_flux", s->by_kind[k]);
	family(out, "flows", "gauge", "Flows tracked in the kernel map.");
	fprintf(out, "fluxtrace_flows %llu\n", (unsigned long long)c->flows_tracked);
	family(out, "flow_map_capacity", "gauge", "Size of the kernel flow map (--max-flows).");
	fprintf(out, "fluxtrace_flow_map_capacity %llu\n", (unsigned long long)c->flow_map_capacity);
	family(out, "events_total", "counter", "Events received from the kernel and recorded.");
	fprintf(out, "fluxtrace_events_total %llu\n", (unsigned long long)s->events);
	family(out, "lost_events_total", "counter",
	       "Events or flows lost: ring buffer full, map full, reducer bounds.");
	fprintf(out, "fluxtrace_lost_events_total %llu\n", (unsigned long long)s->lost_events);
	family(out, "kernel_total", "counter", "Per-CPU kernel counters, summed.");
	for (int i = 0; i < FT_CNT_MAX; i++)
		fprintf(out, "fluxtrace_kernel_total{counter=\"%s\"} %llu\n", ft_counter_name(i),
			(unsigned long long)c->kernel[i]);
	family(out, "interface_hook", "gauge", "1 for each hook attached to a traced interface.");
	for (size_t i = 0; i < n; i++) {
		char mac[FT_MAC_STRLEN];

		ft_fmt_mac(ifaces[i].mac, mac);
		for (int h = FT_HOOK_XDP; h <= FT_HOOK_TC_EGRESS; h++)
			if (ifaces[i].hooks & FT_HOOKBIT(h))
				fprintf(out,
					"fluxtrace_interface_hook{interface=\"%s\",ifindex=\"%d\","
					"mac=\"%s\",hook=\"%s\"} 1\n",
					ifaces[i].name, ifaces[i].ifindex, mac, ft_fmt_hook(h));
	}
}
