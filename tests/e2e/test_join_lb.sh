#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 2 on three hosts at once: the client, the balancer (DNAT, no SNAT)
# and the real server each record a trace; joined, they tell one story:
# the balancer forwards client -> VIP:80 to the server's 8080, and the
# server answers straight to the client's MAC (nat_return_bypass, naming
# all three). Nothing else is correlated: the balancer's two one_way
# flows and the server's next_hop_mismatch are that story's parts.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/lb-nosnat.sh"

e2e_begin nosnat
e2e_trace client client eth0
e2e_trace lb lb eth0
e2e_trace server server eth0
e2e_traffic
e2e_settle
e2e_stop client lb server

# Each host replayed alone gives its live findings and hints (the trace
# carries the routes and sysctls the hints quote).
for tag in client lb server; do
	e2e_check "$tag" allow-asym allow-flux "counter lost_events=0"
done
e2e_join joined lb server client
e2e_check_join joined \
	"corr kind=nat_return_bypass proto=tcp client.ip=$CLIENT_IP vip.ip=$VIP vip.port=$VIP_PORT
	 server.ip=$SERVER_IP server.port=$SERVER_PORT reply_mac=$CLIENT_MAC
	 reply_mac_host=client flows>=1
	 parts=lb/balancer/eth0/$LB_MAC,server/server/eth0/$SERVER_MAC,client/client/eth0/$CLIENT_MAC
	 summary~='Balancer lb ' summary~='without SNAT'" \
	only
# A CI gate on the joined story: the correlated kind counts like any other.
e2e_join_fail_on joined nat_return_bypass 3
e2e_join_fail_on joined return_path_around,duplicate_ip_owners,local_flux 0
# Two of the three are enough for the story: the client is then named by
# its MAC only.
e2e_join pair lb server
e2e_check_join pair \
	"corr kind=nat_return_bypass client.ip=$CLIENT_IP vip.ip=$VIP server.ip=$SERVER_IP
	 reply_mac=$CLIENT_MAC reply_mac_host=None
	 parts=lb/balancer/eth0/$LB_MAC,server/server/eth0/$SERVER_MAC" \
	only
e2e_end
