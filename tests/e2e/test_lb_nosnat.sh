#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 2, DNAT without SNAT: the server gets the request from the LB's MAC
# and sends the reply straight to the client's MAC (next_hop_mismatch);
# the LB sees the client's request to the VIP and never its answer
# (one_way).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/lb-nosnat.sh"

e2e_begin nosnat
e2e_trace lb lb eth0
e2e_trace server server eth0
e2e_traffic
e2e_settle
e2e_stop lb server

e2e_check server \
	"asym kind=next_hop_mismatch proto=tcp client.ip=$CLIENT_IP server.ip=$SERVER_IP
	 server.port=$SERVER_PORT request_in=eth0 reply_out=eth0 request_out= reply_in=
	 request_src_macs=$LB_MAC reply_dst_macs=$CLIENT_MAC packets.request=2 packets.reply>=2" \
	"counter lost_events=0" \
	only
# The client's SYNs to the VIP come in and are never answered through the
# LB. Their DNATed copies (client -> server:8080) leave unanswered too; that
# is the same story told by the other half of the NAT, so it may be there.
e2e_check lb \
	"asym kind=one_way proto=tcp client.ip=$CLIENT_IP server.ip=$VIP server.port=$VIP_PORT
	 request_in=eth0 reply_in= reply_out= request_src_macs=$CLIENT_MAC packets.request=2
	 packets.reply=0 reason=syn_unanswered" \
	"allow-asym kind=one_way proto=tcp client.ip=$CLIENT_IP server.ip=$SERVER_IP
	 server.port=$SERVER_PORT request_out=eth0 reply_in= packets.reply=0" \
	"no-flux" "counter lost_events=0" \
	only
e2e_end
