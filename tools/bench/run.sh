#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `make bench`: what fluxtrace costs, measured side by side with a reference
# floor (tools/bench/floor.bpf.c) and empty programs, on this machine:
#   1. kernel cost per packet under BPF_PROG_TEST_RUN (progcost testrun);
#   2. kernel cost per packet under real traffic on a veth pair (bpf_stats);
#   3. throughput kept (64-byte UDP flood, iperf3 TCP), alternating runs;
#   4. flow churn (new flows/s, losses, stop time);
#   5. ring-buffer events per packet on long-lived flows;
#   6. user space: -r reduction speed, memory per flow, trace bytes/record;
#      the reducer over 1M flows (tools/bench/mktrace.c), all kept and with
#      the default bounds: rate, peak memory, groups, losses.
#   7. beside the peer, netobserv-ebpf-agent's tc flow programs, built from
#      PEER_SRC=DIR (a checkout of its source; skipped and said so without):
#      kernel time per packet with both attached together, throughput with
#      each attached alone (64-byte UDP into an iperf3 server, then TCP);
#   8. counts under contention: one flow received on both cores at once.
# Results go to tools/bench/BENCHMARKS.md (FT_BENCH_OUT overrides), raw figures to
# BUILD/bench/raw.txt. Figures are printed, never judged: a slow run does
# not fail. FT_BENCH_RUNS (default 5) alternating throughput runs (the
# cost runs take 3 of them), FT_BENCH_SECS (2) seconds per traffic run;
# FT_KEEP=1 leaves the lab up. FT_BENCH_ONLY=LIST runs only those sections
# (comma-separated numbers, e.g. FT_BENCH_ONLY=7): a quick partial report.
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=$BUILD/bench
RAW=$OUT/raw.txt
REPORT=${FT_BENCH_OUT:-tools/bench/BENCHMARKS.md}
RUNS=${FT_BENCH_RUNS:-5}
COST_RUNS=$((RUNS < 3 ? RUNS : 3))
SECS=${FT_BENCH_SECS:-2}
COST_SECS=2
CHURN_RATES=(10000 25000 50000 max max2)
FT=$BUILD/fluxtrace
FT_OBJ=$BUILD/fluxtrace.bpf.o
PROGCOST=$OUT/progcost
PEER_SRC=${PEER_SRC:-}
PEER_OBJ=$OUT/peer-flows.bpf.o
ONLY=${FT_BENCH_ONLY:-}

# Whether section $1 runs (FT_BENCH_ONLY).
want() { [[ -z $ONLY || ,$ONLY, == *,$1,* ]]; }

NS_S=ftbench-s-$$
NS_R=ftbench-r-$$
IF_S=fbs$$
IF_R=fbr$$
IP_S=10.201.0.1
IP_R=10.201.0.2
PIDS=()
SENDER_PG=
STATS_WAS=

log() { printf 'bench: [%3ds] %s\n' "$SECONDS" "$*" >&2; }
raw() { echo "$*" >>"$RAW"; }

cleanup() {
	local pid
	[[ -n $SENDER_PG ]] && kill -KILL -- "-$SENDER_PG" 2>/dev/null
	for pid in "${PIDS[@]}"; do
		kill -INT "$pid" 2>/dev/null || true
	done
	sleep 0.2
	for pid in "${PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	if [[ -n $STATS_WAS ]]; then
		sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS" || true
	fi
	if [[ ${FT_KEEP:-0} == 1 ]]; then
		log "FT_KEEP=1: lab left up: ip netns exec $NS_S / $NS_R"
		return
	fi
	ip netns del "$NS_S" 2>/dev/null || true
	ip netns del "$NS_R" 2>/dev/null || true
}
trap cleanup EXIT

if [[ $(id -u) -ne 0 ]]; then
	echo "bench: needs root (BPF programs, network namespaces); run 'sudo make bench'" >&2
	exit 1
fi
[[ -r $FT_OBJ ]] || { echo "bench: $FT_OBJ missing; run 'make' first" >&2; exit 1; }

# ---- build the floor and the harness ----
mkdir -p "$OUT"
: >"$RAW"
ARCH=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")
CLANG=${CLANG:-clang}
BPF_CFLAGS=(-g -O2 -target bpf "-D__TARGET_ARCH_$ARCH" -Wall "-I/usr/include/$MULTIARCH")
CFLAGS=(-O2 -g -std=gnu11 -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
	-Wno-unused-parameter -Iinclude -Iuser)
