// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* fluxtrace: options → trace live (attach, consume, report) or replay. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>
#include "fluxtrace/events.h"
#include "fluxtrace.skel.h"
#include "attach.h"
#include "check.h"
#include "consume.h"
#include "ifwatch.h"
#include "log.h"
#include "metrics.h"
#include "reduce.h"
#include "render_events.h"
#include "render_metrics.h"
#include "session.h"
#include "tracefile.h"

#ifndef FT_VERSION
#define FT_VERSION "0.1"
#endif
#define MAX_ALLOW 64

struct ft_config {
	char *ifaces_spec;
	__u64 duration_ns;
	__u64 interval_ns;
	const char *write_path;
	const char *read_path;
	bool events, json, check;
	enum ft_xdp_mode xdp_mode;
	__u32 max_flows;
	__u32 ringbuf_size;
	__u64 oneway_after_ns;
	const char *allow[MAX_ALLOW + 1];
	int n_allow;
	const char *metrics;	/* [ADDR:]PORT */
};

/* What the report callback needs. */
struct ft_run {
	struct ft_config *cfg;
	struct ft_session session;
	struct ft_report_ctx report;
	bool tty;
};

static const char usage_text[] =
	"Usage: fluxtrace [options]\n"
	"Finds return-path asymmetry and ARP flux from inside the kernel.\n\n"
	"  -i, --interface IF[,IF]  interfaces to trace (default: any = all up, non-loopback)\n"
	"  -d, --duration SECONDS   stop after this long (default: at SIGINT/SIGTERM)\n"
	"  -w, --write FILE         record the events to FILE (replay with -r)\n"
	"  -r, --read FILE          reduce a recorded trace instead of tracing ('-': stdin)\n"
	"      --events             print every event as one line (debugging view)\n"
	"      --json               print the report as one JSON object\n"
	"      --interval SECONDS   report every SECONDS (text: live view; --json: JSON lines)\n"
	"      --xdp-mode MODE      off (default: ingress at tc), auto (native XDP where the\n"
	"                           driver has it, else generic), native, or generic\n"
	"      --max-flows N        flows tracked in the kernel (default 65536)\n"
	"      --ringbuf-size BYTES event ring buffer, a power of two (default 4194304)\n"
	"      --oneway-after SECS  requests unanswered this long count as one-way (default 1)\n"
	"      --allow IP|MAC       never alarm on this address (repeatable)\n"
	"      --metrics [ADDR:]PORT serve Prometheus metrics at /metrics (default 127.0.0.1)\n"
	"      --check              say what this kernel and these privileges allow, then exit\n"
	"  -v, --verbose            show libbpf's messages and the verifier log on errors\n"
	"  -V, --version            print the version\n"
	"  -h, --help               this help\n";

static void __attribute__((format(printf, 1, 2), noreturn)) usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("fluxtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; see 'fluxtrace -h'\n", stderr);
	exit(2);
}

/* Whole seconds in [1, 31 days]; anything else is a usage error. */
static __u64 parse_seconds(const char *opt, const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v == 0 || v > 31UL * 24 * 3600 || arg[0] == '-') {
		fprintf(stderr, "fluxtrace: bad %s '%s': give whole seconds, e.g. %s 30; "
			"see 'fluxtrace -h'\n", opt, arg, opt);
		exit(2);
	}
	return v * 1000000000ULL;
}

static __u32 parse_count(const char *opt, const char *arg, unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || v < min || v > max || arg[0] == '-') {
		fprintf(stderr, "fluxtrace: bad %s '%s': give a number from %lu to %lu; "
			"see 'fluxtrace -h'\n", opt, arg, min, max);
		exit(2);
	}
	return v;
}

static void append_ifaces(struct ft_config *cfg, const char *arg)
{
	size_t old = cfg->ifaces_spec ? strlen(cfg->ifaces_spec) : 0;
	char *spec = realloc(cfg->ifaces_spec, old + strlen(arg) + 2);

	if (!spec)
		exit(1);
	if (old)
		spec[old++] = ',';
	strcpy(spec + old, arg);
	cfg->ifaces_spec = spec;
}

enum { OPT_EVENTS = 256, OPT_JSON, OPT_INTERVAL, OPT_XDP_MODE, OPT_MAX_FLOWS, OPT_RINGBUF,
       OPT_ONEWAY, OPT_ALLOW, OPT_CHECK, OPT_METRICS };

