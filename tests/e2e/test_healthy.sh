#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 6: TCP, UDP and ping over IPv4 and IPv6, all answered on the path
# they came: no finding on either host, no lost event, every flow counted.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/healthy.sh"

e2e_begin healthy
e2e_trace client client eth0
e2e_trace server server eth0
e2e_traffic
e2e_settle
e2e_stop client server

# 5 TCP connections, 2 UDP sockets, 2 pings: 9 flows.
for side in client server; do
	mac=$CLIENT_MAC
	[[ $side == server ]] && mac=$SERVER_MAC
	e2e_check "$side" "no-asym" "no-flux" "counter lost_events=0 flows>=9 packets>=60" \
		"iface eth0 mac=$mac hooks~=tc_ingress,tc_egress"
done
e2e_end
