#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Turn the raw figures of tools/bench/run.sh into tools/bench/BENCHMARKS.md.

Usage: report.py RAW_TXT OUT_MD. Medians over runs, ratios computed here;
nothing is judged beyond printing whether a stated target is met."""
import statistics
import sys
from collections import defaultdict

PEER_FEATURES = ("the agent's defaults: sampling 0 (every packet); RTT, DNS, packet drops, "
                 "network events, packet translation, IPsec, TLS, QUIC, OpenSSL and PCA "
                 "tracking and flow filters off; CACHE_MAX_FLOWS 5000 (its flow map), the "
                 "maps of features that are off at their minimum; tcx links "
                 "(`tcx_ingress_flow_parse`, `tcx_egress_flow_parse`)")

RUN_SH = "tools/bench/run.sh"


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=0, unit=""):
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}{unit}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def verdict(ok):
    return "n/a" if ok is None else ("yes" if ok else "**no**")


class Raw:
    def __init__(self, path):
        self.meta = defaultdict(list)
        self.testrun = {}		# (mode, case, hook, subject) -> median ns
        self.progs = []			# (subject, name, xlated, jited, verified)
        self.tput = defaultdict(list)	# (arm, metric) -> [values]
        self.tput_run = {}		# (arm, metric, run) -> value
        self.cost = defaultdict(list)	# (arm, traffic) -> [ns/packet]
        self.costpk = defaultdict(list)	# (arm, traffic) -> [packets]
        self.hook = defaultdict(list)	# (arm, traffic, hook, name) -> [(ns/run, runs/packet)]
        self.live = []
        self.bpftool = []
        self.churn = []
        self.churnreport = {}
        self.volume = None
        self.recsize = {}
        self.replay = []
        self.replaymem = []
        self.reducer1m = defaultdict(list)  # arm -> [[records, ms, rss_kb, groups, flows, lost]]
        self.tr_events = None
        self.invalid = []
        self.readonly = None
        self.peercost = defaultdict(list)	# (arm, run, traffic) -> [(hook, name, ns, cnt, pk)]
        self.contend = []		# (run, received, flow packets in)
        self.peertput = {}		# (arm, metric, run) -> value
        self.peerorder = {}
        with open(path) as f:
            for line in f:
                self.parse(line.split())

    def parse(self, w):
        if not w:
            return
        k = w[0]
        if k == "meta":
            self.meta[w[1]].append(" ".join(w[2:]))
        elif k == "testrun":
            self.testrun[(w[1], w[2], w[3], w[4])] = float(w[5])
        elif k == "testrun-events":
            self.tr_events = (int(w[1]), int(w[2]))
        elif k == "prog":
            self.progs.append((w[1], w[2], int(w[3]), int(w[4]), int(w[5])))
        elif k == "tput":
            self.tput[(w[1], w[3])].append(float(w[4]))
            self.tput_run[(w[1], w[3], w[2])] = float(w[4])
        elif k == "cost":
            if int(w[6]) > 0:
                self.cost[(w[1], w[3])].append(float(w[5]))
                self.costpk[(w[1], w[3])].append(int(w[6]))
        elif k == "costinvalid":
            self.invalid.append((w[1], w[2], w[3]))
        elif k == "readonly":
            self.readonly = (int(w[1]), int(w[2]))
        elif k == "costhook":
            self.hook[(w[1], w[3], w[4], w[5])].append((float(w[6]), float(w[7])))
        elif k == "live":
            self.live.append(tuple(w[1:]))
        elif k == "bpftool":
            self.bpftool.append((w[1], " ".join(w[2:])))
        elif k == "churn":
            self.churn.append([w[1]] + [int(x) if x.isdigit() else x for x in w[2:]])
        elif k == "churnreport":
            self.churnreport[w[1]] = w[2]
        elif k == "volume":
            self.volume = [int(x) for x in w[1:]]
        elif k == "recsize":
            self.recsize[int(w[1])] = int(w[2])
        elif k == "replay":
            self.replay.append([int(x) for x in w[1:]])
        elif k == "peercost":
            self.peercost[(w[1], w[2], w[3])].append((w[4], w[5], int(w[6]), int(w[7]),
                                                      int(w[8])))
        elif k == "contend":
            self.contend.append((w[1], int(w[2]), int(w[3] or 0)))
        elif k == "peertput":
            self.peertput[(w[1], w[3], w[2])] = float(w[4])
        elif k == "peerorder":
            self.peerorder[w[1]] = " then ".join(w[2:])
        elif k == "replaymem":
            self.replaymem.append([w[1]] + [int(x) for x in w[2:]])
        elif k == "reducer1m":
            self.reducer1m[w[1]].append([int(x) for x in w[4:10]])

    def kept(self, arm, metric):
        """Median over runs of arm / nothing-attached measured in the same run."""
        q = [v / self.tput_run[("none", metric, run)]
             for (a, m, run), v in self.tput_run.items()
             if a == arm and m == metric and self.tput_run.get(("none", metric, run))]
        return med(q), (min(q) if q else None), (max(q) if q else None)

    def peer_kept(self, arm, metric):
        q = [v / self.peertput[("none", metric, run)]
             for (a, m, run), v in self.peertput.items()
             if a == arm and m == metric and self.peertput.get(("none", metric, run))]
        return med(q), (min(q) if q else None), (max(q) if q else None)

    def peer_runs(self, arm):
        return sorted({r for a, r, _ in self.peercost if a == arm})

    def peer_ns(self, traffics, who=None, name=None, arm="both"):
        """Median over runs of kernel ns per wire packet, over TRAFFICS taken
        together (run time summed, packets summed); WHO 'ft' or 'peer'."""
        per_run = []
        for run in self.peer_runs(arm):
            rows = [(t, x) for t in traffics for x in self.peercost.get((arm, run, t), [])]
            if not rows:
                continue
            pk = sum({t: x[4] for t, x in rows}.values())
            ns = sum(x[2] for _, x in rows
                     if (who is None or (who == "ft") == x[1].startswith("ft_")) and
                     (name is None or x[1] == name))
            per_run.append(ns / pk if pk else None)
        return med(per_run)

    def peer_ratio(self, traffics):
        q = []
        for run in self.peer_runs("both"):
            rows = [x for t in traffics for x in self.peercost.get(("both", run, t), [])]
            ft = sum(x[2] for x in rows if x[1].startswith("ft_"))
            pe = sum(x[2] for x in rows if not x[1].startswith("ft_"))
            if pe:
                q.append(ft / pe)
        return med(q), (min(q) if q else None), (max(q) if q else None)

    def m(self, key):
        v = self.meta.get(key)
        return v[-1] if v else "unknown"


def section_testrun(r, out):
    subjects = ["fluxtrace", "floor", "floor-lru", "empty"]
    out.append("## 1. Kernel cost per packet under BPF_PROG_TEST_RUN\n")
    out.append("Same crafted packets, every program in the same run, runs interleaved. "
               "`est4`/`est6`: a TCP ACK of an established IPv4/IPv6 flow; `arp-repeat`: "
               "the same ARP request again (fluxtrace folds repeats); "
               "ns/packet = median of 5 runs of 1,000,000 repeats. `new4`: a TCP SYN of a "
               "flow not in the map (the map is emptied before each packet), `arp-new`: an "
               "ARP request not seen before; these cannot repeat, so each figure is the median "
               "of 5 runs x 2,000 single runs and includes one clock read (~20-60 ns, the "
               "`empty` column; 10 ns granularity here). `floor`: tools/bench/floor.bpf.c "
               "(plain hash); `floor-lru`: the same with an LRU hash like fluxtrace's.\n")
    out.append("Command: `build/bench/progcost testrun --fluxtrace build/fluxtrace.bpf.o "
               "--floor build/bench/floor.bpf.o --floor-lru build/bench/floor-lru.bpf.o "
               "--repeat 1000000 --runs 5 --samples 2000` (one output line per row: "
               "`testrun MODE CASE HOOK SUBJECT`)\n")
    out.append("| case | hook | fluxtrace ns | floor ns | floor-lru ns | empty ns "
               "| fluxtrace / floor | above empty: fluxtrace / floor |")
    out.append("|---|---|--:|--:|--:|--:|--:|--:|")
    for mode, case in [("repeat", "est4"), ("repeat", "est6"), ("repeat", "arp-repeat"),
                       ("single", "est4"), ("single", "new4"), ("single", "arp-new")]:
        for hook in ["xdp", "tc_ingress", "tc_egress"]:
            v = {s: r.testrun.get((mode, case, hook, s)) for s in subjects}
            if v["fluxtrace"] is None:
                continue
            above = None
            # Meaningless where the floor does nothing (ARP).
            if None not in (v["fluxtrace"], v["floor"], v["empty"]) and \
                    v["floor"] - v["empty"] > 5:
                above = ratio(v["fluxtrace"] - v["empty"], v["floor"] - v["empty"])
            label = case if mode == "repeat" else f"{case} (single)"
            out.append(f"| {label} | {hook} | {fmt(v['fluxtrace'])} | {fmt(v['floor'])} | "
                       f"{fmt(v['floor-lru'])} | {fmt(v['empty'])} | "
                       f"{fmt(ratio(v['fluxtrace'], v['floor']), 2)} | {fmt(above, 2)} |")
    out.append("")
    section_scope(r, out)


def section_scope(r, out):
    """--filter: what a packet in scope and one out of scope cost, same run."""
    subjects = ["fluxtrace", "ft-in-scope", "ft-out-of-scope", "floor", "empty"]
    rows = []
    for mode, case in [("repeat", "est4"), ("repeat", "est6"), ("repeat", "arp-repeat"),
                       ("single", "est4"), ("single", "new4"), ("single", "arp-new")]:
        for hook in ["xdp", "tc_ingress", "tc_egress"]:
            v = {s: r.testrun.get((mode, case, hook, s)) for s in subjects}
            if v["ft-out-of-scope"] is None:
                continue
            label = case if mode == "repeat" else f"{case} (single)"
            rows.append(f"| {label} | {hook} | {fmt(v['fluxtrace'])} | {fmt(v['ft-in-scope'])} | "
                        f"{fmt(v['ft-out-of-scope'])} | {fmt(v['floor'])} | "
                        f"{fmt(ratio(v['ft-out-of-scope'], v['floor']), 2)} |")
    out.append("### --filter: in scope and out of scope\n")
    if not rows:
        out.append("Skipped: this run measured no scoped subject.\n")
        return
    out.append("The same crafted packets with `--filter 'net 192.0.2.0/24 or net 2001:db8::/32'` "
               "(the packets match: in scope) and `--filter 'net 10.20.0.0/16 and port 443'` "
               "(they do not: out of scope, no map work, counted as `out_of_scope`).\n")
    out.append("| case | hook | no filter ns | in scope ns | out of scope ns | floor ns "
               "| out of scope / floor |")
    out.append("|---|---|--:|--:|--:|--:|--:|")
    out.extend(rows)
    out.append("")


def section_sizes(r, out):
    out.append("## Program sizes and verifier work\n")
    out.append("`xlated`/`jited` as `bpftool prog show` reports them; `verified` is the "
               "verifier's processed-instruction count (bpf_prog_info.verified_insns). "
               "Command: `build/bench/progcost testrun ...` (the `prog` lines).\n")
    out.append("| object | program | xlated bytes | jited bytes | verified insns |")
    out.append("|---|---|--:|--:|--:|")
    for subj, name, xl, ji, vi in r.progs:
        obj = "build/fluxtrace.bpf.o" if subj == "fluxtrace" else "tools/bench/floor.bpf.c"
        out.append(f"| {obj} | {name} | {xl:,} | {ji:,} | {vi:,} |")
    out.append("")
    if r.bpftool:
        out.append("`bpftool prog show id ID` of the programs the fluxtrace process held in the "
                   "real-traffic runs:\n")
        out.append("```")
        for arm, line in r.bpftool:
            out.append(f"[{arm}] {line.strip()}")
        out.append("```\n")


ARM_TEXT = {
    "none": "nothing attached",
    "fluxtrace": "`fluxtrace -i IF --xdp-mode auto` (XDP ingress + tcx egress)",
    "fluxtrace-tc": "`fluxtrace -i IF` (default, `--xdp-mode off`: tcx ingress + egress)",
    "floor": "`progcost attach IF floor.bpf.o --xdp floor_xdp --tc-egress floor_tc_out`",
    "floor-tc": "`progcost attach IF floor.bpf.o --tc-ingress floor_tc_in --tc-egress "
                "floor_tc_out`",
    "empty": "`progcost attach IF floor.bpf.o --xdp empty_xdp --tc-egress empty_tc_out`",
    "empty-tc": "`progcost attach IF floor.bpf.o --tc-ingress empty_tc_in --tc-egress "
                "empty_tc_out`",
}


def section_cost(r, out):
    out.append("## 2. Kernel cost per packet under real traffic (bpf_stats)\n")
    out.append("`kernel.bpf_stats_enabled=1`; run_time_ns and run_cnt of every program "
               "attached to the receiver's veth, read before and after the traffic "
               "(`progcost stats IF`). **total ns/packet** = the sum of run_time_ns over all "
               "programs / the packets that crossed the interface (rx + tx): all hooks "
               "together, including fluxtrace's tracepoint programs (`other`; held by the "
               "fluxtrace process, `progcost stats IF --pid PID`). The flood goes to a closed "
               "UDP port, so every flood packet is also dropped (`kfree_skb`, reason "
               "NO_SOCKET) and runs `ft_kfree_skb` once. UDP: a 60-byte-frame flood from "
               "one trafgen core, sent with `sendto()` (`trafgen -t 0`: linear skbs, as from "
               "the stack; TX_RING frames would reach tc without their IP header) "
               "(2 s); TCP: one iperf3 stream into the traced side (2 s; data skbs in, "
               "ACKs out; veth passes GSO skbs, so a packet here is an skb). Medians of "
               f"{r.m('cost_runs')} runs.\n")
    out.append("| arm | traffic | total ns/packet | ratio to the floor at the same hooks "
               "| per hook: ns/run (runs/packet) | command |")
    out.append("|---|---|--:|--:|---|---|")
    floor_of = {"fluxtrace": "floor", "fluxtrace-tc": "floor-tc", "floor": "floor",
                "floor-tc": "floor-tc", "empty": "floor", "empty-tc": "floor-tc"}
    for arm in ["fluxtrace", "floor", "empty", "fluxtrace-tc", "floor-tc", "empty-tc"]:
        for tr in ["udp", "tcp"]:
            tot = med(r.cost.get((arm, tr), []))
            if tot is None:
                continue
            base = med(r.cost.get((floor_of[arm], tr), []))
            hooks = []
            for (a, t, hook, name), vals in sorted(r.hook.items()):
                if a == arm and t == tr:
                    hooks.append(f"{hook} {name}: {fmt(med([v[0] for v in vals]))} "
                                 f"({fmt(med([v[1] for v in vals]), 2)})")
            out.append(f"| {arm} | {tr} | {fmt(tot)} | {fmt(ratio(tot, base), 2)} | "
                       f"{'; '.join(hooks)} | {ARM_TEXT[arm]}; `{RUN_SH}` section 2 |")
    if r.invalid:
        out.append("Left out: " + ", ".join(f"{a} run {n} {t}" for a, n, t in r.invalid) +
                   " (packets crossed but no program run was counted).\n")
    bpf_stats = med(r.cost.get(("empty", "udp"), []))
    tr_empty = r.testrun.get(("repeat", "est4", "xdp", "empty"))
    out.append(f"For scale: an empty XDP program costs {fmt(bpf_stats)} ns per packet here "
               f"with bpf_stats on, {fmt(tr_empty)} ns under BPF_PROG_TEST_RUN; the "
               "difference is bpf_stats' own clock reads plus the hook, paid once per "
               "program run, so an extra program on the path (a tracepoint) costs at least "
               "that much again.\n")
    out.append("")


def section_tput(r, out):
    out.append("## 3. Throughput kept\n")
    out.append("Receiver-side counts with bpf_stats off, arms alternating within each run "
               f"(order reversed every other run), {r.m('secs')} s per figure, medians of "
               f"{r.m('runs')} runs. UDP: packets/s reaching the receiver's IP layer "
               "(`Ip: InReceives` in its namespace) from one trafgen core sending 60-byte "
               "frames (64 on the wire) with `sendto()` (`trafgen -t 0`); TCP: `iperf3 -c` receiver bits/s, one stream into "
               "the traced side.\n")
    out.append("**kept** = the median over runs of (arm / nothing attached, same run), with "
               "the range of those ratios: the machine's noise shows in the range.\n")
    out.append("| arm | UDP rx packets/s | kept (range) | TCP Gbit/s | kept (range) | command |")
    out.append("|---|--:|--:|--:|--:|---|")
    for arm in ["none", "fluxtrace", "fluxtrace-tc", "floor", "empty"]:
        pps = med(r.tput.get((arm, "udp_pps"), []))
        bps = med(r.tput.get((arm, "tcp_bps"), []))
        if pps is None and bps is None:
            continue
        cells = []
        for metric in ["udp_pps", "tcp_bps"]:
            q, lo, hi = r.kept(arm, metric)
            cells.append(f"{fmt(q, 3)} ({fmt(lo, 2)}-{fmt(hi, 2)})")
        out.append(f"| {arm} | {fmt(pps)} | {cells[0]} | {fmt(bps and bps / 1e9, 2)} | "
                   f"{cells[1]} | {ARM_TEXT[arm]}; `{RUN_SH}` section 3 |")
    out.append("")


def section_churn(r, out):
    out.append("## 4. Flow churn\n")
    out.append("`fluxtrace -i IF -w FILE --json` while trafgen sends one new UDP flow per "
               "packet (random source port and source address) at the offered rate "
               f"({r.m('secs')} s each; `max` = one sender core flat out, `max2` = two). "
               "Events and losses from the recorded trace (`progcost tracestat FILE`: "
               "FLOW_NEW records; lost = ring-buffer reserve failures + flow-map update "
               "failures from the last counters record). `stop` = SIGINT to exit, "
               "report written.\n")
    out.append("| offered flows/s | sent/s | received/s | new-flow events / received "
               "| lost events | stop ms | report | max RSS KiB | fluxtrace CPU us/record "
               "| trace bytes/record |")
    out.append("|---|--:|--:|--:|--:|--:|---|--:|--:|--:|")
    for c in r.churn:
        rate, sent, recv, n_recv, flows, lost, pk, stop, rss, rec, size = c[:11]
        cpu = c[11] if len(c) > 11 else None
        out.append(f"| {rate} | {fmt(sent or None)} | {fmt(recv)} | "
                   f"{fmt(ratio(flows, n_recv), 3)} | {fmt(lost)} | {stop} | "
                   f"{r.churnreport.get(rate, 'n/a')} | {fmt(rss)} | "
                   f"{fmt(ratio(cpu * 1000.0, rec) if cpu else None, 2)} | "
                   f"{fmt(ratio(size, rec), 1)} |")
    out.append("")


def ringbuf_bytes(size):
    return (size + 8 + 7) // 8 * 8	# 8-byte record header, 8-byte aligned


def section_volume(r, out):
    out.append("## 5. Event volume\n")
    if not r.volume:
        out.append("Not measured (needs build/fluxtrace and iperf3).\n")
        return
    ev, ft_pk, if_pk, lost, rec, size = r.volume
    out.append(f"One iperf3 TCP stream ({2 * int(r.m('secs'))} s) with `fluxtrace -i IF -w FILE`: "
               f"**{ev} kernel events for {fmt(if_pk)} packets** on the interface "
               f"({fmt(ft_pk)} packets parsed by fluxtrace's hooks): "
               f"{fmt(ratio(ev, max(ft_pk, 1)), 7)} events per packet; {lost} lost.\n")
    names = {1: "FLOW_NEW/PATH/END", 4: "ICMP_ERROR", 5: "ARP", 6: "NEIGH"}
    sizes = [f"{names[t]} {r.recsize[t]} B ({ringbuf_bytes(r.recsize[t])} B in the ring "
             "buffer)" for t in sorted(names) if t in r.recsize]
    out.append("Bytes per event: " + "; ".join(sizes) + ".\n")


def section_userspace(r, out):
    out.append("## 6. User space\n")
    if not r.replay:
        out.append("Not measured (needs build/fluxtrace and a churn trace).\n")
        return
    rec, flows, size = r.replay[0][1], r.replay[0][2], r.replay[0][5]
    ms = med([x[3] for x in r.replay])
    rss = med([x[4] for x in r.replay])
    rate = rec / (ms / 1000.0) if ms else None
    out.append(f"`progcost maxrss -- build/fluxtrace -r TRACE --json` on the largest churn "
               f"trace ({fmt(rec)} records, {fmt(flows)} flows, {fmt(size)} bytes; medians of "
               f"{len(r.replay)} runs; the wall time includes start-up and the report).\n")
    out.append("| figure | value |")
    out.append("|---|--:|")
    out.append(f"| -r wall time | {fmt(ms)} ms |")
    out.append(f"| -r records/s | {fmt(rate)} |")
    if r.readonly and r.readonly[1]:
        out.append(f"| reading and decompressing alone (`progcost tracestat`), records/s | "
                   f"{fmt(r.readonly[0] / (r.readonly[1] / 1000.0))} |")
    out.append(f"| max RSS (default --max-flows 65536) | {fmt(rss)} KiB |")
    out.append(f"| trace bytes per record (zlib) | {fmt(ratio(size, rec), 1)} |")
    for m in r.replaymem:
        name, mrec, mflows, mrss = m[:4]
        mms = m[4] if len(m) > 4 else None
        out.append(f"| `-r {name} --max-flows 4194304` ({fmt(mflows)} flows, no eviction): "
                   f"max RSS / records/s | {fmt(mrss)} KiB / "
                   f"{fmt(mrec / (mms / 1000.0) if mms else None)} |")
    per = mem_per_flow(r)
    out.append(f"| memory per flow: RSS difference / flow difference of those two | "
               f"{fmt(per)} B |")
    out.append("")


def reducer1m(r, arm):
    """Medians of the 1M-flow runs of one arm: records/s, wall ms, RSS KiB, groups,
    flows in groups, lost."""
    runs = r.reducer1m.get(arm)
    if not runs:
        return None
    ms = med([x[1] for x in runs])
    return (runs[0][0] / (ms / 1000.0) if ms else None, ms, med([x[2] for x in runs]),
            runs[0][3], runs[0][4], runs[0][5])


def section_reducer1m(r, out):
    out.append("### The reducer over 1M flows\n")
    if not r.reducer1m:
        out.append("Not measured (needs build/fluxtrace).\n")
        return
    out.append("`tools/bench/mktrace FILE 1000000`: a recorded trace of one busy server, 1M TCP "
               "flows from 1M clients (90% answered out of the wrong interface: one "
               "`return_path_mismatch` group; 9% healthy; 1% unanswered over 1,000 ports: 1,000 "
               "`one_way` groups), then `progcost maxrss -- build/fluxtrace -r FILE --json` with "
               "every flow kept (`--max-flows 1048576`) and with the default bounds (65,536 "
               "flows). Medians of 3 runs, alternating; the wall time includes start-up, reading, "
               "the report (grouping 1M per-flow findings) and writing the JSON.\n")
    out.append("| run | records/s | wall ms | max RSS | asymmetry findings (groups) "
               "| flows in them | lost (counted) |")
    out.append("|---|--:|--:|--:|--:|--:|--:|")
    for arm, label in (("all", "`--max-flows 1048576`: every flow kept"),
                       ("default", "default bounds")):
        v = reducer1m(r, arm)
        if v:
            out.append(f"| {label} | {fmt(v[0])} | {fmt(v[1])} | {fmt(v[2] / 1024.0, 1)} MiB | "
                       f"{fmt(v[3])} | {fmt(v[4])} | {fmt(v[5])} |")
    out.append("")


def mem_per_flow(r):
    if len(r.replaymem) < 2:
        return None
    big, small = r.replaymem[0], r.replaymem[1]
    if big[2] <= small[2]:
        return None
    return (big[3] - small[3]) * 1024 / (big[2] - small[2])


def section_peer(r, out):
    out.append("## 7. Beside the peer: netobserv-ebpf-agent\n")
    if r.meta.get("peer_skipped"):
        out.append(f"Skipped: {r.m('peer_skipped')}. `PEER_SRC=DIR make bench` with a checkout "
                   "of https://github.com/netobserv/netobserv-ebpf-agent builds its "
                   "`bpf/flows.c` and measures it here.\n")
        return
    if not r.peercost and not r.peertput:
        out.append("Not run.\n")
        return
    out.append(f"netobserv-ebpf-agent commit `{r.m('peer_commit')}`, its `bpf/flows.c` built by "
               f"`{RUN_SH}` from `PEER_SRC` (clang -O2 -g, its own `bpf/headers`) and loaded by "
               f"`progcost attach` as the agent loads it by default: {PEER_FEATURES}. Its user "
               "space is not run: the agent drains the flow map every few seconds, so here "
               "every packet after a flow's first updates an entry in place, its cheapest "
               "path. fluxtrace runs as users run it, `fluxtrace -i IF` (default hooks: tc "
               "ingress and egress, the neighbour and `kfree_skb` tracepoints).\n")
    out.append("**Kernel time, both attached together** on the receiver's veth, "
               "`kernel.bpf_stats_enabled=1`: run_time_ns of each program over the packets that "
               "crossed the interface (rx + tx), per traffic and for both taken together. "
               "UDP-64: `iperf3 -u -b 0 -l 18` (64-byte frames on the wire) into the iperf3 "
               "server, as fast as one client goes; TCP: one `iperf3` stream into the traced "
               "side (an skb is a packet here; veth passes GSO skbs). tcx runs programs in "
               "attach order and the first to read a packet pays its cache misses, so the order "
               "alternates between runs (" +
               "; ".join(f"run {k}: {v}" for k, v in sorted(r.peerorder.items())) +
               f"). Medians of {len(r.peerorder)} runs x 2 s per traffic.\n")
    names = sorted({(x[0], x[1]) for (a, _, _), v in r.peercost.items() if a == "both"
                    for x in v},
                   key=lambda hn: (not hn[1].startswith("ft_"), hn[0], hn[1]))
    out.append("| tracer | program (hook) | UDP-64 ns/packet | TCP ns/packet | both ns/packet |")
    out.append("|---|---|--:|--:|--:|")
    for hook, name in names:
        who = "fluxtrace" if name.startswith("ft_") else "peer"
        cells = [fmt(r.peer_ns(t, name=name), 1) for t in (["udp64"], ["tcp"], ["udp64", "tcp"])]
        out.append(f"| {who} | `{name}` ({hook}) | {' | '.join(cells)} |")
    for who, label in [("ft", "fluxtrace"), ("peer", "peer")]:
        cells = [fmt(r.peer_ns(t, who), 1) for t in (["udp64"], ["tcp"], ["udp64", "tcp"])]
        out.append(f"| **{label}** | all | {' | '.join(cells)} |")
    cells = []
    for t in (["udp64"], ["tcp"], ["udp64", "tcp"]):
        q, lo, hi = r.peer_ratio(t)
        cells.append(f"{fmt(q, 2)} ({fmt(lo, 2)}-{fmt(hi, 2)})")
    out.append(f"| **fluxtrace / peer** | (range over runs) | {' | '.join(cells)} |")
    out.append("")
    out.append("Command: `tools/bench/run.sh` section 7; per run `fluxtrace -i IF --json` and "
               "`progcost attach IF peer-flows.bpf.o --tc-ingress tcx_ingress_flow_parse "
               "--tc-egress tcx_egress_flow_parse --set sampling=0 --max-entries "
               "aggregated_flows=5000 ...` started in the order above, `progcost stats IF --pid "
               "FLUXTRACE_PID` before and after each traffic.\n")
    alone = [("fluxtrace-tc", "fluxtrace (`fluxtrace -i IF`)"),
             ("peer", "peer (`progcost attach IF peer-flows.bpf.o ...`)"),
             ("floor-tc", "floor (`progcost attach IF floor.bpf.o --tc-ingress floor_tc_in "
              "--tc-egress floor_tc_out`)"),
             ("empty-tc", "empty programs (`... --tc-ingress empty_tc_in --tc-egress "
              "empty_tc_out`)")]
    if any(r.peer_runs(a) for a, _ in alone):
        out.append("**Kernel time, each attached alone**, the same traffic and accounting, and "
                   "for scale the floor (parse to L4, one hash lookup, one counter update: "
                   "`tools/bench/floor.bpf.c`) and empty programs at the same two hooks; "
                   "arms alternate within each run.\n")
        out.append("| arm | UDP-64 ns/packet | TCP ns/packet | both ns/packet | "
                   "both, over the peer's |")
        out.append("|---|--:|--:|--:|--:|")
        peer_both = r.peer_ns(["udp64", "tcp"], arm="peer")
        for arm, label in alone:
            if not r.peer_runs(arm):
                continue
            both = r.peer_ns(["udp64", "tcp"], arm=arm)
            out.append(f"| {label} | {fmt(r.peer_ns(['udp64'], arm=arm), 1)} | "
                       f"{fmt(r.peer_ns(['tcp'], arm=arm), 1)} | {fmt(both, 1)} | "
                       f"{fmt(ratio(both, peer_both), 2)} |")
        out.append("")
    if r.peertput:
        out.append("**Throughput, each attached alone** (bpf_stats off), arms alternating "
                   f"within each run, {r.m('secs')} s per figure, medians of {r.m('runs')} "
                   "runs; UDP-64: packets/s reaching the receiver's IP layer (`Ip: "
                   "InReceives`) from `iperf3 -u -b 0 -l 18`; TCP: `iperf3` receiver bits/s. "
                   "**kept** = the median of (arm / nothing attached, same run), with the "
                   "range.\n")
        out.append("| arm | UDP-64 rx packets/s | kept (range) | TCP Gbit/s | kept (range) |")
        out.append("|---|--:|--:|--:|--:|")
        for arm, label in [("none", "nothing attached"), ("fluxtrace-tc", "fluxtrace"),
                           ("peer", "peer")]:
            vals = {m: med([v for (a, mm, _), v in r.peertput.items() if a == arm and mm == m])
                    for m in ("udp64_pps", "tcp_bps")}
            cells = []
            for metric in ("udp64_pps", "tcp_bps"):
                q, lo, hi = r.peer_kept(arm, metric)
                cells.append(f"{fmt(q, 3)} ({fmt(lo, 2)}-{fmt(hi, 2)})")
            bps = vals["tcp_bps"]
            out.append(f"| {label} | {fmt(vals['udp64_pps'])} | {cells[0]} | "
                       f"{fmt(bps and bps / 1e9, 2)} | {cells[1]} |")
        out.append("")


def section_contend(r, out):
    if not r.contend:
        return
    out.append("## 8. Counts under contention\n")
    out.append("One UDP flow sent from both cores at once (`tools/bench/blast.py`, one per "
               "core, pinned with `taskset`; a veth receives on the sending CPU), so two CPUs "
               "update the flow's map entry at the same time; `fluxtrace -i IF -w FILE` "
               "(default hooks). **lost** = the packets the receiver's interface took in "
               "while fluxtrace ran minus the flow's packets-in in the last counters read "
               "from the map (`progcost tracestat`). Per-flow counters are plain increments "
               f"(`bpf/README.md`). Command: `{RUN_SH}` section 8.\n")
    out.append("| run | packets received | flow packets-in | lost | lost / received |")
    out.append("|---|--:|--:|--:|--:|")
    for run, rx, flow in r.contend:
        out.append(f"| {run} | {fmt(rx)} | {fmt(flow)} | {fmt(rx - flow)} | "
                   f"{fmt(100.0 * (rx - flow) / max(rx, 1), 4)}% |")
    out.append("")


def summary(r, out):
    def cost(arm, tr):
        return med(r.cost.get((arm, tr), []))

    def hook_ns(arm, tr, hooks):
        vals = [med([v[0] for v in vals]) for (a, t, h, _), vals in r.hook.items()
                if a == arm and t == tr and h in hooks]
        return max(vals) if vals else None

    # How the two fluxtrace arms read in the targets table.
    shown = {"fluxtrace": "XDP mode (`--xdp-mode auto`)", "fluxtrace-tc": "default (tc)"}
    rows = []
    for arm, floor, label in [("fluxtrace", "floor", "`--xdp-mode auto` (XDP + tc egress)"),
                              ("fluxtrace-tc", "floor-tc", "default (tc both ways)")]:
        for tr in ["udp", "tcp"]:
            q = ratio(cost(arm, tr), cost(floor, tr))
            rows.append((f"kernel time/packet over the floor's, {label}, {tr.upper()} "
                         "(bpf_stats) <= 1.3", fmt(q, 2), verdict(q and q <= 1.3)))
    for arm, floor in [("fluxtrace", "floor"), ("fluxtrace-tc", "floor-tc")]:
        ing = hook_ns(arm, "udp", ("xdp", "xdp-generic", "tcx-ingress"))
        ing_floor = hook_ns(floor, "udp", ("xdp", "xdp-generic", "tcx-ingress"))
        q = ratio(ing, ing_floor)
        rows.append((f"{shown[arm]}: the ingress program alone over the floor's, UDP (no tracepoint) "
                     "<= 1.3", f"{fmt(q, 2)} ({fmt(ing)} / {fmt(ing_floor)} ns)",
                     verdict(q and q <= 1.3)))
    q = ratio(r.testrun.get(("repeat", "est4", "xdp", "fluxtrace")),
              r.testrun.get(("repeat", "est4", "xdp", "floor")))
    rows.append(("same under BPF_PROG_TEST_RUN, established IPv4 flow at XDP <= 1.3",
                 fmt(q, 2), verdict(q and q <= 1.3)))
    if r.peercost:
        q, lo, hi = r.peer_ratio(["udp64", "tcp"])
        rows.append(("default (tc): kernel time per wire packet over the peer's, both attached, "
                     "UDP-64 then TCP (bpf_stats, section 7) <= 0.5",
                     f"{fmt(q, 2)} (runs {fmt(lo, 2)}-{fmt(hi, 2)}; "
                     f"{fmt(r.peer_ns(['udp64', 'tcp'], 'ft'))} / "
                     f"{fmt(r.peer_ns(['udp64', 'tcp'], 'peer'))} ns)", verdict(q and q <= 0.5)))
    elif r.meta.get("peer_skipped"):
        rows.append(("default (tc): kernel time per wire packet over the peer's <= 0.5",
                     "not measured: peer skipped", "n/a"))
    for arm in ["fluxtrace", "fluxtrace-tc"]:
        for metric, label in [("udp_pps", "UDP packets/s"), ("tcp_bps", "TCP bytes/s")]:
            q, lo, hi = r.kept(arm, metric)
            rows.append((f"{shown[arm]}: {label} kept >= 0.95",
                         f"{fmt(q, 3)} (runs {fmt(lo, 2)}-{fmt(hi, 2)})",
                         verdict(q and q >= 0.95)))
    for metric, label in [("udp64_pps", "UDP-64 packets/s"), ("tcp_bps", "TCP bytes/s")]:
        q, lo, hi = r.peer_kept("fluxtrace-tc", metric)
        if q is not None:
            rows.append((f"default (tc): {label} kept >= 0.95, section 7 (iperf3)",
                         f"{fmt(q, 3)} (runs {fmt(lo, 2)}-{fmt(hi, 2)})",
                         verdict(q >= 0.95)))
    if r.contend:
        lost = [rx - flow for _, rx, flow in r.contend]
        tot = sum(rx for _, rx, _ in r.contend)
        rows.append(("counts under contention (one flow on both cores, section 8): lost "
                     "increments", f"{fmt(sum(lost))} of {fmt(tot)} "
                     f"({fmt(100.0 * sum(lost) / max(tot, 1), 4)}%; worst run {fmt(max(lost))})",
                     "n/a (bound, documented)"))
    if r.churn:
        clean = [c for c in r.churn if c[5] == 0]
        best = max((c[2] for c in clean), default=None)
        worst = [c for c in r.churn if c[5] != 0]
        text = f"0 lost up to {fmt(best)}/s"
        for c in worst:
            text += f"; {c[0]}: {fmt(c[5])} lost of {fmt(c[3])} ({fmt(100.0 * c[5] / max(c[3], 1), 1)}%) at {fmt(c[2])}/s"
        rows.append(("churn: zero lost events at every rate tried, up to two sender cores "
                     "flat out", text, verdict(not worst)))
        stalls = [c[0] for c in r.churn if c[7] == "stall" or r.churnreport.get(c[0]) != "ok"]
        rows.append(("churn beyond: losses counted, no stall, report written",
                     "stall/no report at " + ",".join(stalls) if stalls else "ok",
                     verdict(not stalls)))
    if r.volume:
        q = ratio(r.volume[0], max(r.volume[1], 1))
        rows.append(("events per packet on a long-lived flow ~0", fmt(q, 7),
                     verdict(q is not None and q < 0.001)))
    if r.replay:
        ms = med([x[3] for x in r.replay])
        rate = r.replay[0][1] / (ms / 1000.0) if ms else None
        rows.append(("-r records/s >= 2,000,000", fmt(rate), verdict(rate and rate >= 2e6)))
        per = mem_per_flow(r)
        rows.append(("memory per tracked flow (-r) <= 512 B", fmt(per, 0, " B"),
                     verdict(per is not None and per <= 512)))
    v = reducer1m(r, "all")
    if v:
        per = v[2] * 1024 / 1e6
        rows.append(("reducer, 1M flows all kept: max RSS per flow <= 600 B",
                     f"{fmt(per, 0)} B ({fmt(v[0])} records/s)", verdict(per <= 600)))
    v = reducer1m(r, "default")
    if v:
        rows.append(("reducer, 1M flows, default bounds: max RSS <= 64 MiB, losses counted",
                     f"{fmt(v[2] / 1024.0, 1)} MiB, {fmt(v[5])} lost",
                     verdict(v[2] <= 64 * 1024 and v[5] > 0)))
    out.append("## Targets\n")
    out.append("| target | measured | met |")
    out.append("|---|--:|---|")
    for t, v, ok in rows:
        out.append(f"| {t} | {v} | {ok} |")
    out.append("")


def main():
    if len(sys.argv) != 3:
        print("usage: report.py RAW_TXT OUT_MD", file=sys.stderr)
        return 2
    r = Raw(sys.argv[1])
    out = ["# fluxtrace benchmarks\n",
           f"Written by `make bench` (`{RUN_SH}`) on {r.m('date')}. Every figure below comes "
           "from that one run; nothing is edited by hand.\n",
           "| machine | |", "|---|---|",
           f"| CPU | {r.m('cpu')}, {r.m('cores')} cores (a VM) |",
           f"| memory | {r.m('mem')} |",
           f"| OS, kernel | {r.m('os')}, {r.m('kernel')} |",
           f"| toolchain | {r.m('clang')}; libbpf {r.m('libbpf')} |",
           f"| fluxtrace | {r.m('version')} |",
           f"| load average before / after | {r.m('load_before')} / {r.m('load_after')} |",
           ""]
    for s in r.meta.get("skipped", []):
        out.append(f"Skipped: {s}.\n")
    out.append("Shared, virtualised machine: other work shows up as noise, hence medians of "
               "alternating runs; compare columns within one table rather than across "
               "machines.\n")
    if r.m("only") != "unknown":
        out.append(f"Partial run: only section(s) {r.m('only')} (`FT_BENCH_ONLY`).\n")
    summary(r, out)
    section_testrun(r, out)
    section_cost(r, out)
    section_tput(r, out)
    section_churn(r, out)
    section_volume(r, out)
    section_userspace(r, out)
    section_reducer1m(r, out)
    section_peer(r, out)
    section_contend(r, out)
    section_sizes(r, out)
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
