// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Options: parsed and validated here, each bad one a one-line error that
 * says what to give instead (exit 2). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/types.h>
#include "fluxtrace/events.h"
#include "cli.h"
#include "common/log.h"
#include "common/names.h"
#include "common/scope.h"
#include "render/http.h"

#ifndef FT_VERSION
#define FT_VERSION "0.1"
#endif
#define FT_STR_(x) #x
#define FT_STR(x) FT_STR_(x)

static const char usage_text[] =
	"Usage: fluxtrace [options]\n"
	"Finds return-path asymmetry and ARP flux from inside the kernel.\n\n"
	"  -i, --interface IF[,IF]  interfaces to trace (default: any = all up, non-loopback)\n"
	"  -d, --duration SECONDS   stop after this long (default: at SIGINT/SIGTERM)\n"
	"  -w, --write FILE         record the events to FILE (replay with -r)\n"
	"  -r, --read FILE          reduce a recorded trace instead of tracing ('-': stdin);\n"
	"                           repeat it for traces of several hosts, joined into one story\n"
	"      --skew SECONDS       clock difference tolerated between joined traces (default 2)\n"
	"      --events             print every event as one line (debugging view)\n"
	"      --json               print the report as one JSON object\n"
	"      --interval SECONDS   report every SECONDS (text: live view; --json: JSON lines\n"
	"                           of findings opened, updated, resolved; with -r: in the\n"
	"                           trace's time)\n"
	"      --window DURATION    a finding is active while its evidence is this recent,\n"
	"                           resolved after (30s, 5m, 1h; default 5m with --interval\n"
	"                           or --metrics, else none: every finding of the run counts)\n"
	"      --fail-on any|KIND[,KIND...]  "
	"exit 3 when such an alarm is reported at the end\n"
	"      --xdp-mode MODE      off (default: ingress at tc), auto (native XDP where the\n"
	"                           driver has it, else generic), native, or generic\n"
	"      --max-flows N        flows tracked in the kernel (default " FT_STR(FT_DEFAULT_MAX_FLOWS) ")\n"
	"      --ringbuf-size BYTES event ring buffer, a power of two (default 4194304)\n"
	"      --oneway-after SECS  requests unanswered this long count as one-way (default 1)\n"
	"      --allow IP|MAC       never alarm on this address (repeatable)\n"
	"      --filter EXPR        trace only what EXPR matches, judged in the kernel:\n"
	"                           host ADDR, net PREFIX, port N, proto tcp|udp|icmp|icmp6,\n"
	"                           and, or, not, ( ); e.g. 'port 443 or net 10.20.0.0/16'\n"
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

/* A duration: whole seconds, or a number with s, m, h or d; from 1 s to
 * 31 days. */
static __u64 parse_duration(const char *opt, const char *arg)
{
	unsigned long v, unit = 1;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (*end && end[1])
		unit = 0;
	else if (*end)
		unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;
	if (errno || end == arg || arg[0] == '-' || !unit || v == 0 ||
	    v > 31UL * 24 * 3600 / unit) {
		fprintf(stderr, "fluxtrace: bad %s '%s': give a duration from 1s to 31d, e.g. "
			"%s 30s, 5m or 1h; see 'fluxtrace -h'\n", opt, arg, opt);
		exit(2);
	}
	return v * unit * 1000000000ULL;
}

