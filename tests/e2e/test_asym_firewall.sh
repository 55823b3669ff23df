#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 4 with a firewall on the client that drops everything arriving on
# eth1: loose rp_filter would accept the replies, netfilter drops them.
# fluxtrace on the client sees them reach eth1 and the kernel drop them
# (skb:kfree_skb, reason netfilter): one_way, reason reply_dropped_netfilter,
# for TCP and for UDP alike, listing both paths. The server, which drops
# nothing, sees return_path_mismatch.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/asym-routing.sh"

e2e_begin firewall
e2e_trace client client eth0,eth1
e2e_trace server server eth0,eth1
e2e_traffic
e2e_settle
e2e_stop client server

grep -q 'not tracing drops' "$(ft_err client)" &&
	lab_skip "skb:kfree_skb cannot be attached on $(uname -r)"

ends="client.ip=$CLIENT_IP server.ip=$SERVER_IP server.port=$SERVICE_PORT"
at_client="kind=one_way reason=reply_dropped_netfilter $ends request_out=eth0 reply_in=eth1"
at_client+=" request_in= reply_out= request_dst_macs=$SERVER_MAC0 reply_src_macs=$SERVER_MAC1"
at_client+=" drops>=1 drops<=1 drops.*.reason=netfilter drops.*.interface=eth1 drops.*.side=reply"
at_client+=" hint~='netfilter rule or conntrack state INVALID' hint~='iptables/nft'"
at_server="kind=return_path_mismatch $ends request_in=eth0 reply_out=eth1 drops="
e2e_check client \
	"asym $at_client proto=tcp packets.request=2 packets.reply>=2" \
	"asym $at_client proto=udp packets.request=2 packets.reply=2" \
	"no-flux" "counter lost_events=0" \
	only
e2e_check server \
	"asym $at_server proto=tcp packets.request=2 packets.reply>=2" \
	"asym $at_server proto=udp packets.request=2 packets.reply=2" \
	"no-flux" "counter lost_events=0" \
	only
e2e_end
