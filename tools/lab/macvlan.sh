#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 9: a host with a macvlan child holding a service address, as a
# container's macvlan network or keepalived's use_vmac builds it.
#
#   client1 eth0 10.0.9.101 ──┐
#   client2 eth0 10.0.9.102 ──┤
#   host    eth0 10.0.9.1   ──┤ sw (bridge br0)
#           mv0  10.0.9.50    │   mv0: macvlan (bridge mode) on eth0, own MAC
#   lan1    eth0 10.0.9.201 ──┤   lan1, lan2: LAN background: they talk to each
#   lan2    eth0 10.0.9.202 ──┘   other; the switch floods their frames everywhere
#
# The host answers ARP only on the interface holding the address
# (arp_ignore=1, arp_announce=2) and sends what comes from 10.0.9.50 out of
# mv0 (a source rule), as keepalived's use_vmac setup does. The clients
# resolve both addresses with real ARP and use TCP, UDP and ping to each.
# fluxtrace on the host, on eth0, on mv0 or on every interface (-i any):
# no finding; frames between lan1 and lan2 are not this host's (counted as
# other_host), frames for mv0's MAC are.
# macvlan (default): mv0 exists before tracing starts.
# churn: mv0 is created while fluxtrace traces with -i any (the lab's
#   traffic creates it when it is missing).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=macvlan
LAB_VARIANTS="macvlan churn"
LAB_TOOLS=(ping)

HOST_IP=10.0.9.1
HOST_MAC=02:09:01:00:00:01
VIP=10.0.9.50
VMAC=02:09:50:00:00:50
CLIENT1_IP=10.0.9.101
CLIENT1_MAC=02:09:65:00:00:65
CLIENT2_IP=10.0.9.102
CLIENT2_MAC=02:09:66:00:00:66
LAN1_IP=10.0.9.201
LAN1_MAC=02:09:c9:00:00:c9
LAN2_IP=10.0.9.202
LAN2_MAC=02:09:ca:00:00:ca
PORT=8080

lab_describe() {
	cat <<-EOF
	Lab 9 ($LAB_VARIANT): host eth0 $HOST_IP ($HOST_MAC) with macvlan mv0 $VIP ($VMAC) on
	it; clients $CLIENT1_IP and $CLIENT2_IP use TCP, UDP and ping to both addresses after real
	ARP; lan1 and lan2 talk to each other in the background (flooded to every port).
	EOF
	[[ $LAB_VARIANT == churn ]] && echo "mv0 is created while fluxtrace traces."
	return 0
}

lab_trace_points() {
	echo "host:eth0"
	[[ $LAB_VARIANT == churn ]] || echo "host:mv0"
	echo "host:any"
}

# lab_vmac: mv0 on the host's eth0 with the service address, its ARP and
# its source route; the switch knows its MAC on the host's port.
lab_vmac() {
	on host ip link add mv0 link eth0 address "$VMAC" type macvlan mode bridge ||
		lab_die "cannot create macvlan mv0"
	lab_sysctl host net.ipv4.conf.mv0.arp_ignore=1 net.ipv4.conf.mv0.arp_announce=2
	LAB_NOPREFIXROUTE=1 lab_addr host mv0 "$VIP/24"
	on host ip link set mv0 up
	on host ip route add 10.0.9.0/24 dev mv0 src "$VIP" table 109
	on host ip rule add from "$VIP" table 109 pref 1000
	on sw bridge fdb replace "$VMAC" dev host.eth0 master static
}

# A LAN host the switch does not learn: every frame to it is flooded, to the
# host's port too (as a switch does once its table has aged out).
lab_lan_host() {
	local role=$1 ip=$2 mac=$3 port="$1.eth0"
	lab_ns "$role"
	lab_veth "$role" eth0 "$mac" sw "$port" "$(lab_port_mac "$mac")"
	on sw ip link set "$port" master br0
	on sw bridge link set dev "$port" learning off
	lab_addr "$role" eth0 "$ip/24"
}

lab_setup() {
	lab_switch sw
	lab_ns host
	lab_ns client1
	lab_ns client2
	lab_plug sw host eth0 "$HOST_MAC"
	lab_plug sw client1 eth0 "$CLIENT1_MAC"
	lab_plug sw client2 eth0 "$CLIENT2_MAC"
	lab_lan_host lan1 "$LAN1_IP" "$LAN1_MAC"
	lab_lan_host lan2 "$LAN2_IP" "$LAN2_MAC"
	lab_sysctl host net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
	lab_addr host eth0 "$HOST_IP/24"
	lab_addr client1 eth0 "$CLIENT1_IP/24"
	lab_addr client2 eth0 "$CLIENT2_IP/24"
	[[ $LAB_VARIANT == churn ]] || lab_vmac
	lab_serve host --tcp "$PORT" --udp "$PORT"
	lab_serve lan2 --tcp "$PORT" --udp "$PORT"
}

# LAN background: lan1 and lan2 resolve each other and talk, frames the
# switch floods to the host's port.
lab_background() {
	on lan1 ping -q -c 3 -i 0.2 -W 2 "$LAN2_IP" >/dev/null || lab_die "lan1: ping failed"
	pkt lan1 tcp "$LAN2_IP" "$PORT" --count 2
	pkt lan1 udp "$LAN2_IP" "$PORT" --count 2
}

# clients ROLE: TCP, UDP and ping to the host's own address and to the VIP.
lab_client() {
	local role=$1 ip
	for ip in "$HOST_IP" "$VIP"; do
		pkt "$role" tcp "$ip" "$PORT" --count 2
		pkt "$role" udp "$ip" "$PORT" --count 2
		on "$role" ping -q -c 2 -i 0.2 -W 2 "$ip" >/dev/null || lab_die "$role: ping $ip failed"
	done
}

lab_traffic() {
	if [[ $LAB_VARIANT == churn ]] && ! on host test -e /sys/class/net/mv0; then
		lab_vmac
		sleep 1	# `run` only: the test waits for fluxtrace to trace mv0
	fi
	lab_background &
	local bg=$!
	lab_client client1
	lab_client client2
	wait "$bg" || lab_die "LAN background traffic failed"
}

lab_main "$@"