log "building the floor programs and progcost"
"$CLANG" "${BPF_CFLAGS[@]}" -c tools/bench/floor.bpf.c -o "$OUT/floor.tmp.o"
bpftool gen object "$OUT/floor.bpf.o" "$OUT/floor.tmp.o"
"$CLANG" "${BPF_CFLAGS[@]}" -DFLOOR_LRU -c tools/bench/floor.bpf.c -o "$OUT/floor-lru.tmp.o"
bpftool gen object "$OUT/floor-lru.bpf.o" "$OUT/floor-lru.tmp.o"
# shellcheck disable=SC2046
# The trace reader and writer, with the host facts they carry.
TRACE_SRCS=(user/record/reader.c user/record/writer.c user/record/facts.c user/model/facts.c)
cc "${CFLAGS[@]}" tools/bench/progcost.c "${TRACE_SRCS[@]}" \
	user/common/scope.c -o "$PROGCOST" \
	$(pkg-config --cflags --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz
cc "${CFLAGS[@]}" tools/bench/mktrace.c "${TRACE_SRCS[@]}" -o "$OUT/mktrace" -lz

# ---- what machine this is ----
raw meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
raw meta kernel "$(uname -r)"
raw meta cpu "$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
raw meta cores "$(nproc)"
raw meta mem "$(awk '/MemTotal/{printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
raw meta os "$(. /etc/os-release && echo "$PRETTY_NAME")"
raw meta clang "$("$CLANG" --version | head -1)"
raw meta libbpf "$(pkg-config --modversion libbpf 2>/dev/null || echo unknown)"
raw meta version "$([[ -x $FT ]] && "$FT" -V 2>&1 | head -1 || echo "loader not built")"
raw meta load_before "$(cut -d' ' -f1-3 /proc/loadavg)"
raw meta runs "$RUNS"
raw meta cost_runs "$COST_RUNS"
raw meta secs "$SECS"
[[ -n $ONLY ]] && raw meta only "$ONLY"

# ---- the peer: netobserv-ebpf-agent's bpf/flows.c, from its source ----
# Built as its own build does (clang -O2 -g, its bpf/headers); peer-compat.h
# only gives clang < 18 the memcmp() its network-events probe calls (a
# program not loaded here). Never part of fluxtrace, never stored here.
HAVE_PEER=0
if want 7; then
	if [[ -z $PEER_SRC ]]; then
		raw meta peer_skipped "PEER_SRC not given (a checkout of netobserv-ebpf-agent's source)"
	elif [[ ! -r $PEER_SRC/bpf/flows.c ]]; then
		raw meta peer_skipped "no bpf/flows.c in PEER_SRC=$PEER_SRC"
	elif ! "$CLANG" "${BPF_CFLAGS[@]}" -I"$PEER_SRC/bpf/headers" \
		-include tools/bench/peer-compat.h -c "$PEER_SRC/bpf/flows.c" -o "$PEER_OBJ" \
		2>"$OUT/peer-build.err"; then
		raw meta peer_skipped "its bpf/flows.c did not build: $(head -1 "$OUT/peer-build.err")"
	else
		HAVE_PEER=1
		raw meta peer_commit "$(git -C "$PEER_SRC" rev-parse --short HEAD 2>/dev/null ||
			echo unknown)"
		raw meta peer_origin "$(git -C "$PEER_SRC" remote get-url origin 2>/dev/null ||
			echo unknown)"
	fi
fi

# ---- 1. BPF_PROG_TEST_RUN ----
want 1 && log "1/8 BPF_PROG_TEST_RUN: 1e6 repeats x 5 runs per figure" &&
"$PROGCOST" testrun --fluxtrace "$FT_OBJ" --floor "$OUT/floor.bpf.o" \
	--floor-lru "$OUT/floor-lru.bpf.o" --repeat 1000000 --runs 5 --samples 2000 \
	--scope-in 'net 192.0.2.0/24 or net 2001:db8::/32' \
	--scope-out 'net 10.20.0.0/16 and port 443' >>"$RAW"
# The remaining sections need the lab.
[[ -z $ONLY || $ONLY =~ [2-8] ]] || { python3 tools/bench/report.py "$RAW" "$REPORT"; exit 0; }

# ---- the lab: sender and receiver namespaces on one veth pair ----
ip netns add "$NS_S"
ip netns add "$NS_R"
for ns in "$NS_S" "$NS_R"; do
	# No IPv6 autoconfiguration chatter in the event counts.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
