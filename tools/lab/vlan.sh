#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 7: VLAN-tagged frames, crafted (this kernel may have no 802.1Q
# devices) and written with AF_PACKET on both ends of one cable.
#
#   peer eth0 (02:07:64:00:00:64) ─── host eth0 10.0.7.1 (02:07:01:00:00:01)
#
# Frames, as seen by the host:
#   in  VLAN 100   TCP SYN      10.0.7.100:40000 -> 10.0.7.1:80
#   out VLAN 100   TCP SYN-ACK  10.0.7.1:80 -> 10.0.7.100:40000 (written on
#                  the host's eth0, so it passes the host's egress hook)
#   in  VLAN 100   TCP SYN      10.0.7.100:40002 -> 10.0.7.1:80, unanswered
#   in  QinQ 200/100 DNS query  10.0.7.100:40001 -> 10.0.7.53:53, unanswered
#   in  VLAN 100   gratuitous ARPs for 10.0.7.50 from two different MACs
#   in  VLAN 0     (priority tag) ping 10.0.7.100 -> 10.0.7.1: the kernel
#                  treats it as untagged and answers it, untagged
# fluxtrace on the host: the tagged handshake and the ping are clean;
# one_way for the unanswered SYN (VLAN 100) and the QinQ DNS query (outer
# VLAN 200); duplicate_ip for 10.0.7.50. --events shows the VLAN ids.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=vlan
LAB_VARIANTS="vlan"
LAB_TOOLS=()

HOST_IP=10.0.7.1
HOST_MAC=02:07:01:00:00:01
PEER_IP=10.0.7.100
PEER_MAC=02:07:64:00:00:64
GARP_IP=10.0.7.50
GARP_MAC_A=02:07:aa:00:00:50
GARP_MAC_B=02:07:bb:00:00:50

lab_describe() {
	cat <<-EOF
	Lab 7: tagged frames between peer ($PEER_MAC) and host $HOST_IP ($HOST_MAC): a
	VLAN 100 TCP handshake, an unanswered VLAN 100 SYN, a QinQ 200/100 DNS query, VLAN 100
	gratuitous ARPs for $GARP_IP from two MACs, and a priority-tagged (VLAN 0) ping.
	EOF
}

lab_trace_points() { echo "host:eth0"; }

lab_setup() {
	lab_ns peer
	lab_ns host
	lab_veth peer eth0 "$PEER_MAC" host eth0 "$HOST_MAC"
	lab_addr host eth0 "$HOST_IP/24"
	lab_neigh host eth0 "$PEER_IP" "$PEER_MAC"
}

# tagged ROLE VLANS ARGS...: one crafted IPv4 frame on ROLE's eth0.
tagged() {
	local role=$1 vlans=$2
	shift 2
	pkt "$role" ip eth0 --vlan "$vlans" "$@"
}

lab_traffic() {
	local to_host=(--smac "$PEER_MAC" --dmac "$HOST_MAC" --src "$PEER_IP")
	tagged peer 100 "${to_host[@]}" --dst "$HOST_IP" --proto tcp --sport 40000 --dport 80 \
		--flags S
	tagged host 100 --smac "$HOST_MAC" --dmac "$PEER_MAC" --src "$HOST_IP" --dst "$PEER_IP" \
		--proto tcp --sport 80 --dport 40000 --flags SA
	tagged peer 100 "${to_host[@]}" --dst "$HOST_IP" --proto tcp --sport 40002 --dport 80 \
		--flags S
	tagged peer 200,100 "${to_host[@]}" --dst 10.0.7.53 --proto udp --sport 40001 --dport 53 \
		--dns
	pkt peer garp eth0 --vlan 100 --smac "$GARP_MAC_A" --ip "$GARP_IP"
	pkt peer garp eth0 --vlan 100 --smac "$GARP_MAC_B" --ip "$GARP_IP"
	tagged peer 0 "${to_host[@]}" --dst "$HOST_IP" --proto icmp --sport 7
}

lab_main "$@"
