#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 5: four kinds of unanswered request, each one_way (the UDP one with
# its ICMP port unreachable attached); the answered TCP, UDP and ping beside
# them, and the syslog-style one-way stream, are not findings.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/unanswered.sh"

e2e_begin unanswered
e2e_trace client client eth0
e2e_traffic
e2e_settle
e2e_stop client

# This host is the client: the route its hint quotes must not be the
# client's own local route (that says nothing about the way back).
from="kind=one_way client.ip=$CLIENT_IP request_out=eth0 reply_in= request_in= reply_out="
from+=" hint!~'local 10\.0\.5\.100/32'"
e2e_check client \
	"asym $from proto=tcp server.ip=$SERVER_IP server.port=81 request_dst_macs=$SERVER_MAC
	 packets.request=2 packets.reply=0 icmp_errors=" \
	"asym $from proto=udp server.ip=$SERVER_IP server.port=9999 request_dst_macs=$SERVER_MAC
	 packets.request=2 packets.reply=0 icmp_errors.*.type=3 icmp_errors.*.code=3
	 icmp_errors.*.from=$SERVER_IP" \
	"asym $from proto=icmp server.ip=$QUIET_IP request_dst_macs=$QUIET_MAC
	 packets.request=2 packets.reply=0 icmp_errors=" \
	"asym $from proto=udp server.ip=$DNS_IP server.port=53 request_dst_macs=$DNS_MAC
	 packets.request=2 packets.reply=0 icmp_errors=" \
	"no-asym server.port=514" "no-asym server.port=8080" \
	"no-flux" "counter lost_events=0" \
	only
e2e_end
