// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * progcost: the measuring half of `make bench`.
 *
 *   progcost testrun --fluxtrace OBJ --floor OBJ [--floor-lru OBJ] [--before OBJ]
 *                    [--repeat N] [--runs R] [--samples S] [--scope-in EXPR]
 *                    [--scope-out EXPR]
 *       Cost per packet of each program on the same crafted packets, side
 *       by side in one run, with BPF_PROG_TEST_RUN. Prints one line per
 *       figure: "testrun MODE CASE HOOK SUBJECT MEDIAN_NS MIN_NS MAX_NS"
 *       and "prog SUBJECT NAME XLATED JITED VERIFIED_INSNS". --scope-in and
 *       --scope-out add fluxtrace loaded with that --filter (subjects
 *       "ft-in-scope", "ft-out-of-scope"): an expression the packets match,
 *       one they do not. --before adds another fluxtrace object (subject
 *       "ft-before"), to measure a change side by side.
 *   progcost stats IFNAME [--pid PID]
 *       Programs attached to IFNAME (XDP, tcx), and the others PID holds
 *       (hook "other": tracepoints), with their bpf_stats:
 *       "stat HOOK ID NAME RUN_CNT RUN_TIME_NS XLATED JITED VERIFIED_INSNS".
 *   progcost attach IFNAME OBJ [--xdp PROG] [--tc-ingress PROG] [--tc-egress PROG]
 *                   [--set VAR=N]... [--max-entries MAP=N]...
 *       Attach programs of OBJ until SIGINT/SIGTERM, draining its ring
 *       buffer; then prints "events N bytes B". Only the named programs
 *       are loaded. --set writes an integer .rodata variable before load
 *       (a loader's configuration), --max-entries resizes a map, as the
 *       object's own loader would (the peer's agent, for one).
 *   progcost maxrss -- CMD [ARG...]
 *       Run CMD (SIGINT/SIGTERM passed on); print "progcost: maxrss_kb=K
 *       wall_ms=W user_ms=U sys_ms=S" on stderr.
 *   progcost tracestat FILE
 *       Records of a trace by type, the last loss counters, record sizes,
 *       the most packets received any one flow's counters show:
 *       "records TYPE N", "counter NAME VALUE", "size TYPE BYTES",
 *       "flow_pkts_in_max N".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>	/* before the uapi headers: glibc then owns in.h */
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "fluxtrace/events.h"
#include "record/trace.h"
#include "common/scope.h"

/* tcx attach types (kernel >= 6.6); the installed uapi headers may predate them. */
#define PC_TCX_INGRESS 46
#define PC_TCX_EGRESS 47

enum hook { HOOK_XDP, HOOK_TC_IN, HOOK_TC_OUT, N_HOOKS };
static const char *const hook_names[N_HOOKS] = { "xdp", "tc_ingress", "tc_egress" };

enum pkt { PKT_EST4, PKT_SYN4, PKT_ARP, PKT_EST6, N_PKTS };

struct packet {
	unsigned char data[128];
	unsigned int len;
};

/* One program set under test: a program per hook from one object. */
struct subject {
	const char *label;
	struct bpf_object *obj;
	struct bpf_program *prog[N_HOOKS];
	struct ring_buffer *rb;
};

enum mode { MODE_REPEAT, MODE_SINGLE };

/* What is measured: a packet, how, and whether flow state is forgotten
 * before each sample (so every sample takes the new-flow path). */
struct bench_case {
	const char *name;
	enum pkt pkt;
	enum mode mode;
	bool forget;
};

