#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 5 with --filter: four services have one_way findings; scoped to one
# (the closed UDP port), the report holds exactly that finding, with the
# ICMP port unreachable about it (an error is judged by the flow it quotes),
# and the rest of the traffic is counted as out_of_scope.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/unanswered.sh"

e2e_begin unanswered
e2e_trace client client eth0 --filter "host $SERVER_IP and udp and port 9999"
e2e_traffic
e2e_settle
e2e_stop client

e2e_check client \
	"asym kind=one_way client.ip=$CLIENT_IP proto=udp server.ip=$SERVER_IP server.port=9999
	 request_dst_macs=$SERVER_MAC packets.request=2 packets.reply=0
	 icmp_errors.*.type=3 icmp_errors.*.code=3 icmp_errors.*.from=$SERVER_IP" \
	"no-asym server.port=81" "no-asym server.port=53" "no-asym proto=icmp" \
	"no-flux" "counter lost_events=0 out_of_scope>0 flows=1" \
	only
e2e_end
