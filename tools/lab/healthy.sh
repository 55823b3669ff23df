#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 6: a healthy pair of hosts: everything answered, on the path it came.
#
#   client eth0 10.0.6.100 fd00:6::100 ─── server eth0 10.0.6.10 fd00:6::10
#
# TCP (three connections over IPv4, two over IPv6), UDP request/response
# over both families, ping and ping -6. fluxtrace on both hosts: no
# finding, no lost event.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=healthy
LAB_VARIANTS="healthy"
LAB_TOOLS=(ping)

CLIENT_MAC=02:06:64:00:00:64
SERVER_MAC=02:06:10:00:00:10

lab_describe() {
	cat <<-EOF
	Lab 6: client 10.0.6.100/fd00:6::100 and server 10.0.6.10/fd00:6::10 on one cable:
	TCP, UDP and ping over IPv4 and IPv6, all answered.
	EOF
}

lab_trace_points() {
	echo "client:eth0"
	echo "server:eth0"
}

lab_setup() {
	lab_ns client ipv6
	lab_ns server ipv6
	lab_veth client eth0 "$CLIENT_MAC" server eth0 "$SERVER_MAC"
	lab_addr client eth0 10.0.6.100/24 fd00:6::100/64
	lab_addr server eth0 10.0.6.10/24 fd00:6::10/64
	lab_neigh client eth0 10.0.6.10 "$SERVER_MAC"
	lab_neigh client eth0 fd00:6::10 "$SERVER_MAC"
	lab_neigh server eth0 10.0.6.100 "$CLIENT_MAC"
	lab_neigh server eth0 fd00:6::100 "$CLIENT_MAC"
	lab_serve server --tcp 8080 --udp 8080
}

lab_traffic() {
	pkt client tcp 10.0.6.10 8080 --count 3
	pkt client tcp fd00:6::10 8080 --count 2
	pkt client udp 10.0.6.10 8080 --count 3
	pkt client udp fd00:6::10 8080 --count 3
	on client ping -q -c 2 -i 0.2 -W 2 10.0.6.10 >/dev/null || lab_die "ping 10.0.6.10 failed"
	on client ping -6 -q -c 2 -i 0.2 -W 2 fd00:6::10 >/dev/null ||
		lab_die "ping fd00:6::10 failed"
}

lab_main "$@"
