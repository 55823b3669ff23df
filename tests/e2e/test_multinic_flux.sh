#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 1, arp_ignore=0: the host answers each ARP request from all three
# interfaces (local_flux) and its replies leave eth0 although the client
# sends to eth4 (return_path_mismatch for every flow). The client sees the
# three MACs of one host answer for each address (duplicate_ip, one_host)
# and replies coming from another MAC than its requests go to
# (next_hop_mismatch).
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
flux_of() {
	printf 'flux kind=local_flux family=ipv4 ip=%s interfaces=eth0,eth3,eth4 macs=%s' \
		"$1" "$host_macs"
}
e2e_check host \
	"$(flux_of "${HOST_IP[eth0]}")" "$(flux_of "${HOST_IP[eth3]}")" "$(flux_of "$SERVICE_IP")" \
	"asym $mismatch proto=tcp server.port=$SERVICE_PORT packets.request>=5 packets.reply>=4" \
	"asym $mismatch proto=udp server.port=$SERVICE_PORT packets.request=2 packets.reply=2" \
	"asym $mismatch proto=icmp packets.request=2 packets.reply=2" \
	"counter lost_events=0" \
	"iface eth0 mac=${HOST_MAC[eth0]}" "iface eth3 mac=${HOST_MAC[eth3]}" \
	"iface eth4 mac=${HOST_MAC[eth4]}" \
	only
# The client sees the same flux from outside: the same three MACs answer
# together for each of the host's addresses and none announces one unasked
# (one host with several NICs), and the replies come from another MAC than
# the one its requests go to.
dup_of() {
	printf 'flux kind=duplicate_ip family=ipv4 ip=%s interfaces=eth0 macs=%s owners=one_host' \
		"$1" "$host_macs"
	printf ' evidence~=shared_addresses announced_by= used_by='
}
client_nh="kind=next_hop_mismatch client.ip=$CLIENT_IP server.ip=$SERVICE_IP"
client_nh+=" request_out=eth0 reply_in=eth0 request_in= reply_out="
client_nh+=" request_dst_macs=${HOST_MAC[eth4]} reply_src_macs=${HOST_MAC[eth0]}"
e2e_check client \
	"$(dup_of "${HOST_IP[eth0]}")" "$(dup_of "${HOST_IP[eth3]}")" "$(dup_of "$SERVICE_IP")" \
	"asym $client_nh proto=tcp server.port=$SERVICE_PORT" \
	"asym $client_nh proto=udp server.port=$SERVICE_PORT" \
	"asym $client_nh proto=icmp" \
	"counter lost_events=0" \
	only
e2e_end