done
ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_R" netns "$NS_R"
ip -n "$NS_S" addr add "$IP_S/24" dev "$IF_S"
ip -n "$NS_R" addr add "$IP_R/24" dev "$IF_R"
ip -n "$NS_S" link set "$IF_S" up
ip -n "$NS_R" link set "$IF_R" up
MAC_S=$(ip netns exec "$NS_S" cat "/sys/class/net/$IF_S/address")
MAC_R=$(ip netns exec "$NS_R" cat "/sys/class/net/$IF_R/address")
# Static neighbours: no ARP traffic mixed into the measurements.
ip -n "$NS_S" neigh replace "$IP_R" lladdr "$MAC_R" dev "$IF_S"
ip -n "$NS_R" neigh replace "$IP_S" lladdr "$MAC_S" dev "$IF_R"

# 60-byte frames (64 on the wire with the FCS); one flow, or a new flow per
# packet (random source port and source address in 10.202/16).
cat >"$OUT/flood.cfg" <<EOF
{ eth(da=$MAC_R, sa=$MAC_S, type=0x0800), ipv4(saddr=$IP_S, daddr=$IP_R, ttl=64),
  udp(sport=40000, dport=9), fill(0, 18) }
EOF
cat >"$OUT/churn.cfg" <<EOF
{ eth(da=$MAC_R, sa=$MAC_S, type=0x0800),
  ipv4(saddr=10.202.0.1, saddr[2]=drnd(), saddr[3]=drnd(), daddr=$IP_R, ttl=64),
  udp(sport=drnd(), dport=9), fill(0, 18) }
EOF

HAVE_TRAFGEN=1
HAVE_IPERF=1
command -v trafgen >/dev/null || { HAVE_TRAFGEN=0; raw meta skipped "trafgen (netsniff-ng) missing: no UDP flood or churn"; }
command -v iperf3 >/dev/null || { HAVE_IPERF=0; raw meta skipped "iperf3 missing: no TCP throughput"; }
if ((HAVE_IPERF)); then
	ip netns exec "$NS_R" iperf3 -s -B "$IP_R" >/dev/null 2>&1 &
	PIDS+=($!)
fi

now_ms() { echo $(($(date +%s%N) / 1000000)); }
rx_ip() { ip netns exec "$NS_R" awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp; }
if_pkts() {
	ip netns exec "$NS_R" cat "/sys/class/net/$IF_R/statistics/rx_packets" \
		"/sys/class/net/$IF_R/statistics/tx_packets" | awk '{ s += $1 } END { print s }'
}

# Waits until FILE contains PATTERN while PID lives, at most SECONDS.
wait_line() {
	local end=$((SECONDS + $4))
	until grep -q "$2" "$1" 2>/dev/null; do
		kill -0 "$3" 2>/dev/null || return 1
		((SECONDS < end)) || return 1
		sleep 0.05
	done
}

# SIGINT, then up to 20 s for a clean exit; prints the milliseconds it took
# ("stall" if it had to be killed).
stop_pid() {
	local t0 i
	t0=$(now_ms)
	kill -INT "$1" 2>/dev/null || true
	for ((i = 0; i < 400; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1" 2>/dev/null || true
		wait "$1" 2>/dev/null || true
		echo stall
		return
	fi
	wait "$1" 2>/dev/null || true
	echo $(($(now_ms) - t0))
}

# UDP from the sender namespace for SECS seconds; RATE "max" = as fast as
# one sender core goes, "max2" = two senders. Prints "sent received ms",
# counting on the receiver (IP InReceives). trafgen forks a sender per
# core: it runs in its own process group, which is stopped as a whole.
# LINEAR=1: sendto() instead of the TX_RING, whose frames reach a veth with
# only the Ethernet header in the skb's linear part: tc would see no IP
# header (fluxtrace counts such packets as nonlinear and does no flow work),
# unlike frames from the stack or a NIC driver. XDP linearises them.
flood() {
	local cfg=$1 secs=$2 rate=${3:-max} r0 r1 t0 t1 sent i cpus=1 opt=()
	[[ $rate == max2 ]] && cpus=2
	[[ $rate == max* ]] || opt=(-b "${rate}pps")
	[[ ${LINEAR:-0} == 1 ]] && opt+=(-t 0)
	r0=$(rx_ip)
	t0=$(now_ms)
	setsid ip netns exec "$NS_S" trafgen -o "$IF_S" -i "$cfg" -P "$cpus" --no-sock-mem -C -q \
		"${opt[@]}" >"$OUT/trafgen.out" 2>&1 &
	SENDER_PG=$!
	sleep "$secs"
	kill -INT -- "-$SENDER_PG" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 -- "-$SENDER_PG" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL -- "-$SENDER_PG" 2>/dev/null || true
	wait "$SENDER_PG" 2>/dev/null || true
	SENDER_PG=
	t1=$(now_ms)
	r1=$(rx_ip)
	sent=$(tr -d '\r' <"$OUT/trafgen.out" | awk '/packets outgoing/ { s += $1 } END { print s + 0 }')
	echo "$sent $((r1 - r0)) $((t1 - t0))"
}

tcp_bps() {
	{ ip netns exec "$NS_S" timeout $((SECS + 15)) iperf3 -c "$IP_R" -t "$1" -J 2>/dev/null ||
		true; } |
		python3 -c 'import json, sys
try:
    print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))
except Exception:
    print(0)'
}

