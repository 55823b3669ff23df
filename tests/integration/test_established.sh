#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# An established flow whose path does not change produces no more events:
# a TCP connection carrying a few thousand packets yields its new/path/end
# events only, while the kernel counts every packet.
source "$(dirname "$0")/lib.sh"
lab_pair

ft_start "$NS_A" -i "$IF_A" --events --json
ip netns exec "$NS_A" timeout 20 socat -u TCP-LISTEN:9000,reuseaddr OPEN:/dev/null &
spid=$!
for _ in $(seq 50); do
	ip netns exec "$NS_A" ss -Hltn "sport = :9000" | grep -q . && break
	sleep 0.1
done
head -c 4000000 /dev/zero | ip netns exec "$NS_B" timeout 15 socat -u - TCP:$IP_A:9000
wait "$spid" || true
ft_stop

flow_events=$(events_matching ":9000 " | wc -l)
# SYN (new), SYN-ACK (path), then at most a FIN per side (end).
[[ $flow_events -ge 2 && $flow_events -le 4 ]] ||
	{ events_matching ":9000 " >&2; fail "expected 2-4 events for the flow, got $flow_events"; }
packets=$(tail -1 "$WORK/out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["packets"])')
[[ $packets -ge 100 ]] || fail "counters.packets is $packets; the kernel did not count the flow"
echo ok
