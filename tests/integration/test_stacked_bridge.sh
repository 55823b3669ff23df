#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A bridge stacked on the traced interface: the host's address is on br0,
# whose MAC differs from its port's. The host's flows are seen, both ways
# and without a finding, when tracing the port, the bridge, or both (-i any).
# (A port is never filtered: it carries what the bridge forwards between
# other hosts, e.g. to VMs behind it.)
source "$(dirname "$0")/lib.sh"
lab_pair

BR=ft-br$$
BR_MAC=02:77:00:00:00:b0
ip -n "$NS_A" link add "$BR" address $BR_MAC type bridge stp_state 0 forward_delay 0
ip -n "$NS_A" link set "$IF_A" master "$BR"
ip -n "$NS_A" addr flush dev "$IF_A"
ip -n "$NS_A" addr add $IP_A/24 dev "$BR"
ip -n "$NS_A" link set "$BR" up
ip -n "$NS_A" neigh replace $IP_B lladdr "$MAC_B" dev "$BR" nud permanent
ip -n "$NS_B" neigh replace $IP_A lladdr $BR_MAC dev "$IF_B" nud permanent

json() { tail -n 1 "$WORK/out" | python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }

for spec in "$IF_A" "$BR" any; do
	ft_start "$NS_A" -i "$spec" --events --json --oneway-after 1
	ip netns exec "$NS_B" ping -c 2 -i 0.2 -W 1 $IP_A >/dev/null
	tcp_exchange "$NS_A" $IP_A 7000 "$NS_B"
	sleep 1.2	# let a one-way flow show, if there were one
	ft_stop
	events_matching " in .* icmp $IP_B:[0-9]+ > $IP_A:.* > $BR_MAC request" | grep -q . ||
		{ cat "$WORK/out"; fail "-i $spec: the ping to the bridge's address is missing"; }
	events_matching " out .* tcp $IP_A:7000 > $IP_B" | grep -q . ||
		{ cat "$WORK/out"; fail "-i $spec: the TCP reply is missing"; }
	[[ $(json 'len(r["asymmetry"]) + len(r["arp_flux"]) + r["counters"]["other_host"]') -eq 0 ]] ||
		{ cat "$WORK/out"; fail "-i $spec: a finding, or the host's own frames skipped"; }
done
echo ok
