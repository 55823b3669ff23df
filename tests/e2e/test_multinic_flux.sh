#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 1, arp_ignore=0: the host answers one ARP request from all three
# interfaces (local_flux) and its replies leave eth0 although the client
# sends to eth4 (return_path_mismatch for every flow). The client sees
# three MACs of one host answer for 10.0.1.14 (duplicate_ip) and replies
# coming from another MAC than its requests go to (next_hop_mismatch).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/multinic-arpflux.sh"

e2e_begin flux
e2e_trace host host eth0,eth3,eth4
e2e_trace client client eth0
e2e_traffic
e2e_stop host client

host_macs="${HOST_MAC[eth0]},${HOST_MAC[eth3]},${HOST_MAC[eth4]}"
mismatch="kind=return_path_mismatch client.ip=$CLIENT_IP server.ip=$SERVICE_IP"
mismatch+=" request_in=eth4 request_out= reply_in= reply_out=eth0"
mismatch+=" request_src_macs=$CLIENT_MAC reply_dst_macs=$CLIENT_MAC"
e2e_check host \
	"flux kind=local_flux family=ipv4 ip=$SERVICE_IP interfaces=eth0,eth3,eth4
	 macs=$host_macs" \
	"asym $mismatch proto=tcp server.port=$SERVICE_PORT packets.request>=5 packets.reply>=4" \
	"asym $mismatch proto=udp server.port=$SERVICE_PORT packets.request=2 packets.reply=2" \
	"asym $mismatch proto=icmp packets.request=2 packets.reply=2" \
	"counter lost_events=0" \
	"iface eth0 mac=${HOST_MAC[eth0]}" "iface eth3 mac=${HOST_MAC[eth3]}" \
	"iface eth4 mac=${HOST_MAC[eth4]}" \
	only
# The client sees the same flux from outside: three MACs answer for one
# address at the same instant (one host with several NICs), and the replies
# come from another MAC than the one its requests go to.
client_nh="kind=next_hop_mismatch client.ip=$CLIENT_IP server.ip=$SERVICE_IP"
client_nh+=" request_out=eth0 reply_in=eth0 request_in= reply_out="
client_nh+=" request_dst_macs=${HOST_MAC[eth4]} reply_src_macs=${HOST_MAC[eth0]}"
e2e_check client \
	"flux kind=duplicate_ip family=ipv4 ip=$SERVICE_IP interfaces=eth0 macs=$host_macs
	 owners=one_host" \
	"asym $client_nh proto=tcp server.port=$SERVICE_PORT" \
	"asym $client_nh proto=udp server.port=$SERVICE_PORT" \
	"asym $client_nh proto=icmp" \
	"counter lost_events=0" \
	only
e2e_end
