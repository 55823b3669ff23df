#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# After SIGKILL nothing of fluxtrace stays attached or loaded: every program
# and link it held goes away with the process (XDP and tcx links).
source "$(dirname "$0")/lib.sh"
lab_pair

ft_start "$NS_A" -i "$IF_A" --xdp-mode auto
grep -qh '^link_type:.*tcx' /proc/"$FT_PID"/fdinfo/* 2>/dev/null ||
	skip "kernel $(uname -r) has no tcx: stale clsact filters are removed at the next start"
ip -n "$NS_A" link show "$IF_A" | grep -q 'xdp' || fail "XDP not attached while tracing"

# The kernel objects this process holds, by id, from its fd table.
prog_ids=$(grep -h '^prog_id:' /proc/"$FT_PID"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u)
link_ids=$(grep -h '^link_id:' /proc/"$FT_PID"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u)
[[ -n $prog_ids && -n $link_ids ]] || fail "could not see fluxtrace's programs and links"

kill -KILL "$FT_PID"
wait "$FT_PID" 2>/dev/null || true
FT_PID=

# Programs are freed after an RCU grace period: allow a few seconds.
for _ in $(seq 50); do
	left=""
	for id in $prog_ids; do bpftool prog show id "$id" >/dev/null 2>&1 && left+=" prog:$id"; done
	for id in $link_ids; do bpftool link show id "$id" >/dev/null 2>&1 && left+=" link:$id"; done
	[[ -z $left ]] && break
	sleep 0.1
done
[[ -z $left ]] || fail "still loaded after SIGKILL:$left"
ip -n "$NS_A" link show "$IF_A" | grep -q 'xdp' && fail "XDP program still attached"
ip netns exec "$NS_A" tc filter show dev "$IF_A" ingress | grep -q 'ft_' && fail "tc filter left"
ip netns exec "$NS_A" tc filter show dev "$IF_A" egress | grep -q 'ft_' && fail "tc filter left"
echo ok
