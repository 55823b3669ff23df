#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 10: next hops that never answer ARP/NDP, beside a healthy server.
#
#   client eth0 10.0.9.100 fd00:9::100 ──┐
#   server eth0 10.0.9.10  fd00:9::10  ──┤ sw (bridge br0)
#   lan    eth0 10.0.9.50  fd00:9::50  ──┤   (another host: LAN noise)
#   peer   eth0 10.0.9.30  fd00:9::30  ──┘   (link down: an on-link peer that is off)
#
#   The client routes 10.77.0.0/24 via 10.0.9.254 and fd00:77::/64 via
#   fd00:9::fe: a gateway that is configured but that no host answers for.
#
# Real ARP and NDP everywhere (no static neighbour entries): that is what
# the lab is about. From the client, at once: TCP to 10.77.0.5:80 and
# [fd00:77::5]:80 (through the dead gateway: "No route to host" after the
# kernel gives up resolving it), a ping to 10.0.9.30 and fd00:9::30 (the
# peer that is off), and TCP, UDP and ping to the healthy server over both
# families. The lan host talks to the server and asks for the dead
# gateway too (its requests cross the client's port: not the client's).
# fluxtrace on the client: unresolved_neighbor for 10.0.9.254, fd00:9::fe
# (each with the TCP flow through it), 10.0.9.30 and fd00:9::30 (each with
# its ping); nothing about the server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=unresolved
LAB_VARIANTS="unresolved"
LAB_TOOLS=(ping)

CLIENT_IP=10.0.9.100
CLIENT_IP6=fd00:9::100
CLIENT_MAC=02:09:64:00:00:64
SERVER_IP=10.0.9.10
SERVER_IP6=fd00:9::10
SERVER_MAC=02:09:10:00:00:10
LAN_IP=10.0.9.50
LAN_IP6=fd00:9::50
LAN_MAC=02:09:50:00:00:50
PEER_IP=10.0.9.30
PEER_IP6=fd00:9::30
PEER_MAC=02:09:30:00:00:30
GW_IP=10.0.9.254
GW_IP6=fd00:9::fe
REMOTE_IP=10.77.0.5
REMOTE_IP6=fd00:77::5

lab_describe() {
	cat <<-EOF
	Lab 10: client 10.0.9.100/fd00:9::100 routes 10.77.0.0/24 and fd00:77::/64 via a gateway
	nobody answers for (10.0.9.254, fd00:9::fe) and pings a peer that is off (10.0.9.30,
	fd00:9::30), while TCP, UDP and ping to the server 10.0.9.10/fd00:9::10 work.
	EOF
}

lab_trace_points() { echo "client:eth0"; }

lab_setup() {
	lab_switch sw
	local role
	for role in client server lan peer; do
		lab_ns "$role" ipv6
	done
	lab_plug sw client eth0 "$CLIENT_MAC"
	lab_plug sw server eth0 "$SERVER_MAC"
	lab_plug sw lan eth0 "$LAN_MAC"
	lab_plug sw peer eth0 "$PEER_MAC"
	lab_addr client eth0 "$CLIENT_IP/24" "$CLIENT_IP6/64"
	lab_addr server eth0 "$SERVER_IP/24" "$SERVER_IP6/64"
	lab_addr lan eth0 "$LAN_IP/24" "$LAN_IP6/64"
	lab_addr peer eth0 "$PEER_IP/24" "$PEER_IP6/64"
	on client ip route add 10.77.0.0/24 via "$GW_IP" dev eth0
	on client ip -6 route add fd00:77::/64 via "$GW_IP6" dev eth0
	on lan ip route add 10.77.0.0/24 via "$GW_IP" dev eth0
	# Powered off: its switch port has no carrier, nothing reaches it.
	on peer ip link set eth0 down
	lab_serve server --tcp 8080 --udp 8080
}

# A connection through the dead gateway: the kernel gives up resolving it
# and the connect fails with "No route to host" (EHOSTUNREACH), not a
# timeout.
lab_connect_unreachable() {
	local role=$1 host=$2 out
	out=$(on "$role" timeout 15 "$LAB_PYTHON" - "$host" <<-'EOF' 2>&1
	import errno, socket, sys
	host = sys.argv[1]
	s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
	s.settimeout(10)
	try:
	    s.connect((host, 80))
	except OSError as e:
	    print(errno.errorcode.get(e.errno, e.errno) if e.errno else type(e).__name__)
	    sys.exit(0)
	print("connected")
	EOF
	) || true
	[[ $out == EHOSTUNREACH ]] || lab_die "connect to $host: expected EHOSTUNREACH, got '$out'"
}

lab_traffic() {
	local pids=() pid fail=0
	lab_connect_unreachable client "$REMOTE_IP" & pids+=($!)
	lab_connect_unreachable client "$REMOTE_IP6" & pids+=($!)
	{ ! on client ping -q -c 1 -W 5 "$PEER_IP" >/dev/null ||
		lab_die "$PEER_IP answered"; } & pids+=($!)
	{ ! on client ping -6 -q -c 1 -W 5 "$PEER_IP6" >/dev/null ||
		lab_die "$PEER_IP6 answered"; } & pids+=($!)
	# LAN noise: another host uses the server and asks for the dead gateway.
	on lan ping -q -c 2 -i 0.2 -W 2 "$SERVER_IP" >/dev/null & pids+=($!)
	{ ! on lan ping -q -c 1 -W 4 "$REMOTE_IP" >/dev/null ||
		lab_die "$REMOTE_IP answered the lan host"; } & pids+=($!)
	pkt client tcp "$SERVER_IP" 8080 --count 2
	pkt client tcp "$SERVER_IP6" 8080 --count 2
	pkt client udp "$SERVER_IP" 8080 --count 2
	pkt client udp "$SERVER_IP6" 8080 --count 2
	on client ping -q -c 2 -i 0.2 -W 2 "$SERVER_IP" >/dev/null ||
		lab_die "ping $SERVER_IP failed"
	on client ping -6 -q -c 2 -i 0.2 -W 2 "$SERVER_IP6" >/dev/null ||
		lab_die "ping $SERVER_IP6 failed"
	for pid in "${pids[@]}"; do
		wait "$pid" || fail=1
	done
	[[ $fail -eq 0 ]] || lab_die "the traffic did not behave as the lab expects"
}

lab_main "$@"
