#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# ARP-spoof lab: an ARP spoofer on the segment (the arpspoof/ettercap pattern).
#
#   client   eth0 10.0.12.100 ──┐
#   gateway  eth0 10.0.12.1   ──┤ sw (bridge br0)
#   attacker eth0 10.0.12.66  ──┘
#
# The client and the gateway are real kernels resolving each other with
# real ARP. The attacker answers every request for 10.0.12.1 right after
# the gateway does (a raw-socket responder: pkt.py arp-race), and sends
# the client ARP replies for 10.0.12.1 nobody asked for. All three MACs are
# locally administered with one prefix, as VMs and containers have: the
# MACs look like one host's NICs, the wire says otherwise.
#
#   1. The client pings the gateway: its request is answered by the
#      gateway and, a moment later, by the attacker (the kernel keeps the
#      first answer).
#   2. Past the kernel's locktime, the attacker's unsolicited reply moves
#      the client's entry for 10.0.12.1 to the attacker's MAC.
#   3. The gateway's entry for the client expires (flushed here) and it
#      pings the client: its ARP request puts the client's entry back.
#   4. The attacker's next unsolicited reply moves it to the attacker again.
#
# fluxtrace on the client: duplicate_ip for 10.0.12.1, several owners (the
# attacker sent replies nobody asked for; the gateway uses the address in
# its own requests), and flip_flop for the client's entry. Nothing else.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=arp-spoof
LAB_VARIANTS="spoof"
LAB_TOOLS=(ping)

CLIENT_IP=10.0.12.100
GW_IP=10.0.12.1
ATTACKER_IP=10.0.12.66
# One locally administered prefix: what VM, container and veth MACs look like.
CLIENT_MAC=02:0c:00:00:00:64
GW_MAC=02:0c:00:00:00:01
ATTACKER_MAC=02:0c:00:00:00:66

lab_describe() {
	cat <<-EOF
	ARP-spoof lab: client $CLIENT_IP ($CLIENT_MAC) and gateway $GW_IP ($GW_MAC) on one switch; an
	attacker ($ATTACKER_MAC) answers every ARP request for $GW_IP after the gateway and sends
	the client unsolicited replies for it. The client's entry for $GW_IP flips.
	EOF
}

lab_trace_points() { echo "client:eth0"; }

lab_setup() {
	lab_switch sw
	lab_ns client
	lab_ns gateway
	lab_ns attacker
	lab_plug sw client eth0 "$CLIENT_MAC"
	lab_plug sw gateway eth0 "$GW_MAC"
	lab_plug sw attacker eth0 "$ATTACKER_MAC"
	lab_addr client eth0 "$CLIENT_IP/24"
	lab_addr gateway eth0 "$GW_IP/24"
	lab_addr attacker eth0 "$ATTACKER_IP/24"
	on client ip route add default via "$GW_IP"

	lab_tmpdir
	local ready="$LAB_TMP/race.ready" life=600 i
	[[ ${FT_KEEP:-0} == 1 ]] && life=86400
	lab_bg attacker race.log "$LAB_PYTHON" "$LAB_PKT" arp-race eth0 --smac "$ATTACKER_MAC" \
		--ip "$GW_IP" --ready "$ready" --timeout "$life"
	for ((i = 0; i < 100; i++)); do
		[[ -e $ready ]] && return 0
		sleep 0.05
	done
	lab_die "the attacker's responder did not start: $(cat "$LAB_TMP/race.log")"
}

# The attacker tells the client, unasked, that the gateway is at its MAC.
poison() {
	pkt attacker arp eth0 --op reply --smac "$ATTACKER_MAC" --sip "$GW_IP" \
		--tip "$CLIENT_IP" --tmac "$CLIENT_MAC"
}

# client_entry: the client's neighbour MAC for the gateway.
client_entry() { on client ip neigh show "$GW_IP" dev eth0 | awk '{print $3}'; }

lab_traffic() {
	on client ping -q -c 1 -W 2 "$GW_IP" >/dev/null || lab_die "ping $GW_IP got no answer"
	# Past the ARP cache's locktime (1 s) and past fluxtrace's window for
	# telling answers from unsolicited replies (2 s).
	sleep 2.5
	poison
	[[ $(client_entry) == "$ATTACKER_MAC" ]] ||
		lab_die "the client's entry did not move to the attacker: $(client_entry)"
	sleep 1.2
	on gateway ip neigh flush dev eth0
	on gateway ping -q -c 1 -W 2 "$CLIENT_IP" >/dev/null ||
		lab_die "the gateway's ping to $CLIENT_IP got no answer"
	[[ $(client_entry) == "$GW_MAC" ]] ||
		lab_die "the gateway's request did not put the client's entry back: $(client_entry)"
	sleep 1.2
	poison
}

lab_main "$@"