# The arms: what is attached to the receiver's interface. fluxtrace runs
# as users run it; the floor and empty programs are attached by progcost.
TPUT_ARMS=(none fluxtrace fluxtrace-tc floor empty)
COST_ARMS=(fluxtrace fluxtrace-tc floor floor-tc empty empty-tc)
ARM_PID=
arm_cmd() {
	case $1 in
	fluxtrace | fluxtrace-tc)
		local mode=auto
		[[ $1 == fluxtrace-tc ]] && mode=off
		if [[ -x $FT ]]; then
			echo "$FT -i $IF_R --xdp-mode $mode --json ${2:-}"
		elif [[ $mode == auto ]]; then
			echo "$PROGCOST attach $IF_R $FT_OBJ --xdp ft_xdp --tc-egress ft_tc_egress"
		else
			echo "$PROGCOST attach $IF_R $FT_OBJ --tc-ingress ft_tc_ingress --tc-egress ft_tc_egress"
		fi ;;
	peer)
		# The agent's defaults: every packet (sampling 0), no optional
		# feature (RTT, DNS, drops, network events, TLS, QUIC, PCA, IPsec,
		# filters all off), CACHE_MAX_FLOWS 5000, unused maps at their
		# minimum, tcx links; its tc (not tcx) programs return TC_ACT_OK.
		echo "$PROGCOST attach $IF_R $PEER_OBJ --tc-ingress tcx_ingress_flow_parse" \
			"--tc-egress tcx_egress_flow_parse --set sampling=0" \
			"--max-entries aggregated_flows=5000 $(peer_min_maps)" ;;
	floor | empty)
		echo "$PROGCOST attach $IF_R $OUT/floor.bpf.o --xdp ${1}_xdp --tc-egress ${1}_tc_out" ;;
	floor-tc | empty-tc)
		echo "$PROGCOST attach $IF_R $OUT/floor.bpf.o --tc-ingress ${1%-tc}_tc_in" \
			"--tc-egress ${1%-tc}_tc_out" ;;
	esac
}

# The maps the agent shrinks when their feature is off (its tracer.go).
peer_min_maps() {
	local m page
	page=$(getconf PAGESIZE)
	for m in aggregated_flows_dns aggregated_flows_network_events aggregated_flows_pkt_drop \
		aggregated_flows_xlat additional_flow_metrics dns_flows filter_map peer_filter_map \
		ipsec_ingress_map ipsec_egress_map; do
		printf -- '--max-entries %s=1 ' "$m"
	done
	for m in direct_flows ssl_data_event_map packet_record; do
		printf -- '--max-entries %s=%s ' "$m" "$page"
	done
}

# Starts an arm (extra fluxtrace options in $2); 1 if it did not attach.
arm_start() {
	ARM_PID=
	[[ $1 == none ]] && return 0
	local cmd
	cmd=$(arm_cmd "$1" "${2:-}")
	# Emptied here, not by the background job's redirection, which may run
	# after wait_line has already read the previous arm's ready line.
	: >"$OUT/arm.err"
	# shellcheck disable=SC2086
	ip netns exec "$NS_R" $cmd >"$OUT/arm.out" 2>>"$OUT/arm.err" &
	ARM_PID=$!
	PIDS+=("$ARM_PID")
	if ! wait_line "$OUT/arm.err" "tracing\|attached" "$ARM_PID" 20; then
		log "arm $1 did not attach: $(tail -1 "$OUT/arm.err")"
		stop_pid "$ARM_PID" >/dev/null
		ARM_PID=
		return 1
	fi
}