static void parse_args(int argc, char **argv, struct ft_config *cfg)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "write", required_argument, NULL, 'w' },
		{ "read", required_argument, NULL, 'r' },
		{ "events", no_argument, NULL, OPT_EVENTS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "xdp-mode", required_argument, NULL, OPT_XDP_MODE },
		{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
		{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
		{ "oneway-after", required_argument, NULL, OPT_ONEWAY },
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:d:w:r:vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			append_ifaces(cfg, optarg);
			break;
		case 'd':
			cfg->duration_ns = parse_seconds("-d", optarg);
			break;
		case 'w':
			cfg->write_path = optarg;
			break;
		case 'r':
			cfg->read_path = optarg;
			break;
		case OPT_EVENTS:
			cfg->events = true;
			break;
		case OPT_JSON:
			cfg->json = true;
			break;
		case OPT_INTERVAL:
			cfg->interval_ns = parse_seconds("--interval", optarg);
			break;
		case OPT_XDP_MODE:
			if (!strcmp(optarg, "auto"))
				cfg->xdp_mode = FT_XDP_AUTO;
			else if (!strcmp(optarg, "native"))
				cfg->xdp_mode = FT_XDP_NATIVE;
			else if (!strcmp(optarg, "generic"))
				cfg->xdp_mode = FT_XDP_GENERIC;
			else if (!strcmp(optarg, "off"))
				cfg->xdp_mode = FT_XDP_OFF;
			else
				usage_error("bad --xdp-mode '%s': use auto, native, generic or off",
					    optarg);
			break;
		case OPT_MAX_FLOWS:
			cfg->max_flows = parse_count("--max-flows", optarg, 64, 1U << 26);
			break;
		case OPT_RINGBUF:
			cfg->ringbuf_size = parse_count("--ringbuf-size", optarg, 4096, 1U << 30);
			if (cfg->ringbuf_size & (cfg->ringbuf_size - 1))
				usage_error("bad --ringbuf-size '%s': must be a power of two, e.g. "
					    "4194304", optarg);
			break;
		case OPT_ONEWAY:
			cfg->oneway_after_ns = parse_seconds("--oneway-after", optarg);
			break;
		case OPT_ALLOW:
			if (cfg->n_allow == MAX_ALLOW)
				usage_error("too many --allow (at most 64); '%s' not taken", optarg);
			if (!ft_reduce_allow_valid(optarg))
				usage_error("bad --allow '%s': give an IP address, a prefix "
					    "(10.0.0.0/24) or a MAC (aa:bb:cc:dd:ee:ff)", optarg);
			cfg->allow[cfg->n_allow++] = optarg;
			break;
		case OPT_CHECK:
			cfg->check = true;
			break;
		case OPT_METRICS: {
			struct sockaddr_storage ss;

			if (ft_metrics_parse_addr(optarg, &ss))
				usage_error("bad --metrics '%s': give [ADDR:]PORT, e.g. 9100 or "
					    "0.0.0.0:9100", optarg);
			cfg->metrics = optarg;
			break;
		}
		case 'v':
			ft_log_level = FT_LOG_DEBUG;
			break;
		case 'V':
			printf("fluxtrace %s (event ABI %d)\n", FT_VERSION, FT_ABI_VERSION);
			exit(0);
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case ':':
			usage_error("option '%s' needs a value", argv[optind - 1]);
			break;
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s' (interfaces go after -i)", argv[optind]);
	if (cfg->read_path && (cfg->ifaces_spec || cfg->duration_ns || cfg->write_path ||
			       cfg->metrics || cfg->interval_ns))
		usage_error("%s: -r replays a trace; -i, -d, -w, --interval and --metrics apply "
			    "only when tracing", cfg->read_path);
}

static void report(void *ctx, bool final)
{
	struct ft_run *run = ctx;
	/* With -w - the trace owns stdout. */
	FILE *out = run->cfg->write_path && !strcmp(run->cfg->write_path, "-") ? stderr : stdout;

	if (run->cfg->json) {
		ft_report_json(run->session.reducer, &run->report, out);
	} else {
		/* The live view redraws in place on a terminal. */
		if (run->cfg->interval_ns && run->tty && !final)
			fputs("\033[H\033[2J", out);
		ft_report_text(run->session.reducer, &run->report, out);
	}
	fflush(out);
}

static __s64 mono_to_wall_offset(void)
{
	struct timespec wall;

	clock_gettime(CLOCK_REALTIME, &wall);
	return (__s64)(wall.tv_sec * 1000000000ULL + wall.tv_nsec) - (__s64)ft_now_ns();
}

static int replay(struct ft_run *run)
{
	struct ft_trace_meta meta = {};
	struct ft_trace_reader *r;
	const void *rec;
	size_t len;
	char err[512];
	int status;

	r = ft_trace_open(run->cfg->read_path, &meta, err, sizeof(err));
	if (!r) {
		pr_warn("%s\n", err);
		return 1;
	}
	if (run->cfg->events)
		run->session.printer = ft_event_printer_new(stdout, meta.mono_to_wall_ns);
	while ((status = ft_trace_next(r, &rec, &len)) == FT_TRACE_RECORD)
		ft_session_record(&run->session, rec, len);
	if (status == FT_TRACE_ERROR) {
		pr_warn("%s\n", ft_trace_error(r));
		ft_trace_close_reader(r);
		return 1;
	}
	if (status == FT_TRACE_TRUNCATED)
		pr_warn("%s (the trace ends early, e.g. the recording was killed: reporting what "
			"was intact)\n", ft_trace_error(r));

	run->report.host = meta.host;
	run->report.source = run->cfg->read_path;
	run->report.mono_to_wall_ns = meta.mono_to_wall_ns;
	run->report.host_facts = false;
	report(run, true);
	ft_trace_close_reader(r);
	return 0;
}

static int open_skeleton(struct ft_config *cfg, struct fluxtrace_bpf **out)
{
	struct fluxtrace_bpf *skel;
	struct stat ns;
	int err;

	skel = fluxtrace_bpf__open();
	if (!skel) {
		err = -errno;
		pr_warn("cannot open the BPF object: %s\n", strerror(-err));
		return err;
	}
	/* Neighbour tracepoints fire for every namespace: keep ours. */
	if (!stat("/proc/self/ns/net", &ns))
		skel->rodata->ft_netns_ino = ns.st_ino;
	skel->rodata->ft_rb_wakeup_bytes = cfg->ringbuf_size / 8;
	bpf_map__set_max_entries(skel->maps.ft_flows, cfg->max_flows);
	bpf_map__set_max_entries(skel->maps.ft_events, cfg->ringbuf_size);
	/* Multi-buffer XDP (5.18+) keeps veth GSO on; older kernels refuse the flag. */
	if (!ft_kernel_has_xdp_frags())
		bpf_program__set_flags(skel->progs.ft_xdp, bpf_program__flags(skel->progs.ft_xdp) &
								   ~BPF_F_XDP_HAS_FRAGS);

	err = fluxtrace_bpf__load(skel);
	if (err) {
		if (err == -EPERM || err == -EACCES)
			pr_warn("not allowed to load BPF programs: run as root (or with CAP_BPF, "
				"CAP_PERFMON and CAP_NET_ADMIN)\n");
		else
			pr_warn("cannot load the BPF programs: %s%s\n", strerror(-err),
				ft_log_level < FT_LOG_DEBUG ? " (run with -v for the verifier log)"
							    : "");
		fluxtrace_bpf__destroy(skel);
		return err;
	}
	*out = skel;
	return 0;
}

static void iface_record(const struct ft_iface *ifc, bool removed, struct ft_iface_record *r)
{
	struct stat ns;

	memset(r, 0, sizeof(*r));
	r->type = FT_REC_IFACE;
	r->removed = removed;
	memcpy(r->mac, ifc->mac, 6);
	r->ifindex = ifc->ifindex;
	r->hooks = ifc->hooks;
	r->netns_ino = stat("/proc/self/ns/net", &ns) ? 0 : ns.st_ino;
	r->ts_ns = ifc->announced_ns;
	snprintf(r->name, sizeof(r->name), "%s", ifc->name);
}

/* What is attached where, growing and shrinking with interface churn. */
struct ft_tracer {
	struct ft_run *run;
	struct fluxtrace_bpf *skel;
	struct ft_iface *ifaces;
	size_t n;
	bool any;		/* -i any: trace interfaces that appear */
	int watch_fd;
	struct ft_live *live;
	struct ft_metrics *metrics;
};

static void announce(struct ft_tracer *t, struct ft_iface *ifc, bool removed)
{
	struct ft_iface_record r;

	ifc->announced_ns = ft_now_ns();
	iface_record(ifc, removed, &r);
	ft_session_record(&t->run->session, &r, sizeof(r));
}

static struct ft_iface *find_iface(struct ft_tracer *t, int ifindex)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->ifaces[i].ifindex == ifindex)
			return &t->ifaces[i];
	return NULL;
}

