#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 4, flap: both ends move one UDP flow from path A (eth0) to path B
# (eth1) half-way through: each direction is seen on two interfaces
# (multipath) on both ends, and nothing else.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/asym-routing.sh"

e2e_begin flap
e2e_trace client client eth0,eth1
e2e_trace server server eth0,eth1
e2e_traffic
e2e_stop client server

flow="kind=multipath proto=udp client.ip=$CLIENT_IP client.port=40404 server.ip=$SERVER_IP"
flow+=" server.port=$SERVICE_PORT packets.request=4 packets.reply=4"
e2e_check client \
	"asym $flow request_out=eth0,eth1 reply_in=eth0,eth1" \
	"no-flux" "counter lost_events=0" \
	only
e2e_check server \
	"asym $flow request_in=eth0,eth1 reply_out=eth0,eth1
	 request_src_macs=$CLIENT_MAC0,$CLIENT_MAC1 reply_dst_macs=$CLIENT_MAC0,$CLIENT_MAC1" \
	"no-flux" "counter lost_events=0" \
	only
e2e_end
