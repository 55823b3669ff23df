#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 2, DNAT without SNAT: the server gets the request from the LB's MAC
# and sends the reply straight to the client's MAC (next_hop_mismatch);
# the client's kernel resets that SYN-ACK straight back to the server,
# which must not hide the mismatch. The LB sees the client's request to
# the VIP and its DNATed copy leave, and never an answer (one_way, twice).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/lb-nosnat.sh"

e2e_begin nosnat
e2e_trace lb lb eth0
e2e_trace server server eth0
e2e_traffic
e2e_settle
e2e_stop lb server

# The lab's point: a real client resets the SYN-ACK it never asked for,
# and the RST reaches the server from the client's own MAC.
e2e_expect_event server "the client's RST" \
	"tcp $CLIENT_IP:[0-9]+ > $SERVER_IP:$SERVER_PORT \[R\] $CLIENT_MAC > $SERVER_MAC"
e2e_check server \
	"asym kind=next_hop_mismatch proto=tcp client.ip=$CLIENT_IP server.ip=$SERVER_IP
	 server.port=$SERVER_PORT request_in=eth0 reply_out=eth0 request_out= reply_in=
	 request_src_macs=$LB_MAC reply_dst_macs=$CLIENT_MAC packets.request>=2
	 packets.reply>=1" \
	"counter lost_events=0" \
	only
# The client's SYNs to the VIP come in and are never answered through the
# LB; their DNATed copies (client -> server:8080) leave and are never
# answered through it either.
e2e_check lb \
	"asym kind=one_way proto=tcp client.ip=$CLIENT_IP server.ip=$VIP server.port=$VIP_PORT
	 request_in=eth0 request_out= reply_in= reply_out= request_src_macs=$CLIENT_MAC
	 packets.request>=1 packets.reply=0 reason=syn_unanswered" \
	"asym kind=one_way proto=tcp client.ip=$CLIENT_IP server.ip=$SERVER_IP
	 server.port=$SERVER_PORT request_out=eth0 request_in= reply_in= reply_out=
	 request_dst_macs=$SERVER_MAC packets.request>=1 packets.reply=0
	 reason=syn_unanswered" \
	"no-flux" "counter lost_events=0" \
	only
e2e_end
