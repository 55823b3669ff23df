#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 4: requests take path A (eth0), the server's policy rule sends the
# replies over path B (eth1): return_path_mismatch on both ends, for TCP,
# UDP and ICMP alike.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/asym-routing.sh"

e2e_begin asym
e2e_trace client client eth0,eth1
e2e_trace server server eth0,eth1
e2e_traffic
e2e_stop client server

ends="kind=return_path_mismatch client.ip=$CLIENT_IP server.ip=$SERVER_IP"
at_client="$ends request_out=eth0 reply_in=eth1 request_in= reply_out="
at_client+=" request_dst_macs=$SERVER_MAC0 reply_src_macs=$SERVER_MAC1"
at_server="$ends request_in=eth0 reply_out=eth1 request_out= reply_in="
at_server+=" request_src_macs=$CLIENT_MAC0 reply_dst_macs=$CLIENT_MAC1"
e2e_check client \
	"asym $at_client proto=tcp server.port=$SERVICE_PORT" \
	"asym $at_client proto=udp server.port=$SERVICE_PORT packets.request=1 packets.reply=1" \
	"asym $at_client proto=icmp packets.request=1 packets.reply=1" \
	"no-flux" "counter lost_events=0" \
	only
# The hint names the route the kernel really uses for the replies: the one
# in table 42, chosen by the source rule.
e2e_check server \
	"asym $at_server proto=tcp server.port=$SERVICE_PORT
	 hint~='$CLIENT_IP/32 via 10\.0\.42\.1 dev eth1 table 42'" \
	"asym $at_server proto=udp server.port=$SERVICE_PORT packets.request=1 packets.reply=1" \
	"asym $at_server proto=icmp packets.request=1 packets.reply=1" \
	"no-flux" "counter lost_events=0" \
	only
e2e_end