/* Interfaces come, go and get renamed while we trace. */
static void on_link_change(void *ctx, const struct ft_link_change *c)
{
	struct ft_tracer *t = ctx;
	struct ft_iface *ifc = find_iface(t, c->ifindex);

	if (ifc && c->removed) {
		pr_info("%s: interface gone; no longer traced\n", ifc->name);
		ft_detach_iface(ifc);
		announce(t, ifc, true);
		*ifc = t->ifaces[--t->n];
	} else if (ifc && c->name[0] && strcmp(c->name, ifc->name)) {
		pr_info("%s: renamed to %s; its history is kept under the new name\n", ifc->name,
			c->name);
		snprintf(ifc->name, sizeof(ifc->name), "%s", c->name);
		announce(t, ifc, false);
	} else if (!ifc && t->any && c->up && !c->removed && c->name[0]) {
		size_t before = t->n;

		if (ft_ifaces_resolve(c->name, &t->ifaces, &t->n) || t->n == before)
			return;
		ifc = &t->ifaces[t->n - 1];
		if (ft_attach_iface(t->skel, ifc, t->run->cfg->xdp_mode)) {
			t->n--;
			return;
		}
		pr_info("%s: new interface; tracing it\n", ifc->name);
		announce(t, ifc, false);
	}
}

