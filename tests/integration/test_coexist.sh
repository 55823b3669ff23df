#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Another tool's XDP program and tc filter stay attached and keep running
# while fluxtrace traces and after it exits; fluxtrace falls back to tc for
# ingress and says so. A pre-existing clsact qdisc is never deleted, on
# tcx and on the clsact path (forced with FLUXTRACE_NO_TCX=1), and a
# filter a killed run left behind is removed at the next start - only ours.
source "$(dirname "$0")/lib.sh"
lab_pair

clang -O2 -g -target bpf -I/usr/include/"$(gcc -print-multiarch)" \
	-c "$(dirname "$0")/progs/other_tool.bpf.c" -o "$WORK/other.o"
ip -n "$NS_A" link set dev "$IF_A" xdpgeneric obj "$WORK/other.o" sec xdp
xdp_id() { ip -n "$NS_A" -j link show "$IF_A" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["xdp"]["prog"]["id"])'; }
# The counter of one of the other tool's programs, found through its id.
map_count() {
	local map
	map=$(bpftool -j prog show id "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["map_ids"][0])')
	bpftool -j map dump id "$map" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["formatted"]["value"])'
}
xdp_count() { map_count "$other"; }
tc_qdisc() { ip netns exec "$NS_A" tc qdisc show dev "$IF_A" | grep -c clsact || true; }
tc_pass_count() { map_count "$other_tc"; }
ip netns exec "$NS_A" tc qdisc add dev "$IF_A" clsact
ip netns exec "$NS_A" tc filter add dev "$IF_A" ingress prio 1 bpf da obj "$WORK/other.o" sec tc
other=$(xdp_id)
other_tc=$(ip netns exec "$NS_A" tc -j filter show dev "$IF_A" ingress |
	python3 -c 'import json,sys; print([f["options"]["prog"]["id"] for f in json.load(sys.stdin) if "options" in f][0])')
traffic() { ip netns exec "$NS_B" ping -c 3 -i 0.2 -W 1 $IP_A >/dev/null; }

for mode in tcx clsact; do
	FT_ENV=
	[[ $mode == clsact ]] && FT_ENV=FLUXTRACE_NO_TCX=1
	xdp_before=$(xdp_count); tc_before=$(tc_pass_count)
	ft_start "$NS_A" -i "$IF_A" --events --xdp-mode auto
	grep -q "$IF_A: XDP is in use by another program (id $other, other_xdp): left alone; tracing ingress at tc instead" "$WORK/err" ||
		{ cat "$WORK/err"; fail "$mode: no line saying XDP is left alone"; }
	traffic
	[[ $(xdp_id) == "$other" ]] || fail "$mode: the other XDP program was replaced"
	[[ $(xdp_count) -gt $xdp_before ]] || fail "$mode: the other XDP program stopped running"
	[[ $(tc_pass_count) -gt $tc_before ]] || fail "$mode: the other tc filter stopped running"
	ft_stop
	events_matching "tc_ingress +$IF_A +in +new +icmp $IP_B" | grep -q . ||
		{ cat "$WORK/out"; fail "$mode: ingress not traced at tc"; }
	xdp_before=$(xdp_count); tc_before=$(tc_pass_count)
	traffic
	[[ $(xdp_id) == "$other" && $(xdp_count) -gt $xdp_before ]] || fail "$mode: other XDP gone after exit"
	[[ $(tc_qdisc) -eq 1 ]] || fail "$mode: the clsact qdisc was deleted"
	[[ $(tc_pass_count) -gt $tc_before ]] || fail "$mode: the other tc filter is gone after exit"
	ip netns exec "$NS_A" tc filter show dev "$IF_A" ingress | grep -q ft_ && fail "$mode: our filter left"
done

# A killed run on the clsact path leaves its filters; the next run removes them.
FT_ENV=FLUXTRACE_NO_TCX=1 ft_start "$NS_A" -i "$IF_A" --xdp-mode auto
kill -KILL "$FT_PID"; wait "$FT_PID" 2>/dev/null || true; FT_PID=
ip netns exec "$NS_A" tc filter show dev "$IF_A" egress | grep -q ft_tc_egress ||
	fail "expected the killed run's egress filter to remain (clsact has no links)"
FT_ENV=FLUXTRACE_NO_TCX=1 ft_start "$NS_A" -i "$IF_A" --xdp-mode auto
grep -q "$IF_A: removed a stale fluxtrace tc egress filter" "$WORK/err" ||
	{ cat "$WORK/err"; fail "stale filter not reported as removed"; }
[[ $(ip netns exec "$NS_A" tc filter show dev "$IF_A" egress | grep -c 'ft_tc_egress') -eq 1 ]] ||
	fail "more than one fluxtrace egress filter"
ft_stop
[[ $(tc_pass_count) -ge 0 && $(xdp_id) == "$other" ]] || fail "other tool's programs disturbed"
echo ok
