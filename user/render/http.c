// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include "common/log.h"
#include "render/http.h"

struct ft_metrics {
	struct MHD_Daemon *daemon;
	ft_metrics_render_fn render;
	void *ctx;
};

int ft_metrics_parse_addr(const char *spec, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	const char *colon = strrchr(spec, ':');
	char host[64] = "127.0.0.1", *end;
	unsigned long port;

	if (colon) {
		size_t len = colon - spec;

		if (len >= sizeof(host))
			return -EINVAL;
		memcpy(host, spec, len);
		host[len] = '\0';
		if (host[0] == '[' && len >= 2 && host[len - 1] == ']') {
			memmove(host, host + 1, len - 2);
			host[len - 2] = '\0';
		}
		spec = colon + 1;
	}
	errno = 0;
	port = strtoul(spec, &end, 10);
	if (errno || end == spec || *end || port == 0 || port > 65535)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **req_cls)
{
	struct ft_metrics *m = cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	unsigned int status = MHD_HTTP_OK;
	char *body = NULL;
	size_t len = 0;
	FILE *out;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return MHD_NO;
	out = open_memstream(&body, &len);
	if (!out)
		return MHD_NO;
	if (!strcmp(url, "/metrics")) {
		m->render(m->ctx, out);
	} else {
		fputs("fluxtrace: metrics are at /metrics\n", out);
		status = MHD_HTTP_NOT_FOUND;
	}
	fclose(out);
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

struct ft_metrics *ft_metrics_start(const char *spec, ft_metrics_render_fn render, void *ctx)
{
	struct sockaddr_storage ss;
	struct ft_metrics *m;
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_TURBO;

	if (ft_metrics_parse_addr(spec, &ss)) {
		pr_warn("bad --metrics '%s': give [ADDR:]PORT, e.g. 9100 or 0.0.0.0:9100\n", spec);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->render = render;
	m->ctx = ctx;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* No internal thread: we run it from our epoll loop (MHD_USE_EPOLL). */
	m->daemon = MHD_start_daemon(flags, 0, NULL, NULL, answer, m, MHD_OPTION_SOCK_ADDR, &ss,
				     MHD_OPTION_CONNECTION_LIMIT, 16U,
				     MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_END);
	if (!m->daemon) {
		pr_warn("cannot serve metrics on '%s' (address in use or not local?); pick "
			"another --metrics port\n", spec);
		free(m);
		return NULL;
	}
	return m;
}

int ft_metrics_fd(struct ft_metrics *m)
{
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_EPOLL_FD);

	return info ? info->epoll_fd : -1;
}

void ft_metrics_run(struct ft_metrics *m)
{
	MHD_run(m->daemon);
}

void ft_metrics_stop(struct ft_metrics *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->daemon);
	free(m);
}