static void on_watch(void *ctx)
{
	struct ft_tracer *t = ctx;

	ft_ifwatch_read(t->watch_fd, on_link_change, t);
}

static struct ft_trace_writer *open_writer(struct ft_tracer *t)
{
	struct ft_trace_meta meta = {
		.mono_to_wall_ns = t->run->report.mono_to_wall_ns,
		.start_ns = ft_now_ns(),
		.n_ifaces = t->n,
	};
	struct ft_trace_writer *w;
	struct utsname u;

	meta.ifaces = calloc(t->n, sizeof(*meta.ifaces));
	if (!meta.ifaces)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		iface_record(&t->ifaces[i], false, &meta.ifaces[i]);
	uname(&u);
	snprintf(meta.host, sizeof(meta.host), "%s", t->run->report.host);
	snprintf(meta.kernel, sizeof(meta.kernel), "%.63s", u.release);
	w = ft_trace_create(t->run->cfg->write_path, &meta);
	free(meta.ifaces);
	return w;
}

/* A scrape sees fresh counters: read the maps first. */
static void render_metrics(void *ctx, FILE *out)
{
	struct ft_tracer *t = ctx;
	struct ft_summary s;

	ft_live_snapshot(t->live);
	ft_reducer_summary(t->run->session.reducer, &s);
	ft_render_metrics(out, &s, &t->live->last_counters, t->ifaces, t->n);
}

static void on_metrics(void *ctx)
{
	ft_metrics_run(((struct ft_tracer *)ctx)->metrics);
}

static void report_live(void *ctx, bool final)
{
	report(((struct ft_tracer *)ctx)->run, final);
}

