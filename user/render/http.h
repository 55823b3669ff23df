/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* --metrics: Prometheus text exposition over HTTP (libmicrohttpd), served
 * from the main loop's thread so the reducer needs no locking. */
#ifndef FLUXTRACE_METRICS_H
#define FLUXTRACE_METRICS_H

#include <stdio.h>
#include <sys/socket.h>

struct ft_metrics;

/* Writes the exposition for one scrape into out. */
typedef void (*ft_metrics_render_fn)(void *ctx, FILE *out);

/* spec is "[ADDR:]PORT" (default address 127.0.0.1; "[::1]:PORT" for IPv6).
 * Returns NULL after printing one line saying what is wrong. */
struct ft_metrics *ft_metrics_start(const char *spec, ft_metrics_render_fn render, void *ctx);
/* An fd that becomes readable when there is HTTP work; then call ft_metrics_run. */
int ft_metrics_fd(struct ft_metrics *m);
void ft_metrics_run(struct ft_metrics *m);
void ft_metrics_stop(struct ft_metrics *m);
/* Parses spec into the socket address; 0 or -EINVAL. */
int ft_metrics_parse_addr(const char *spec, struct sockaddr_storage *ss);

#endif /* FLUXTRACE_METRICS_H */
