#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 4 with strict rp_filter on the client: the SYN-ACKs arriving on eth1
# are dropped by the kernel (the lab checks IPReversePathFilter), so the
# handshake never completes. fluxtrace on the client sees them reach eth1
# and then the kernel drop them (skb:kfree_skb, reason rp_filter): one_way,
# reason reply_dropped_rp_filter, still listing both paths, with a hint
# naming eth1's strict rp_filter. The server, which drops nothing, sees a
# return_path_mismatch.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/asym-routing.sh"

e2e_begin strict
e2e_trace client client eth0,eth1
e2e_trace server server eth0,eth1
e2e_traffic
e2e_settle
e2e_stop client server

# Without the drop tracepoint (an old kernel) the reason cannot be known.
grep -q 'not tracing drops' "$(ft_err client)" &&
	lab_skip "skb:kfree_skb cannot be attached on $(uname -r)"

ends="proto=tcp client.ip=$CLIENT_IP server.ip=$SERVER_IP server.port=$SERVICE_PORT"
e2e_check client \
	"asym kind=one_way reason=reply_dropped_rp_filter $ends
	 request_out=eth0 reply_in=eth1 request_in= reply_out=
	 request_dst_macs=$SERVER_MAC0 reply_src_macs=$SERVER_MAC1
	 packets.request=2 packets.reply>=2
	 drops>=1 drops<=1 drops.*.reason=rp_filter drops.*.interface=eth1 drops.*.side=reply
	 hint~='strict rp_filter' hint~='net\.ipv4\.conf\.eth1\.rp_filter=2' hint~='eth1=1'" \
	"no-flux" "counter lost_events=0" \
	only
e2e_check server \
	"asym kind=return_path_mismatch $ends request_in=eth0 reply_out=eth1
	 request_src_macs=$CLIENT_MAC0 reply_dst_macs=$CLIENT_MAC1
	 packets.request=2 packets.reply>=2 drops=" \
	"no-flux" "counter lost_events=0" \
	only
e2e_end
