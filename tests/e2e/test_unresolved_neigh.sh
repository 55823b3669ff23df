#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 10: a gateway nobody answers for and an on-link peer that is off, over
# IPv4 (ARP) and IPv6 (NDP): unresolved_neighbor for each, with the flow
# the stack dropped waiting for it (through the gateway: the TCP connect to
# the remote subnet; on-link: the ping). The healthy server beside them
# (real ARP/NDP too) and the lan host's own requests for the dead gateway
# are not findings.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/unresolved.sh"

e2e_begin unresolved
e2e_trace client client eth0
e2e_traffic
e2e_settle
e2e_stop client

common="kind=unresolved_neighbor interfaces=eth0 macs= failed=true requests>=3"
common+=" dropped_packets>=1 dropped_flows.*.reason=neigh_failed"
e2e_check client \
	"flux $common family=ipv4 ip=$GW_IP dropped_flows.*.proto=tcp
	 dropped_flows.*.src.ip=$CLIENT_IP dropped_flows.*.dst.ip=$REMOTE_IP
	 dropped_flows.*.dst.port=80 dropped_flows.*.via_gateway=true
	 hint~='10\.77\.0\.0/24 via 10\.0\.9\.254'" \
	"flux $common family=ipv6 ip=$GW_IP6 dropped_flows.*.proto=tcp
	 dropped_flows.*.src.ip=$CLIENT_IP6 dropped_flows.*.dst.ip=$REMOTE_IP6
	 dropped_flows.*.dst.port=80 dropped_flows.*.via_gateway=true
	 hint~='fd00:77::/64 via fd00:9::fe'" \
	"flux $common family=ipv4 ip=$PEER_IP dropped_flows.*.proto=icmp
	 dropped_flows.*.dst.ip=$PEER_IP dropped_flows.*.via_gateway=false" \
	"flux $common family=ipv6 ip=$PEER_IP6 dropped_flows.*.proto=icmpv6
	 dropped_flows.*.dst.ip=$PEER_IP6 dropped_flows.*.via_gateway=false" \
	"no-flux ip=$SERVER_IP" "no-flux ip=$SERVER_IP6" "no-flux ip=$LAN_IP" \
	"no-asym" "counter lost_events=0" \
	only
e2e_end