/* --fail-on any | KIND[,KIND...]: a host's kinds and the correlated ones. */
static void parse_fail_on(struct ft_config *cfg, const char *arg)
{
	char buf[256], *save = NULL;

	cfg->fail_on = cfg->fail_on_corr = 0;
	if (!strcmp(arg, "any")) {
		cfg->fail_on = (1u << FT_KIND_MAX) - 1;
		cfg->fail_on_corr = (1u << FT_CORR_KIND_MAX) - 1;
		return;
	}
	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *k = strtok_r(buf, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		int kind = ft_kind_by_name(k), corr = -1;

		for (unsigned int i = 0; kind < 0 && i < FT_CORR_KIND_MAX; i++)
			if (!strcmp(k, ft_corr_kind_name(i)))
				corr = i;
		if (kind < 0 && corr < 0) {
			char names[512];
			size_t off = 0;

			for (unsigned int i = 0; i < FT_KIND_MAX; i++)
				off += snprintf(names + off, sizeof(names) - off, "%s%s",
						i ? ", " : "", ft_kind_name(i));
			for (unsigned int i = 0; i < FT_CORR_KIND_MAX; i++)
				off += snprintf(names + off, sizeof(names) - off, ", %s",
						ft_corr_kind_name(i));
			usage_error("bad --fail-on '%s': '%s' is no kind; give any or kinds "
				    "from: %s", arg, k, names);
		}
		if (kind >= 0)
			cfg->fail_on |= 1u << kind;
		else
			cfg->fail_on_corr |= 1u << corr;
	}
	if (!cfg->fail_on && !cfg->fail_on_corr)
		usage_error("bad --fail-on '%s': give any or kinds, e.g. duplicate_ip,one_way",
			    arg);
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

/* --filter: one line naming the column of the problem. */
static void parse_filter(struct ft_config *cfg, const char *arg)
{
	char err[256];
	int pos;

	if (!cfg->scope)
		cfg->scope = malloc(sizeof(*cfg->scope));
	if (!cfg->scope)
		exit(1);
	if (ft_scope_compile(arg, cfg->scope, err, sizeof(err), &pos)) {
		if (pos)
			usage_error("bad --filter '%s' at %d: %s", arg, pos, err);
		usage_error("bad --filter '%s': %s", arg, err);
	}
}

/* Options that only make sense when several traces are joined, and
 * those that do not. */
static void check_join(struct ft_config *cfg)
{
	if (cfg->n_read > 1 && strcmp(cfg->read_paths[0], "-") == 0)
		usage_error("-r -: stdin can be one trace only; give the joined traces as files");
	for (unsigned int i = 1; i < cfg->n_read; i++)
		if (!strcmp(cfg->read_paths[i], "-"))
			usage_error("-r -: stdin can be one trace only; give the joined traces as "
				    "files");
	if (cfg->n_read > 1 && cfg->live.events)
		usage_error("--events prints the events of one trace; give one -r");
	if (cfg->n_read > 1 && cfg->live.interval_ns)
		usage_error("--interval replays the lifecycle of one trace; give one -r (the joined "
			    "report covers the whole of each trace)");
	if (cfg->skew_ns && cfg->n_read < 2)
		usage_error("--skew applies when joining traces (give -r more than once)");
	if (!cfg->skew_ns)
		cfg->skew_ns = FT_DEFAULT_SKEW_NS;
}

enum { OPT_EVENTS = 256, OPT_JSON, OPT_INTERVAL, OPT_XDP_MODE, OPT_MAX_FLOWS, OPT_RINGBUF,
       OPT_ONEWAY, OPT_ALLOW, OPT_CHECK, OPT_METRICS, OPT_FILTER, OPT_WINDOW, OPT_FAIL_ON,
       OPT_SKEW };

void ft_cli_parse(int argc, char **argv, struct ft_config *cfg)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "write", required_argument, NULL, 'w' },
		{ "read", required_argument, NULL, 'r' },
		{ "events", no_argument, NULL, OPT_EVENTS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "xdp-mode", required_argument, NULL, OPT_XDP_MODE },
		{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
		{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
		{ "oneway-after", required_argument, NULL, OPT_ONEWAY },
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "skew", required_argument, NULL, OPT_SKEW },
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
			cfg->live.duration_ns = parse_seconds("-d", optarg);
			break;
		case 'w':
			cfg->live.write_path = optarg;
			break;
		case 'r':
			if (cfg->n_read == FT_MAX_TRACES)
				usage_error("too many -r: at most %d traces are joined", FT_MAX_TRACES);
			cfg->read_paths[cfg->n_read++] = optarg;
			cfg->read_path = cfg->read_paths[0];
			break;
		case OPT_SKEW:
			cfg->skew_ns = parse_seconds("--skew", optarg);
			break;
		case OPT_EVENTS:
			cfg->live.events = true;
			break;
		case OPT_JSON:
			cfg->json = true;
			break;
		case OPT_INTERVAL:
			cfg->live.interval_ns = parse_seconds("--interval", optarg);
			break;
		case OPT_WINDOW:
			cfg->reduce.window_ns = parse_duration("--window", optarg);
			break;
		case OPT_FAIL_ON:
			parse_fail_on(cfg, optarg);
			break;
		case OPT_XDP_MODE:
			if (!strcmp(optarg, "auto"))
				cfg->live.xdp_mode = FT_XDP_AUTO;
			else if (!strcmp(optarg, "native"))
				cfg->live.xdp_mode = FT_XDP_NATIVE;
			else if (!strcmp(optarg, "generic"))
				cfg->live.xdp_mode = FT_XDP_GENERIC;
			else if (!strcmp(optarg, "off"))
				cfg->live.xdp_mode = FT_XDP_OFF;
			else
				usage_error("bad --xdp-mode '%s': use auto, native, generic or off",
					    optarg);
			break;
		case OPT_MAX_FLOWS:
			cfg->live.max_flows = parse_count("--max-flows", optarg, 64, 1U << 26);
			break;
		case OPT_RINGBUF:
			cfg->live.ringbuf_size = parse_count("--ringbuf-size", optarg, 4096, 1U << 30);
			if (cfg->live.ringbuf_size & (cfg->live.ringbuf_size - 1))
				usage_error("bad --ringbuf-size '%s': must be a power of two, e.g. "
					    "4194304", optarg);
			break;
		case OPT_ONEWAY:
			cfg->reduce.oneway_after_ns = parse_seconds("--oneway-after", optarg);
			break;
		case OPT_ALLOW:
			if (cfg->n_allow == FT_ALLOW_MAX)
				usage_error("too many --allow (at most %d); '%s' not taken",
					    FT_ALLOW_MAX, optarg);
			if (!ft_reduce_allow_valid(optarg))
				usage_error("bad --allow '%s': give an IP address, a prefix "
					    "(10.0.0.0/24) or a MAC (aa:bb:cc:dd:ee:ff)", optarg);
			cfg->allow[cfg->n_allow++] = optarg;
			break;
		case OPT_CHECK:
			cfg->check = true;
			break;
		case OPT_FILTER:
			parse_filter(cfg, optarg);
			break;
		case OPT_METRICS: {
			struct sockaddr_storage ss;

			if (ft_metrics_parse_addr(optarg, &ss))
				usage_error("bad --metrics '%s': give [ADDR:]PORT, e.g. 9100 or "
					    "0.0.0.0:9100", optarg);
			cfg->live.metrics = optarg;
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
	if (cfg->read_path && (cfg->ifaces_spec || cfg->live.duration_ns || cfg->live.write_path ||
			       cfg->live.metrics))
		usage_error("%s: -r replays a trace; -i, -d, -w and --metrics apply only when "
			    "tracing", cfg->read_path);
	if (cfg->live.interval_ns && !cfg->reduce.window_ns)
		cfg->reduce.window_ns = FT_DEFAULT_WINDOW_NS;
	if (cfg->live.metrics && !cfg->reduce.window_ns)
		cfg->reduce.window_ns = FT_DEFAULT_WINDOW_NS;
	if (cfg->read_path && cfg->scope)
		usage_error("%s: --filter applies only when tracing (the kernel judges the "
			    "packets; a recorded trace holds only what was in scope)", cfg->read_path);
	check_join(cfg);
	cfg->live.ifaces_spec = cfg->ifaces_spec;
	cfg->live.scope = cfg->scope;
	cfg->reduce.allow = cfg->allow;
	cfg->reduce.max_flows = cfg->live.max_flows;
}

void ft_cli_free(struct ft_config *cfg)
{
	free(cfg->ifaces_spec);
	cfg->ifaces_spec = NULL;
	free(cfg->scope);
	cfg->scope = NULL;
	cfg->live.scope = NULL;
}
