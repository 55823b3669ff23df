#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 8: a forwarding host (router) traced on both its interfaces.
#
#   client eth0 10.0.8.100 ── eth0 10.0.8.1 router eth1 10.0.9.1 ── eth0 10.0.9.10 server
#               10.0.8.101
#   client eth1 10.0.10.100 ────────────── bypass link ────────────── eth1 10.0.10.10 server
#
# The client reaches 10.0.9.0/24 through the router, from either of its
# addresses. The server answers 10.0.8.100 through the router (symmetric),
# but has a host route sending everything for 10.0.8.101 over the bypass
# link. fluxtrace on the router (eth0,eth1): the flows of 10.0.8.100 are
# clean (in eth0/out eth1, back in eth1/out eth0); the flows of 10.0.8.101
# are one_way there: the router only ever sees the requests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=forwarding
LAB_VARIANTS="forwarding"
LAB_TOOLS=(ping)

CLIENT_MAC0=02:08:64:00:00:80
CLIENT_MAC1=02:08:64:00:00:81
ROUTER_MAC0=02:08:01:00:00:80
ROUTER_MAC1=02:08:01:00:00:81
SERVER_MAC0=02:08:10:00:00:80
SERVER_MAC1=02:08:10:00:00:81
SYM_IP=10.0.8.100
BYPASS_IP=10.0.8.101
SERVER_IP=10.0.9.10

lab_describe() {
	cat <<-EOF
	Lab 8: router 10.0.8.1 (eth0) / 10.0.9.1 (eth1) between client and server 10.0.9.10;
	replies to $SYM_IP come back through the router, replies to $BYPASS_IP take a bypass link.
	EOF
}

lab_trace_points() { echo "router:eth0,eth1"; }

lab_setup() {
	lab_ns client
	lab_ns router
	lab_ns server
	lab_veth client eth0 "$CLIENT_MAC0" router eth0 "$ROUTER_MAC0"
	lab_veth router eth1 "$ROUTER_MAC1" server eth0 "$SERVER_MAC0"
	lab_veth client eth1 "$CLIENT_MAC1" server eth1 "$SERVER_MAC1"
	lab_addr client eth0 "$SYM_IP/24" "$BYPASS_IP/24"
	lab_addr client eth1 10.0.10.100/24
	lab_addr router eth0 10.0.8.1/24
	lab_addr router eth1 10.0.9.1/24
	lab_addr server eth0 "$SERVER_IP/24"
	lab_addr server eth1 10.0.10.10/24
	lab_sysctl router net.ipv4.ip_forward=1

	lab_neigh client eth0 10.0.8.1 "$ROUTER_MAC0"
	lab_neigh client eth1 10.0.10.10 "$SERVER_MAC1"
	lab_neigh router eth0 "$SYM_IP" "$CLIENT_MAC0"
	lab_neigh router eth0 "$BYPASS_IP" "$CLIENT_MAC0"
	lab_neigh router eth1 "$SERVER_IP" "$SERVER_MAC0"
	lab_neigh server eth0 10.0.9.1 "$ROUTER_MAC1"
	lab_neigh server eth1 10.0.10.100 "$CLIENT_MAC1"

	on client ip route add 10.0.9.0/24 via 10.0.8.1 dev eth0
	on server ip route add 10.0.8.0/24 via 10.0.9.1 dev eth0
	on server ip route add "$BYPASS_IP/32" via 10.0.10.100 dev eth1
	lab_serve server --tcp 8080 --udp 8080
}

lab_traffic() {
	local from
	for from in "$SYM_IP" "$BYPASS_IP"; do
		pkt client tcp "$SERVER_IP" 8080 --bind "$from" --count 2
		pkt client udp "$SERVER_IP" 8080 --bind "$from" --count 2
		on client ping -q -c 2 -i 0.2 -W 2 -I "$from" "$SERVER_IP" >/dev/null ||
			lab_die "ping from $from failed"
	done
}

lab_main "$@"