arm_stop() {
	[[ -n $ARM_PID ]] && stop_pid "$ARM_PID" || echo 0
	ARM_PID=
}

# ---- 3. throughput kept (bpf_stats off): arms alternate within each run ----
if want 3 && ((HAVE_TRAFGEN || HAVE_IPERF)); then
	log "3/8 throughput: ${#TPUT_ARMS[@]} arms x $RUNS runs x (UDP flood + iperf3) x ${SECS}s"
	for ((run = 1; run <= RUNS; run++)); do
		arms=("${TPUT_ARMS[@]}")
		((run % 2)) || mapfile -t arms < <(printf '%s\n' "${TPUT_ARMS[@]}" | tac)
		for arm in "${arms[@]}"; do
			arm_start "$arm" || continue
			if ((HAVE_TRAFGEN)); then
				read -r sent recv ms < <(LINEAR=1 flood "$OUT/flood.cfg" "$SECS")
				raw tput "$arm" "$run" udp_pps $((recv * 1000 / (ms > 0 ? ms : 1)))
				raw tput "$arm" "$run" udp_sent_pps $((sent * 1000 / (ms > 0 ? ms : 1)))
			fi
			((HAVE_IPERF)) && raw tput "$arm" "$run" tcp_bps "$(tcp_bps "$SECS")"
			arm_stop >/dev/null
		done
	done
fi

# ---- 1b/2. cost per packet under real traffic (bpf_stats on) ----
# Sum of run_time_ns of every program on the interface over the packets
# that crossed it (rx + tx): a received packet costs the ingress hook, a
# sent one tc egress.
stats_delta() {
	awk -v pk="$3" -v arm="$4" -v run="$5" -v tr="$6" '
	FNR == NR { c[$3] = $5; t[$3] = $6; next }
	{
		dc = $5 - c[$3]; dt = $6 - t[$3]; tot += dt; runs += dc
		if (dc)
			printf "costhook %s %s %s %s %s %.1f %.3f\n", arm, run, tr, $2, $4,
			       dt / dc, pk ? dc / pk : 0
	}
	END {
		# No program ran although packets crossed: not a measurement.
		printf "%s %s %s %s total %.1f %d\n", runs ? "cost" : "costinvalid", arm, run,
		       tr, pk ? tot / pk : 0, pk
	}' "$1" "$2"
}

if want 2 && ((HAVE_TRAFGEN || HAVE_IPERF)); then
	STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	log "2/8 cost under traffic (bpf_stats): ${#COST_ARMS[@]} arms x $COST_RUNS runs"
	for ((run = 1; run <= COST_RUNS; run++)); do
		arms=("${COST_ARMS[@]}")
		((run % 2)) || mapfile -t arms < <(printf '%s\n' "${COST_ARMS[@]}" | tac)
		for arm in "${arms[@]}"; do
			arm_start "$arm" || continue
			if ((run == 1)); then
				ip netns exec "$NS_R" "$PROGCOST" stats "$IF_R" --pid "$ARM_PID" |
					while read -r _ hook id name _ _ xl ji vi; do
						raw live "$arm" "$hook" "$name" "$xl" "$ji" "$vi"
						if [[ $arm == fluxtrace* ]]; then
							raw bpftool "$arm" "$(bpftool prog show id "$id" 2>/dev/null |
								tr -s ' \t\n' ' ')"
						fi
					done
			fi
			for tr in udp tcp; do
				[[ $tr == udp ]] && ((!HAVE_TRAFGEN)) && continue
				[[ $tr == tcp ]] && ((!HAVE_IPERF)) && continue
				ip netns exec "$NS_R" "$PROGCOST" stats "$IF_R" --pid "$ARM_PID" >"$OUT/s0"
				p0=$(if_pkts)
				if [[ $tr == udp ]]; then
					LINEAR=1 flood "$OUT/flood.cfg" "$COST_SECS" >/dev/null
				else
					tcp_bps "$COST_SECS" >/dev/null
				fi
				p1=$(if_pkts)
				ip netns exec "$NS_R" "$PROGCOST" stats "$IF_R" --pid "$ARM_PID" >"$OUT/s1"
				stats_delta "$OUT/s0" "$OUT/s1" $((p1 - p0)) "$arm" "$run" "$tr" >>"$RAW"
			done
			arm_stop >/dev/null
		done
	done
	sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
	STATS_WAS=
