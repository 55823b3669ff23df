#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 1: a multi-NIC host with three interfaces on one /24 (ARP flux).
#
#   client eth0 10.0.1.100 ──┐
#                            │   sw (bridge br0)
#   host   eth0 10.0.1.10  ──┤   route 10.0.1.0/24 dev eth0 metric 100 (first)
#          eth3 10.0.1.13  ──┤         10.0.1.0/24 dev eth3 metric 103
#          eth4 10.0.1.14  ──┘         10.0.1.0/24 dev eth4 metric 104
#
# flux (default): arp_ignore=0, so each of the client's ARP requests, for
#   10.0.1.10, 10.0.1.13 and 10.0.1.14, gets three answers, one per host
#   interface. The client uses eth4's MAC for 10.0.1.14 (as if that answer
#   had won); the host's replies follow the first /24 route and leave eth0.
#   fluxtrace on the host: local_flux for each address, return_path_mismatch
#   (in eth4, out eth0) for each flow. On the client: duplicate_ip for each
#   address, one_host (the same three MACs answer together for all three
#   addresses, and none announces one unasked), and next_hop_mismatch
#   (requests go to eth4's MAC, replies come from eth0's).
# fixed: arp_ignore=1, arp_announce=2 and one routing table per source
#   address: only eth4 answers, replies leave eth4. fluxtrace: no finding.
# episode: an ARP-flux episode that ends. Built as flux; the client asks
#   for 10.0.1.14 twice a second (all three interfaces answer), then the
#   fix of `fixed` is applied while it goes on asking (only eth4 answers).
#   With --window, local_flux opens, then resolves a window after the fix
#   (EPISODE_FLUX and EPISODE_AFTER seconds, default 3 and 7).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=multinic-arpflux
LAB_VARIANTS="flux fixed episode"
LAB_TOOLS=(ping)

CLIENT_IP=10.0.1.100
CLIENT_MAC=02:01:64:00:00:64
HOST_IFS=(eth0 eth3 eth4)
declare -gA HOST_IP=([eth0]=10.0.1.10 [eth3]=10.0.1.13 [eth4]=10.0.1.14)
# One vendor prefix: three ports of one NIC.
declare -gA HOST_MAC=([eth0]=02:01:01:00:00:10 [eth3]=02:01:01:00:00:13 [eth4]=02:01:01:00:00:14)
SERVICE_IP=10.0.1.14
SERVICE_PORT=8080

lab_describe() {
	cat <<-EOF
	Lab 1 ($LAB_VARIANT): host with eth0/eth3/eth4 on 10.0.1.0/24 behind one switch; client
	10.0.1.100 ARPs for each host address, then talks TCP, UDP and ping to 10.0.1.14 (eth4).
	EOF
	if [[ $LAB_VARIANT == flux ]]; then
		echo "arp_ignore=0: eth0, eth3 and eth4 all answer the ARP; replies leave eth0."
	elif [[ $LAB_VARIANT == episode ]]; then
		echo "arp_ignore=0 for ${EPISODE_FLUX:-3} s of ARP requests, then the fix, then" \
		     "${EPISODE_AFTER:-7} s more: the flux opens and resolves."
	else
		echo "arp_ignore=1, arp_announce=2, source routing: only eth4 answers and replies."
	fi
}

lab_trace_points() { echo "host:eth0,eth3,eth4"; }

lab_setup() {
	lab_switch sw
	lab_ns client
	lab_ns host
	lab_plug sw client eth0 "$CLIENT_MAC"
	lab_addr client eth0 "$CLIENT_IP/24"

	local ifname metric
	for ifname in "${HOST_IFS[@]}"; do
		lab_plug sw host "$ifname" "${HOST_MAC[$ifname]}"
		LAB_NOPREFIXROUTE=1 lab_addr host "$ifname" "${HOST_IP[$ifname]}/24"
		# Explicit metrics: which /24 route wins never depends on the order
		# the kernel happened to add them in.
		metric=$((100 + ${ifname#eth}))
		on host ip route add 10.0.1.0/24 dev "$ifname" src "${HOST_IP[$ifname]}" \
			metric "$metric"
		lab_neigh host "$ifname" "$CLIENT_IP" "$CLIENT_MAC"
	done

	[[ $LAB_VARIANT == fixed ]] && fix_host
	lab_serve host --tcp "$SERVICE_PORT" --udp "$SERVICE_PORT"
}

# The fix for ARP flux: each interface answers only for its own address
# (arp_ignore=1), announces only its own (arp_announce=2), and replies
# leave by the interface of their source address (one table per address).
fix_host() {
	local ifname table
	lab_sysctl host net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
	for ifname in "${HOST_IFS[@]}"; do
		table=$((100 + ${ifname#eth}))
		lab_sysctl host "net.ipv4.conf.$ifname.arp_ignore=1" \
			"net.ipv4.conf.$ifname.arp_announce=2"
		on host ip route add 10.0.1.0/24 dev "$ifname" src "${HOST_IP[$ifname]}" \
			table "$table"
		on host ip rule add from "${HOST_IP[$ifname]}" table "$table" pref "$table"
	done
}

# ask_for_service SECONDS: the client's ARP request for the service
# address twice a second (broadcast: every interface that answers is seen).
ask_for_service() {
	local end=$((SECONDS + $1))
	while ((SECONDS < end)); do
		pkt client arp eth0 --smac "$CLIENT_MAC" --sip "$CLIENT_IP" --tip "$SERVICE_IP"
		sleep 0.5
	done
}

episode_traffic() {
	ask_for_service "${EPISODE_FLUX:-3}"
	fix_host
	lab_log "multinic-arpflux: fixed (arp_ignore=1, arp_announce=2, source routing)"
	ask_for_service "${EPISODE_AFTER:-7}"
}

lab_traffic() {
	[[ $LAB_VARIANT == episode ]] && { episode_traffic; return; }
	# One ARP request per host address, broadcast: every host interface that
	# answers is seen. A host's NICs answer together for all its addresses,
	# which is what tells them from a spoofer racing one owner.
	local ip
	for ip in "${HOST_IP[eth0]}" "${HOST_IP[eth3]}" "$SERVICE_IP"; do
		pkt client arp eth0 --smac "$CLIENT_MAC" --sip "$CLIENT_IP" --tip "$ip"
	done
	# The client settles on eth4's MAC, as it would if eth4's answer came first.
	lab_neigh client eth0 "$SERVICE_IP" "${HOST_MAC[eth4]}"
	pkt client tcp "$SERVICE_IP" "$SERVICE_PORT" --count 2
	pkt client udp "$SERVICE_IP" "$SERVICE_PORT" --count 2
	on client ping -q -c 2 -i 0.2 -W 2 "$SERVICE_IP" >/dev/null ||
		lab_die "ping $SERVICE_IP got no answer"
}

lab_main "$@"