static const struct bench_case cases[] = {
	{ "est4", PKT_EST4, MODE_REPEAT, false },
	{ "est6", PKT_EST6, MODE_REPEAT, false },
	{ "arp-repeat", PKT_ARP, MODE_REPEAT, false },
	{ "est4", PKT_EST4, MODE_SINGLE, false },
	{ "new4", PKT_SYN4, MODE_SINGLE, true },
	{ "arp-new", PKT_ARP, MODE_SINGLE, true },
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static volatile sig_atomic_t stop;
static unsigned long long rb_events, rb_bytes;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "progcost: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* ---- crafted packets ---- */

static unsigned char *put_eth(struct packet *p, __u16 proto)
{
	static const unsigned char src[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const unsigned char dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
	struct ethhdr *eth = (struct ethhdr *)p->data;

	memcpy(eth->h_source, src, ETH_ALEN);
	memcpy(eth->h_dest, dst, ETH_ALEN);
	eth->h_proto = htons(proto);
	return p->data + sizeof(*eth);
}

static void put_tcp(unsigned char *at, __u16 sport, __u16 dport, bool syn)
{
	struct tcphdr *th = (struct tcphdr *)at;

	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(1000);
	th->doff = 5;
	th->window = htons(65535);
	if (syn)
		th->syn = 1;
	else
		th->ack = 1;
}

/* 64-byte frame (without FCS): Ethernet, IPv4, TCP, 10 bytes of payload. */
static void make_tcp4(struct packet *p, __u16 sport, bool syn)
{
	struct iphdr *iph = (struct iphdr *)put_eth(p, ETH_P_IP);

	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->tot_len = htons(64 - ETH_HLEN);
	inet_pton(AF_INET, "192.0.2.1", &iph->saddr);
	inet_pton(AF_INET, "192.0.2.2", &iph->daddr);
	put_tcp((unsigned char *)(iph + 1), sport, 5201, syn);
	p->len = 64;
}

static void make_tcp6(struct packet *p)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)put_eth(p, ETH_P_IPV6);

	ip6->version = 6;
	ip6->nexthdr = IPPROTO_TCP;
	ip6->hop_limit = 64;
	ip6->payload_len = htons(sizeof(struct tcphdr) + 10);
	inet_pton(AF_INET6, "2001:db8::1", &ip6->saddr);
	inet_pton(AF_INET6, "2001:db8::2", &ip6->daddr);
	put_tcp((unsigned char *)(ip6 + 1), 40000, 5201, false);
	p->len = ETH_HLEN + sizeof(*ip6) + sizeof(struct tcphdr) + 10;
}

/* ARP request "who has 192.0.2.2, tell 192.0.2.1", padded to 60 bytes. */
static void make_arp(struct packet *p)
{
	static const unsigned char head[8] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	unsigned char *a = put_eth(p, ETH_P_ARP);

	memcpy(a, head, sizeof(head));
	memcpy(a + 8, p->data + ETH_ALEN, ETH_ALEN);	/* sender MAC = Ethernet source */
	inet_pton(AF_INET, "192.0.2.1", a + 14);
	inet_pton(AF_INET, "192.0.2.2", a + 24);
	p->len = 60;
}

static void make_packets(struct packet pkts[N_PKTS])
{
	memset(pkts, 0, sizeof(struct packet) * N_PKTS);
	make_tcp4(&pkts[PKT_EST4], 40000, false);
	make_tcp4(&pkts[PKT_SYN4], 40001, true);
	make_arp(&pkts[PKT_ARP]);
	make_tcp6(&pkts[PKT_EST6]);
}

/* ---- objects and programs ---- */

static int count_event(void *ctx, void *data, size_t size)
{
	rb_events++;
	rb_bytes += size;
	return 0;
}

static struct bpf_object *load_object(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	int err;

	if (!obj)
		die(path, errno);
	err = bpf_object__load(obj);
	if (err)
		die(path, err);
	return obj;
}

/* The object's ring buffer, if any, drained by count_event. */
static struct ring_buffer *open_ringbuf(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF)
			continue;
		struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(map), count_event, NULL, NULL);

		if (!rb)
			die("ring_buffer__new", errno);
		return rb;
	}
	return NULL;
}

static struct bpf_program *find_prog(struct bpf_object *obj, const char *name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);

	if (!prog) {
		fprintf(stderr, "progcost: no program %s in %s\n", name, bpf_object__name(obj));
		exit(1);
	}
	return prog;
}

static void subject_init(struct subject *s, const char *label, struct bpf_object *obj,
			 const char *xdp, const char *tc_in, const char *tc_out)
{
	s->label = label;
	s->obj = obj;
	s->prog[HOOK_XDP] = find_prog(obj, xdp);
	s->prog[HOOK_TC_IN] = find_prog(obj, tc_in);
	s->prog[HOOK_TC_OUT] = find_prog(obj, tc_out);
}