static int trace(struct ft_run *run)
{
	struct ft_config *cfg = run->cfg;
	struct ft_live live = { .epoll_fd = -1, .sig_fd = -1, .timer_fd = -1 };
	struct ft_tracer t = { .run = run, .watch_fd = -1, .live = &live };
	char names[1024] = "";
	int err, ret = 1;

	if (ft_preflight())
		return 1;
	t.any = !cfg->ifaces_spec || strstr(cfg->ifaces_spec, "any");
	err = ft_ifaces_resolve(cfg->ifaces_spec ? cfg->ifaces_spec : "any", &t.ifaces, &t.n);
	if (err)
		goto out;
	if (!t.n) {
		pr_warn("no interface is up in this network namespace; name one with -i\n");
		goto out;
	}
	if (open_skeleton(cfg, &t.skel))
		goto out;
	pr_info("tracking up to %u flows (~%u MiB of kernel memory), %u KiB ring buffer\n",
		cfg->max_flows,
		(unsigned)(((__u64)cfg->max_flows *
			    (sizeof(struct ft_flow_key) + sizeof(struct ft_flow_state) + 64)) >> 20),
		cfg->ringbuf_size >> 10);

	err = ft_attach_tracepoints(t.skel);
	if (err) {
		pr_warn("cannot attach the neighbour tracepoints: %s\n", strerror(-err));
		goto out;
	}
	if (cfg->events)
		run->session.printer = ft_event_printer_new(
			cfg->write_path && !strcmp(cfg->write_path, "-") ? stderr : stdout,
			run->report.mono_to_wall_ns);
	for (size_t i = 0; i < t.n; i++) {
		err = ft_attach_iface(t.skel, &t.ifaces[i], cfg->xdp_mode);
		if (err) {
			pr_warn("%s: not traced; stopping (name the interfaces to trace with -i)\n",
				t.ifaces[i].name);
			goto out;
		}
		announce(&t, &t.ifaces[i], false);
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? "," : "", t.ifaces[i].name);
	}
	/* The header carries the interface table the reducer already has. */
	if (cfg->write_path) {
		run->session.writer = open_writer(&t);
		if (!run->session.writer) {
			pr_warn("cannot write '%s': %s (choose another path for -w)\n",
				cfg->write_path, strerror(errno));
			goto out;
		}
	}

	t.watch_fd = ft_ifwatch_open();
	if (t.watch_fd < 0)
		pr_info("not watching for interface changes: %s\n", strerror(-t.watch_fd));
	live.skel = t.skel;
	live.session = &run->session;
	live.duration_ns = cfg->duration_ns;
	live.interval_ns = cfg->interval_ns;
	live.report = report_live;
	ft_live_watch(&live, t.watch_fd, on_watch);
	if (cfg->metrics) {
		t.metrics = ft_metrics_start(cfg->metrics, render_metrics, &t);
		if (!t.metrics)
			goto out;
		ft_live_watch(&live, ft_metrics_fd(t.metrics), on_metrics);
		live.tick = on_metrics;	/* connection timeouts */
	}
	live.report_ctx = &t;
	err = ft_live_open(&live);
	if (err) {
		pr_warn("cannot set up the event loop: %s\n", strerror(-err));
		goto out;
	}
	fprintf(stderr, "fluxtrace: tracing %s\n", names);
	err = ft_live_run(&live);

	/* Detach first so the report covers a closed window. */
	for (size_t i = 0; i < t.n; i++)
		ft_detach_iface(&t.ifaces[i]);
	ft_detach_tracepoints(t.skel);
	ft_live_snapshot(&live);
	if (live.bad_events)
		pr_warn("%llu malformed ring-buffer records ignored\n",
			(unsigned long long)live.bad_events);
	report(run, true);
	ret = err ? 1 : 0;
out:
	for (size_t i = 0; i < t.n; i++)
		ft_detach_iface(&t.ifaces[i]);
	ft_metrics_stop(t.metrics);
	ft_live_close(&live);
	if (t.watch_fd >= 0)
		close(t.watch_fd);
	if (run->session.writer) {
		err = ft_trace_close(run->session.writer);
		if (!err)
			err = run->session.write_err;
		if (err) {
			pr_warn("writing '%s' failed: %s; the trace is incomplete\n", cfg->write_path,
				strerror(-err));
			ret = 1;
		}
	}
	fluxtrace_bpf__destroy(t.skel);
	free(t.ifaces);
	return ret;
}

int main(int argc, char **argv)
{
	struct ft_config cfg = {
		.xdp_mode = FT_XDP_OFF,
		.max_flows = 65536,
		.ringbuf_size = 4 << 20,
		.oneway_after_ns = 1000000000ULL,
	};
	struct ft_run run = { .cfg = &cfg };
	struct ft_reduce_opts ropts = FT_REDUCE_OPTS_DEFAULT;
	char host[256] = "localhost";
	int ret;

	parse_args(argc, argv, &cfg);
	/* A closed pipe is an error to report, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	libbpf_set_print(ft_libbpf_print);
	if (cfg.check)
		return ft_check() ? 1 : 0;

	ropts.oneway_after_ns = cfg.oneway_after_ns;
	ropts.max_flows = cfg.max_flows;
	ropts.allow = cfg.allow;
	run.session.reducer = ft_reducer_new(&ropts);
	if (!run.session.reducer) {
		pr_warn("out of memory\n");
		return 1;
	}
	gethostname(host, sizeof(host) - 1);
	run.tty = isatty(STDOUT_FILENO);
	run.report.host = host;
	run.report.source = "live";
	run.report.mono_to_wall_ns = mono_to_wall_offset();
	run.report.host_facts = true;
	run.report.color = run.tty && !cfg.json && !getenv("NO_COLOR");

	ret = cfg.read_path ? replay(&run) : trace(&run);
	ft_event_printer_free(run.session.printer);
	ft_reducer_free(run.session.reducer);
	free(cfg.ifaces_spec);
	return ret;
}
