#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 8: fluxtrace on a router's two interfaces. Flows from 10.0.8.100 are
# forwarded both ways through it (clean); the replies to 10.0.8.101 take a
# bypass link, so the router sees those flows one way only (one_way).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/forwarding.sh"

e2e_begin forwarding
e2e_trace router router eth0,eth1
e2e_traffic
e2e_settle
e2e_stop router

bypass="kind=one_way client.ip=$BYPASS_IP server.ip=$SERVER_IP request_in=eth0 request_out=eth1"
bypass+=" reply_in= reply_out= request_src_macs=$CLIENT_MAC0 request_dst_macs=$SERVER_MAC0"
bypass+=" packets.reply=0"
e2e_check router \
	"asym $bypass proto=tcp server.port=8080 packets.request>=5" \
	"asym $bypass proto=udp server.port=8080 packets.request=2" \
	"asym $bypass proto=icmp packets.request=2" \
	"no-asym client.ip=$SYM_IP" "no-flux" "counter lost_events=0 flows>=8" \
	only
e2e_end