/* Forget all flow/dedup state: empty every hash map of the object. */
static void forget_state(struct bpf_object *obj)
{
	struct bpf_map *map;
	unsigned char key[256];

	bpf_object__for_each_map(map, obj) {
		enum bpf_map_type t = bpf_map__type(map);

		if ((t != BPF_MAP_TYPE_HASH && t != BPF_MAP_TYPE_LRU_HASH) ||
		    bpf_map__key_size(map) > sizeof(key))
			continue;
		while (!bpf_map_get_next_key(bpf_map__fd(map), NULL, key))
			bpf_map_delete_elem(bpf_map__fd(map), key);
	}
}

/* ---- fluxtrace with a --filter, without its skeleton ---- */

/* Where a variable of the object's .rodata lives in its initial value. */
static void *rodata_var(struct bpf_object *obj, const char *name, __u32 size)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, ".rodata");
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	size_t len;
	char *data;
	int id;

	if (!map || !btf)
		die("no .rodata or BTF in the object", EINVAL);
	data = (char *)bpf_map__initial_value(map, &len);
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (!data || id < 0)
		die(".rodata", EINVAL);
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++)
		if (!strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, vs->type)->name_off),
			    name)) {
			if (vs->size != size || vs->offset + size > len)
				die(name, EINVAL);
			return data + vs->offset;
		}
	fprintf(stderr, "progcost: no %s in the object's .rodata\n", name);
	exit(1);
}

/* The size of .rodata variable NAME, 0 if there is none. */
static __u32 rodata_size(struct bpf_object *obj, const char *name)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	int id;

	if (!btf || (id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC)) < 0)
		return 0;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++)
		if (!strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, vs->type)->name_off),
			    name))
			return vs->size;
	return 0;
}

#define SET_RODATA(obj, var, src) memcpy(rodata_var(obj, #var, sizeof(src)), &(src), sizeof(src))

/* fluxtrace's object loaded as `fluxtrace --filter EXPR` would load it. */
static struct bpf_object *load_scoped(const char *path, const char *expr)
{
	static struct ft_scope sc;
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	char err[256];
	__u8 on = 1, has_addr, n_ports;
	int pos, fd;

	if (!obj)
		die(path, errno);
	if (ft_scope_compile(expr, &sc, err, sizeof(err), &pos)) {
		fprintf(stderr, "progcost: bad filter '%s' at %d: %s\n", expr, pos, err);
		exit(2);
	}
	has_addr = sc.n_prefixes > 0;
	n_ports = sc.n_ports;
	SET_RODATA(obj, ft_scope_on, on);
	SET_RODATA(obj, ft_scope_has_addr, has_addr);
	SET_RODATA(obj, ft_scope_n_ports, n_ports);
	SET_RODATA(obj, ft_scope_port, sc.port);
	SET_RODATA(obj, ft_scope_port_bit, sc.port_bit);
	SET_RODATA(obj, ft_scope_proto_bits, sc.proto_bits);
	SET_RODATA(obj, ft_scope_tt, sc.tt);
	SET_RODATA(obj, ft_scope_tt_addr, sc.tt_addr);
	if (bpf_object__load(obj))
		die(path, errno);
	fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "ft_scope_prefixes"));
	for (int i = 0; i < sc.n_prefixes; i++) {
		struct { __u32 prefixlen; __u8 family; __u8 addr[16]; } k = {
			.prefixlen = 8 + sc.prefix[i].len, .family = sc.prefix[i].family };

		memcpy(k.addr, sc.prefix[i].addr, 16);
		if (bpf_map_update_elem(fd, &k, &sc.prefix[i].bits, BPF_ANY))
			die("ft_scope_prefixes", errno);
	}
	return obj;
}

static __u32 run_once(int prog_fd, const struct packet *p, int repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p->data, .data_size_in = p->len,
		    .repeat = repeat);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);

	if (err)
		die("BPF_PROG_TEST_RUN", err);
	return opts.duration;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static __u32 median(__u32 *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u32);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2] + 1) / 2;
}

