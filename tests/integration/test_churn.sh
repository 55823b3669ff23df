#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Interface churn with -i any: a new interface is traced, a vanished one is
# dropped with one line, a renamed one keeps its history under the new name.
source "$(dirname "$0")/lib.sh"
lab_pair

wait_for() {
	for _ in $(seq 100); do grep -q -- "$1" "$WORK/err" && return 0; sleep 0.1; done
	cat "$WORK/err" >&2
	fail "no line '$1'"
}

ft_start "$NS_A" --events
ip -n "$NS_A" link add ft-new$$ type veth peer name ft-peer$$
ip -n "$NS_A" link set ft-peer$$ up
ip -n "$NS_A" link set ft-new$$ up
wait_for "ft-new$$: new interface; tracing it"
ip -n "$NS_A" link del ft-new$$
wait_for "ft-new$$: interface gone; no longer traced"
ip netns exec "$NS_B" ping -c 1 -W 1 $IP_A >/dev/null
ip -n "$NS_A" link set "$IF_A" down
ip -n "$NS_A" link set "$IF_A" name ft-ren$$
ip -n "$NS_A" link set ft-ren$$ up
wait_for "$IF_A: renamed to ft-ren$$"
ip -n "$NS_A" neigh replace $IP_B lladdr "$MAC_B" dev ft-ren$$ nud permanent
ip netns exec "$NS_B" ping -c 1 -W 2 $IP_A >/dev/null
kill -0 "$FT_PID" || fail "fluxtrace died during churn"
ft_stop
# The flow seen before the rename is now attributed to the new name.
events_matching "icmp $IP_B" | grep -q . || fail "no ICMP traffic traced"
grep -q "iface traced ifindex [0-9]* mac $MAC_A .*" "$WORK/out" || fail "no interface record"
events_matching " ft-ren$$ " | grep -q . || { cat "$WORK/out"; fail "nothing under the new name"; }
echo ok
