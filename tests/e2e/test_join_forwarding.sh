#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 8 on the router and the server at once: the router forwards the
# requests of 10.0.8.101 and never sees a reply (one_way); the server gets
# them from the router and answers over the bypass link
# (return_path_mismatch). Joined: one return_path_around naming the router
# as bypassed and the server's two interfaces, for the TCP, UDP and ICMP
# flows (flows>=3). The flows of 10.0.8.100 go through the router both
# ways: nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/forwarding.sh"

e2e_begin forwarding
e2e_trace router router eth0,eth1
e2e_trace server server eth0,eth1
e2e_traffic
e2e_settle
e2e_stop router server

for tag in router server; do
	e2e_check "$tag" allow-asym allow-flux "no-asym client.ip=$SYM_IP" "counter lost_events=0"
done
e2e_join joined router server
e2e_check_join joined \
	"corr kind=return_path_around client.ip=$BYPASS_IP server.ip=$SERVER_IP flows>=3
	 parts=router/bypassed/eth0+eth1/$ROUTER_MAC0+$ROUTER_MAC1,server/server/eth0+eth1/$SERVER_MAC0+$SERVER_MAC1
	 summary~='pass router \(eth0,eth1\) but their replies never do: server sends them on eth1'" \
	only
e2e_end