fi

# ---- 5. events on long-lived flows ----
# A number from progcost maxrss' line: field NAME FILE (0 if absent).
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$2" | tail -1 | grep . || echo 0; }

tracestat() { "$PROGCOST" tracestat "$1" 2>>"$OUT/tracestat.err" || true; }
# "events N lost N packets N records N flows N"
trace_summary() {
	tracestat "$1" | awk '
		$1 == "records" { rec += $3; if ($2 < 64) ev += $3; if ($2 == 1) flows = $3 }
		$1 == "counter" && ($2 == "ringbuf_full" || $2 == "flow_map_full") { lost += $3 }
		$1 == "counter" && $2 == "packets" { pk = $3 }
		END { printf "events %d lost %d packets %d records %d flows %d\n",
		      ev, lost, pk, rec, flows }'
}

if want 5 && [[ -x $FT ]] && ((HAVE_IPERF)); then
	log "5/8 event volume on a long-lived TCP flow"
	if arm_start fluxtrace "-w $OUT/longlived.ftr"; then
		p0=$(if_pkts)
		tcp_bps $((SECS * 2)) >/dev/null
		p1=$(if_pkts)
		arm_stop >/dev/null
		read -r _ ev _ lost _ pk _ rec _ fl < <(trace_summary "$OUT/longlived.ftr")
		raw volume "$ev" "$pk" $((p1 - p0)) "$lost" "$rec" "$(stat -c %s "$OUT/longlived.ftr")"
		tracestat "$OUT/longlived.ftr" | awk '$1 == "size" { print "recsize", $2, $3 }' >>"$RAW"
	fi
fi

# ---- 4. flow churn: a new flow per packet at rising rates ----
if want 4 && [[ -x $FT ]] && ((HAVE_TRAFGEN)); then
	log "4/8 flow churn: ${CHURN_RATES[*]} new flows/s, ${SECS}s each"
	for rate in "${CHURN_RATES[@]}"; do
		trace=$OUT/churn-$rate.ftr
		rm -f "$trace"
		: >"$OUT/arm.err"
		# shellcheck disable=SC2046 # the command line splits into words
		ip netns exec "$NS_R" "$PROGCOST" maxrss -- $(arm_cmd fluxtrace "-w $trace") \
			>"$OUT/arm.out" 2>>"$OUT/arm.err" &
		ARM_PID=$!
		PIDS+=("$ARM_PID")
		wait_line "$OUT/arm.err" "tracing" "$ARM_PID" 20 || { log "churn: fluxtrace did not start"; break; }
		# The two-core run also records the large trace for section 6.
		secs=$SECS
		[[ $rate == max2 ]] && secs=$((SECS * 3))
		read -r sent recv ms < <(flood "$OUT/churn.cfg" "$secs" "$rate")
		stop_ms=$(stop_pid "$ARM_PID")
		rss=$(field maxrss_kb "$OUT/arm.err")
		cpu=$(($(field user_ms "$OUT/arm.err") + $(field sys_ms "$OUT/arm.err")))
		read -r _ ev _ lost _ pk _ rec _ fl < <(trace_summary "$trace")
		((ms > 0)) || ms=1
		raw churn "$rate" $((sent * 1000 / ms)) $((recv * 1000 / ms)) "$recv" "$fl" "$lost" "$pk" \
			"$stop_ms" "$rss" "$rec" "$(stat -c %s "$trace")" "$cpu"
		# The JSON report must still come out after an overload.
		if grep -q '^{' "$OUT/arm.out"; then
			raw churnreport "$rate" ok
		else
			raw churnreport "$rate" missing
		fi
	done
fi

