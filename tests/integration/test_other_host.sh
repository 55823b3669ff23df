#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Unicast frames for another host's MAC (flooded by a switch, seen by a
# promiscuous interface) are not this host's flows: ignored and counted,
# also when the interface carries a macvlan child (whose MAC is this host's).
source "$(dirname "$0")/lib.sh"
lab_pair

ip -n "$NS_A" link add ft-mv$$ link "$IF_A" address 02:77:00:00:00:31 type macvlan mode bridge
ip -n "$NS_A" link set ft-mv$$ up

ip -n "$NS_B" neigh replace 10.77.0.50 lladdr 02:00:00:00:00:50 dev "$IF_B" nud permanent
ip -n "$NS_A" link set "$IF_A" promisc on
for mode in auto off; do
	ft_start "$NS_A" -i "$IF_A" --events --json --xdp-mode $mode
	ip netns exec "$NS_B" ping -c 2 -i 0.2 -W 1 10.77.0.50 >/dev/null 2>&1 || true
	ip netns exec "$NS_B" ping -c 1 -W 1 $IP_A >/dev/null
	ft_stop
	events_matching "10\.77\.0\.50" | grep -q . &&
		{ cat "$WORK/out"; fail "xdp-mode $mode: another host's flow was tracked"; }
	events_matching "icmp $IP_B:[0-9]+ > $IP_A" | grep -q . ||
		{ cat "$WORK/out"; fail "xdp-mode $mode: this host's own flow is missing"; }
	other=$(tail -n 1 "$WORK/out" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["other_host"])')
	[[ $other -eq 2 ]] ||
		{ cat "$WORK/out"; fail "xdp-mode $mode: other_host is $other, not 2 (two pings)"; }
done
echo ok