/* One figure: ns per packet of one program on one case. */
static __u32 measure(struct subject *s, enum hook h, const struct bench_case *c,
		     const struct packet *p, int repeat, int samples, __u32 *scratch)
{
	int fd = bpf_program__fd(s->prog[h]);
	__u32 d;

	if (c->mode == MODE_REPEAT) {
		run_once(fd, p, 1);	/* the flow exists before the timed loop */
		d = run_once(fd, p, repeat);
		if (s->rb)
			ring_buffer__consume(s->rb);
		return d;
	}
	run_once(fd, p, 1);
	for (int i = 0; i < samples; i++) {
		if (c->forget)
			forget_state(s->obj);
		scratch[i] = run_once(fd, p, 1);
		if (s->rb)
			ring_buffer__consume(s->rb);
	}
	return median(scratch, samples);
}

static void print_prog_info(const char *label, struct bpf_program *prog)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		die("BPF_OBJ_GET_INFO_BY_FD", errno);
	printf("prog %s %s %u %u %u\n", label, bpf_program__name(prog), info.xlated_prog_len,
	       info.jited_prog_len, info.verified_insns);
}

static int cmd_testrun(int argc, char **argv)
{
	const char *ft_path = NULL, *floor_path = NULL, *lru_path = NULL, *before_path = NULL;
	const char *scope_in = NULL, *scope_out = NULL;
	int repeat = 1000000, runs = 5, samples = 2000;
	struct subject subj[7] = {};
	struct packet pkts[N_PKTS];
	int n_subj = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--fluxtrace"))
			ft_path = argv[i + 1];
		else if (!strcmp(argv[i], "--floor"))
			floor_path = argv[i + 1];
		else if (!strcmp(argv[i], "--floor-lru"))
			lru_path = argv[i + 1];
		else if (!strcmp(argv[i], "--before"))
			before_path = argv[i + 1];
		else if (!strcmp(argv[i], "--repeat"))
			repeat = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--runs"))
			runs = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--samples"))
			samples = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--scope-in"))
			scope_in = argv[i + 1];
		else if (!strcmp(argv[i], "--scope-out"))
			scope_out = argv[i + 1];
		else
			break;
	}
	if (!ft_path || !floor_path || repeat < 1 || runs < 1 || runs > 99 || samples < 1) {
		fprintf(stderr, "progcost: usage: testrun --fluxtrace OBJ --floor OBJ "
				"[--floor-lru OBJ] [--before OBJ] [--repeat N] [--runs R] "
				"[--samples S] [--scope-in EXPR] [--scope-out EXPR]\n");
		return 2;
	}

	struct bpf_object *ft = load_object(ft_path), *floor = load_object(floor_path);

	subject_init(&subj[n_subj], "fluxtrace", ft, "ft_xdp", "ft_tc_ingress", "ft_tc_egress");
	subj[n_subj++].rb = open_ringbuf(ft);
	subject_init(&subj[n_subj++], "floor", floor, "floor_xdp", "floor_tc_in", "floor_tc_out");
	if (lru_path)
		subject_init(&subj[n_subj++], "floor-lru", load_object(lru_path), "floor_xdp",
			     "floor_tc_in", "floor_tc_out");
	subject_init(&subj[n_subj++], "empty", floor, "empty_xdp", "empty_tc_in", "empty_tc_out");
	if (before_path) {
		struct bpf_object *o = load_object(before_path);

		subject_init(&subj[n_subj], "ft-before", o, "ft_xdp", "ft_tc_ingress",
			     "ft_tc_egress");
		subj[n_subj++].rb = open_ringbuf(o);
	}
	if (scope_in) {
		struct bpf_object *o = load_scoped(ft_path, scope_in);

		subject_init(&subj[n_subj], "ft-in-scope", o, "ft_xdp", "ft_tc_ingress",
			     "ft_tc_egress");
		subj[n_subj++].rb = open_ringbuf(o);
	}
	if (scope_out)
		subject_init(&subj[n_subj++], "ft-out-of-scope", load_scoped(ft_path, scope_out),
			     "ft_xdp", "ft_tc_ingress", "ft_tc_egress");
	make_packets(pkts);

	struct bpf_program *prog;

	bpf_object__for_each_program(prog, ft)
		print_prog_info("fluxtrace", prog);
	bpf_object__for_each_program(prog, floor)
		print_prog_info("floor", prog);
	fflush(stdout);

	/* results[case][hook][subject][run]; runs interleave to share drift. */
	static __u32 results[N_CASES][N_HOOKS][7][100];
	__u32 *scratch = calloc(samples, sizeof(*scratch));

	if (!scratch)
		die("calloc", ENOMEM);
	for (int r = 0; r < runs; r++)
		for (size_t c = 0; c < N_CASES; c++)
			for (int h = 0; h < N_HOOKS; h++)
				for (int s = 0; s < n_subj; s++)
					results[c][h][s][r] = measure(&subj[s], h, &cases[c],
								      &pkts[cases[c].pkt], repeat,
								      samples, scratch);
	for (size_t c = 0; c < N_CASES; c++)
		for (int h = 0; h < N_HOOKS; h++)
			for (int s = 0; s < n_subj; s++) {
				__u32 *v = results[c][h][s];
				__u32 med = median(v, runs);

				printf("testrun %s %s %s %s %u %u %u\n",
				       cases[c].mode == MODE_REPEAT ? "repeat" : "single",
				       cases[c].name, hook_names[h], subj[s].label, med, v[0],
				       v[runs - 1]);
			}
	printf("testrun-events %llu %llu\n", rb_events, rb_bytes);
	free(scratch);
	return 0;
}