# ---- 6. user space: -r speed and memory per flow ----
if want 6 && [[ -x $FT ]]; then
	mapfile -t traces < <(ls -S "$OUT"/churn-*.ftr 2>/dev/null)
	if ((${#traces[@]})); then
		big=${traces[0]}
		log "6/8 user space: -r on $(basename "$big") x 3"
		read -r _ ev _ _ _ _ _ rec _ fl < <(trace_summary "$big")
		for run in 1 2 3; do
			"$PROGCOST" maxrss -- "$FT" -r "$big" --json >/dev/null 2>"$OUT/r.err" || true
			raw replay "$run" "$rec" "$fl" "$(field wall_ms "$OUT/r.err")" \
				"$(field maxrss_kb "$OUT/r.err")" "$(stat -c %s "$big")"
		done
		# Reading and decompressing alone, for comparison.
		"$PROGCOST" maxrss -- "$PROGCOST" tracestat "$big" >/dev/null 2>"$OUT/r.err" || true
		raw readonly "$rec" "$(field wall_ms "$OUT/r.err")"
		# Memory per flow: the two largest traces with room for all their
		# flows (no eviction); the difference cancels the fixed costs.
		for t in "${traces[@]:0:2}"; do
			read -r _ _ _ _ _ _ _ rec _ fl < <(trace_summary "$t")
			"$PROGCOST" maxrss -- "$FT" -r "$t" --json --max-flows $((1 << 22)) \
				>/dev/null 2>"$OUT/r.err" || true
			raw replaymem "$(basename "$t")" "$rec" "$fl" "$(field maxrss_kb "$OUT/r.err")" \
				"$(field wall_ms "$OUT/r.err")"
		done
	fi
fi

# The reducer over 1M flows of one busy server (mktrace: 90% answered out of
# the wrong interface, 9% healthy, 1% unanswered over 1,000 ports): every
# flow kept (--max-flows 1048576), then the default bounds.
if want 6 && [[ -x $FT ]]; then
	M1=$OUT/reducer-1m.ftr
	log "6/8 user space: the reducer over 1M flows x 3"
	"$OUT/mktrace" "$M1" 1000000
	read -r _ _ _ _ _ _ _ rec _ _ < <(trace_summary "$M1")
	for run in 1 2 3; do
		for arm in all default; do
			opt=()
			[[ $arm == all ]] && opt=(--max-flows 1048576)
			"$PROGCOST" maxrss -- "$FT" -r "$M1" --json "${opt[@]}" >"$OUT/r1m.json" \
				2>"$OUT/r.err" || true
			raw reducer1m "$arm" "$run" 1000000 "$rec" "$(field wall_ms "$OUT/r.err")" \
				"$(field maxrss_kb "$OUT/r.err")" "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(len(r["asymmetry"]), sum(f["flows"] for f in r["asymmetry"]), r["counters"]["lost_events"])
' "$OUT/r1m.json" 2>/dev/null || echo "0 0 0")"
		done
	done
	rm -f "$M1" "$OUT/r1m.json"
fi

# ---- 7. beside the peer ----
# 64-byte frames (14 + 20 + 8 + 18 bytes of payload + FCS) from iperf3 -u
# into the iperf3 server, as fast as one client goes; then one TCP stream.
udp64() {
	ip netns exec "$NS_S" timeout $(($1 + 15)) iperf3 -c "$IP_R" -u -b 0 -l 18 -t "$1" \
		>/dev/null 2>&1 || true
}

# Starts fluxtrace (default hooks) and the peer, in the order given; both
# stay attached. Sets BOTH_PIDS (fluxtrace's first: its tracepoint programs
# are found through it).
BOTH_PIDS=()
both_start() {
	local arm ft='' other=''
	BOTH_PIDS=()
	for arm in "$@"; do
		arm_start "$arm" || return 1
		if [[ $arm == fluxtrace-tc ]]; then ft=$ARM_PID; else other=$ARM_PID; fi
		BOTH_PIDS+=("$ARM_PID")
	done
	BOTH_PIDS=("$ft" "$other")
}

both_stop() {
	local pid
	for pid in "${BOTH_PIDS[@]}"; do
		[[ -n $pid ]] && stop_pid "$pid" >/dev/null
	done
	BOTH_PIDS=()
}

# "peercost ARM RUN TRAFFIC HOOK NAME RUN_TIME_NS RUN_CNT PACKETS": one line
# per program that ran, deltas of two `progcost stats` outputs.
peer_delta() {
	awk -v pk="$3" -v arm="$4" -v run="$5" -v tr="$6" '
	FNR == NR { c[$3] = $5; t[$3] = $6; next }
	$5 - c[$3] > 0 { printf "peercost %s %s %s %s %s %d %d %d\n", arm, run, tr, $2, $4,
			 $6 - t[$3], $5 - c[$3], pk }' "$1" "$2"
}

# Kernel time of what is attached (and PID's other programs) over UDP-64
# then TCP: peercost lines tagged ARM, run RUN.
peer_cost_run() {
	local arm=$1 run=$2 pid=$3 tr
	for tr in udp64 tcp; do
		ip netns exec "$NS_R" "$PROGCOST" stats "$IF_R" --pid "$pid" >"$OUT/s0"
		p0=$(if_pkts)
		if [[ $tr == udp64 ]]; then
			udp64 "$COST_SECS"
		else
			tcp_bps "$COST_SECS" >/dev/null
		fi
		p1=$(if_pkts)
		ip netns exec "$NS_R" "$PROGCOST" stats "$IF_R" --pid "$pid" >"$OUT/s1"
		peer_delta "$OUT/s0" "$OUT/s1" $((p1 - p0)) "$arm" "$run" "$tr" >>"$RAW"
	done
}

if want 7 && ((HAVE_PEER)) && ((HAVE_IPERF)) && [[ -x $FT ]]; then
	STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	log "7/8 beside the peer: both attached, then each alone," \
		"$COST_RUNS runs x (UDP-64 + TCP) x ${COST_SECS}s"
	for ((run = 1; run <= COST_RUNS; run++)); do
		# tcx runs programs in attach order: alternate who goes first.
		order=(fluxtrace-tc peer)
		((run % 2)) || order=(peer fluxtrace-tc)
		if ! both_start "${order[@]}"; then
			both_stop
			continue
		fi
		raw peerorder "$run" "${order[*]}"
		peer_cost_run both "$run" "${BOTH_PIDS[0]}"
		both_stop
		# Each alone, and the floor and empty programs for scale.
		arms=(fluxtrace-tc peer floor-tc empty-tc)
		((run % 2)) || arms=(empty-tc floor-tc peer fluxtrace-tc)
		for arm in "${arms[@]}"; do
			arm_start "$arm" || continue
			peer_cost_run "$arm" "$run" "$ARM_PID"
			arm_stop >/dev/null
		done
	done
	sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
	STATS_WAS=
	log "7/8 beside the peer: each alone, $RUNS runs x (UDP-64 + TCP) x ${SECS}s"
	PEER_ARMS=(none fluxtrace-tc peer)
	for ((run = 1; run <= RUNS; run++)); do
		arms=("${PEER_ARMS[@]}")
		((run % 2)) || mapfile -t arms < <(printf '%s\n' "${PEER_ARMS[@]}" | tac)
		for arm in "${arms[@]}"; do
			arm_start "$arm" || continue
			r0=$(rx_ip)
			t0=$(now_ms)
			udp64 "$SECS"
			ms=$(($(now_ms) - t0))
			raw peertput "$arm" "$run" udp64_pps $((($(rx_ip) - r0) * 1000 / (ms > 0 ? ms : 1)))
			raw peertput "$arm" "$run" tcp_bps "$(tcp_bps "$SECS")"
			arm_stop >/dev/null
		done
	done
fi

# ---- 8. counts under contention ----
# One flow from two sender cores (tools/bench/blast.py, one per core): veth
# receives on the sending CPU, so both CPUs update the one flow's entry at
# once. The flow's packets-in (its last counters read from the map) against
# the packets the receiver's interface took in while fluxtrace ran.
if want 8 && [[ -x $FT ]]; then
	log "8/8 counts under contention: one flow from two cores, $COST_RUNS runs x ${SECS}s"
	for ((run = 1; run <= COST_RUNS; run++)); do
		trace=$OUT/contend.ftr
		rm -f "$trace"
		arm_start fluxtrace-tc "-w $trace" || break
		rx0=$(ip netns exec "$NS_R" cat "/sys/class/net/$IF_R/statistics/rx_packets")
		cpids=()
		for cpu in 0 1; do
			ip netns exec "$NS_S" taskset -c "$cpu" python3 tools/bench/blast.py "$IF_S" \
				"$MAC_S" "$MAC_R" "$IP_S" "$IP_R" "$SECS" >"$OUT/blast$cpu.out" &
			cpids+=($!)
		done
		wait "${cpids[@]}" || true
		rx1=$(ip netns exec "$NS_R" cat "/sys/class/net/$IF_R/statistics/rx_packets")
		arm_stop >/dev/null
		raw contend "$run" $((rx1 - rx0)) \
			"$(tracestat "$trace" | awk '$1 == "flow_pkts_in_max" { print $2 }')" \
			"$(cat "$OUT/blast0.out" "$OUT/blast1.out" | tr '\n' ' ')"
	done
fi

raw meta load_after "$(cut -d' ' -f1-3 /proc/loadavg)"
python3 tools/bench/report.py "$RAW" "$REPORT"
log "wrote $REPORT (raw figures: $RAW)"
