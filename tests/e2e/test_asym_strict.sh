#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 4 with strict rp_filter on the client: the SYN-ACKs arriving on eth1
# are dropped by the kernel (the lab checks IPReversePathFilter), so the
# handshake never completes. fluxtrace sees them reach eth1 before the drop:
# return_path_mismatch, whose hint names the client's strict rp_filter.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/asym-routing.sh"

e2e_begin strict
e2e_trace client client eth0,eth1
e2e_trace server server eth0,eth1
e2e_traffic
e2e_settle
e2e_stop client server

ends="kind=return_path_mismatch proto=tcp client.ip=$CLIENT_IP server.ip=$SERVER_IP"
ends+=" server.port=$SERVICE_PORT"
e2e_check client \
	"asym $ends request_out=eth0 reply_in=eth1 request_dst_macs=$SERVER_MAC0
	 reply_src_macs=$SERVER_MAC1 packets.request=2 packets.reply>=2 hint~=rp_filter.*eth1=1" \
	"no-flux" "counter lost_events=0" \
	only
e2e_check server \
	"asym $ends request_in=eth0 reply_out=eth1 request_src_macs=$CLIENT_MAC0
	 reply_dst_macs=$CLIENT_MAC1 packets.request=2 packets.reply>=2" \
	"no-flux" "counter lost_events=0" \
	only
e2e_end