/* ---- programs attached to an interface, with bpf_stats ---- */

#define MAX_STAT_PROGS 64

static __u32 stat_ids[MAX_STAT_PROGS];
static int n_stat_ids;

/* Prints each program once, even when attached at two hooks or also held
 * by the process. */
static void print_stat(const char *hook, __u32 id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	for (int i = 0; i < n_stat_ids; i++)
		if (stat_ids[i] == id)
			return;
	if (n_stat_ids < MAX_STAT_PROGS)
		stat_ids[n_stat_ids++] = id;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return;		/* unloaded meanwhile */
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("BPF_OBJ_GET_INFO_BY_FD", errno);
	printf("stat %s %u %s %llu %llu %u %u %u\n", hook, id, info.name,
	       (unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns,
	       info.xlated_prog_len, info.jited_prog_len, info.verified_insns);
	close(fd);
}

/* Programs a process holds (program and link fds name them in fdinfo). */
static void print_pid_stats(const char *pid)
{
	char path[PATH_MAX], line[256];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%s/fdinfo", pid);
	dir = opendir(path);
	if (!dir)
		die(path, errno);
	while ((de = readdir(dir))) {
		FILE *f;
		__u32 id;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pid, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "prog_id: %u", &id) == 1)
				print_stat("other", id);
		fclose(f);
	}
	closedir(dir);
}

static int cmd_stats(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, xq);
	unsigned int ifindex = argc > 1 ? if_nametoindex(argv[1]) : 0;
	static const struct { const char *name; int type; } tcx[] = {
		{ "tcx-ingress", PC_TCX_INGRESS }, { "tcx-egress", PC_TCX_EGRESS },
	};

	if (!ifindex || (argc != 2 && (argc != 4 || strcmp(argv[2], "--pid")))) {
		fprintf(stderr, "progcost: usage: stats IFNAME [--pid PID] "
				"(an interface of this netns)\n");
		return 2;
	}
	if (!bpf_xdp_query(ifindex, 0, &xq)) {
		if (xq.drv_prog_id)
			print_stat("xdp", xq.drv_prog_id);
		if (xq.skb_prog_id)
			print_stat("xdp-generic", xq.skb_prog_id);
	}
	for (size_t t = 0; t < 2; t++) {
		__u32 ids[16];
		LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .prog_cnt = 16);

		if (bpf_prog_query_opts(ifindex, tcx[t].type, &q))
			continue;	/* no tcx on this kernel: nothing attached there */
		for (__u32 i = 0; i < q.prog_cnt && i < 16; i++)
			print_stat(tcx[t].name, ids[i]);
	}
	if (argc == 4)
		print_pid_stats(argv[3]);
	return 0;
}

/* ---- attach until told to stop ---- */

/* Before load: only the programs to attach (another tool's object may hold
 * programs this kernel cannot load, or needs no more), no pinned maps,
 * then --set and --max-entries as its own loader would configure it. */
static void configure(struct bpf_object *obj, int argc, char **argv,
		      const char *const names[N_HOOKS])
{
	struct bpf_program *prog;
	struct bpf_map *map;

	/* No pinning: a private copy, as the peer's agent loads it too. */
	bpf_object__for_each_map(map, obj)
		bpf_map__set_pin_path(map, NULL);
	bpf_object__for_each_program(prog, obj) {
		bool wanted = false;

		for (int h = 0; h < N_HOOKS; h++) {
			if (!names[h] || strcmp(bpf_program__name(prog), names[h]))
				continue;
			wanted = true;
			/* Old section names ("classifier/...") give no type. */
			if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC)
				bpf_program__set_type(prog, h == HOOK_XDP ? BPF_PROG_TYPE_XDP
									  : BPF_PROG_TYPE_SCHED_CLS);
		}
		bpf_program__set_autoload(prog, wanted);
	}
	for (int i = 3; i + 1 < argc; i += 2) {
		char *eq = strchr(argv[i + 1], '=');
		unsigned long long v;
		__u32 size;

		if (strcmp(argv[i], "--set") && strcmp(argv[i], "--max-entries"))
			continue;
		if (!eq)
			die(argv[i + 1], EINVAL);
		*eq = 0;
		v = strtoull(eq + 1, NULL, 0);
		if (!strcmp(argv[i], "--max-entries")) {
			struct bpf_map *map = bpf_object__find_map_by_name(obj, argv[i + 1]);

			if (!map || bpf_map__set_max_entries(map, v))
				die(argv[i + 1], EINVAL);
			continue;
		}
		size = rodata_size(obj, argv[i + 1]);
		if (size != 1 && size != 2 && size != 4 && size != 8)
			die(argv[i + 1], EINVAL);
		/* Little-endian hosts: the low bytes of v. */
		memcpy(rodata_var(obj, argv[i + 1], size), &v, size);
	}
}

static void on_signal(int sig)
{
	stop = 1;
}

static int cmd_attach(int argc, char **argv)
{
	struct bpf_link *xdp_link = NULL;
	int tcx_fds[N_HOOKS] = { -1, -1, -1 };
	const char *names[N_HOOKS] = {};
	unsigned int ifindex;
	struct bpf_object *obj;
	struct ring_buffer *rb;

	if (argc < 3) {
		fprintf(stderr, "progcost: usage: attach IFNAME OBJ [--xdp PROG] "
				"[--tc-ingress PROG] [--tc-egress PROG] [--set VAR=N]... "
				"[--max-entries MAP=N]...\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex)
		die(argv[1], errno);
	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--xdp"))
			names[HOOK_XDP] = argv[i + 1];
		else if (!strcmp(argv[i], "--tc-ingress"))
			names[HOOK_TC_IN] = argv[i + 1];
		else if (!strcmp(argv[i], "--tc-egress"))
			names[HOOK_TC_OUT] = argv[i + 1];
	}
	obj = bpf_object__open_file(argv[2], NULL);
	if (!obj)
		die(argv[2], errno);
	configure(obj, argc, argv, names);
	if ((errno = -bpf_object__load(obj)))
		die(argv[2], errno);
	rb = open_ringbuf(obj);
	for (int h = 0; h < N_HOOKS; h++) {
		struct bpf_program *prog;
		int fd;

		if (!names[h])
			continue;
		prog = find_prog(obj, names[h]);
		if (h == HOOK_XDP) {
			xdp_link = bpf_program__attach_xdp(prog, ifindex);
			if (!xdp_link)
				die("attach XDP", errno);
			continue;
		}
		/* A tcx link lives as long as its fd. */
		fd = bpf_link_create(bpf_program__fd(prog), ifindex,
				     h == HOOK_TC_IN ? PC_TCX_INGRESS : PC_TCX_EGRESS, NULL);
		if (fd < 0)
			die("attach tcx", errno);
		tcx_fds[h] = fd;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "progcost: attached %s\n", argv[1]);
	while (!stop) {
		if (rb)
			ring_buffer__poll(rb, 100);
		else
			usleep(100000);
	}
	if (rb)
		ring_buffer__consume(rb);
	for (int h = 0; h < N_HOOKS; h++)
		if (tcx_fds[h] >= 0)
			close(tcx_fds[h]);
	bpf_link__destroy(xdp_link);
	printf("events %llu bytes %llu\n", rb_events, rb_bytes);
	return 0;
}

/* ---- peak memory of a command ---- */

static pid_t child_pid;

static void pass_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static int cmd_maxrss(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 3 || strcmp(argv[1], "--")) {
		fprintf(stderr, "progcost: usage: maxrss -- CMD [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (!pid) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "progcost: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	child_pid = pid;
	signal(SIGINT, pass_signal);
	signal(SIGTERM, pass_signal);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4", errno);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "progcost: maxrss_kb=%ld wall_ms=%lld user_ms=%lld sys_ms=%lld\n",
		ru.ru_maxrss,
		(long long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000,
		(long long)ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000,
		(long long)ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- what a recorded trace holds ---- */

/* The counters the benchmark reads; the others print by index. */
static const char *const counter_names[FT_CNT_MAX] = {
	[FT_CNT_PACKETS] = "packets",
	[FT_CNT_RINGBUF_FULL] = "ringbuf_full",
	[FT_CNT_FLOW_MAP_FULL] = "flow_map_full",
};

static int cmd_tracestat(int argc, char **argv)
{
	struct ft_counters_record last = { 0 };
	unsigned long long by_type[256] = { 0 }, flow_in_max = 0;
	struct ft_trace_meta meta;
	struct ft_trace_reader *r;
	char err[256];
	const void *rec;
	size_t len;
	int st;

	if (argc < 2) {
		fprintf(stderr, "progcost: usage: tracestat FILE\n");
		return 2;
	}
	r = ft_trace_open(argv[1], &meta, err, sizeof(err));
	if (!r) {
		fprintf(stderr, "progcost: %s\n", err);
		return 1;
	}
	while ((st = ft_trace_next(r, &rec, &len)) == FT_TRACE_RECORD) {
		__u8 type = *(const __u8 *)rec;

		by_type[type]++;
		if (type == FT_REC_COUNTERS && len == sizeof(last))
			memcpy(&last, rec, sizeof(last));
		if (type == FT_REC_FLOW_STATS && len == sizeof(struct ft_flow_stats_record)) {
			const struct ft_flow_stats_record *f = rec;
			unsigned long long in = f->side[0].pkts_in + f->side[1].pkts_in;

			if (in > flow_in_max)
				flow_in_max = in;
		}
	}
	if (st != FT_TRACE_END)
		fprintf(stderr, "progcost: %s: %s\n", argv[1], ft_trace_error(r));
	ft_trace_close_reader(r);
	for (int t = 0; t < 256; t++) {
		unsigned int size = ft_record_size(t);

		if (size)
			printf("size %d %u\n", t, size);
		if (by_type[t])
			printf("records %d %llu\n", t, by_type[t]);
	}
	for (int c = 0; c < FT_CNT_MAX; c++) {
		if (counter_names[c])
			printf("counter %s %llu\n", counter_names[c],
			       (unsigned long long)last.kernel[c]);
		else
			printf("counter %d %llu\n", c, (unsigned long long)last.kernel[c]);
	}
	printf("counter flows_tracked %llu\n", (unsigned long long)last.flows_tracked);
	printf("flow_pkts_in_max %llu\n", flow_in_max);
	return st == FT_TRACE_END ? 0 : 1;
}

int main(int argc, char **argv)
{
	libbpf_set_print(print_libbpf);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "testrun"))
		return cmd_testrun(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "stats"))
		return cmd_stats(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "maxrss"))
		return cmd_maxrss(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "tracestat"))
		return cmd_tracestat(argc - 1, argv + 1);
	fprintf(stderr, "progcost: usage: progcost testrun|stats|attach|maxrss|tracestat ... "
			"(see tools/bench/progcost.c)\n");
	return 2;
}
