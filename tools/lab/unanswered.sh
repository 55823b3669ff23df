#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 5: unanswered traffic, beside a normal exchange and a one-way stream.
#
#   client eth0 10.0.5.100 ──┐
#   server eth0 10.0.5.10  ──┤ sw (bridge br0)
#   quiet  eth0 10.0.5.20  ──┤
#   dns    eth0 10.0.5.53  ──┘ (link down: a dead server)
#
# From the client, at once:
#   answered: TCP and UDP echo to 10.0.5.10:8080, ping 10.0.5.10;
#   one-way stream: 20 syslog-style datagrams to 10.0.5.10:514 (a sink);
#   unanswered: a TCP SYN to 10.0.5.10:81 (the server's firewall drops it
#   silently), UDP to 10.0.5.10:9999 (closed: ICMP port unreachable), a
#   ping to 10.0.5.20 (icmp_echo_ignore_all=1), two DNS queries to
#   10.0.5.53:53 (its port is dead: the frames go nowhere).
# fluxtrace on the client: one_way for each of the four unanswered flows
# (the UDP one with its ICMP port unreachable attached), nothing else.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=unanswered
LAB_VARIANTS="unanswered"
LAB_TOOLS=(ping nft)

CLIENT_IP=10.0.5.100
CLIENT_MAC=02:05:64:00:00:64
SERVER_IP=10.0.5.10
SERVER_MAC=02:05:10:00:00:10
QUIET_IP=10.0.5.20
QUIET_MAC=02:05:20:00:00:20
DNS_IP=10.0.5.53
DNS_MAC=02:05:53:00:00:53

lab_describe() {
	cat <<-EOF
	Lab 5: client 10.0.5.100 sends a normal exchange, a syslog-style stream, and four
	requests nobody answers: SYN to a silent firewall (10.0.5.10:81), UDP to a closed port
	(10.0.5.10:9999), ping to a host ignoring pings (10.0.5.20), DNS to a dead server
	(10.0.5.53).
	EOF
}

lab_trace_points() { echo "client:eth0"; }

lab_setup() {
	lab_switch sw
	local role
	for role in client server quiet dns; do
		lab_ns "$role"
	done
	lab_plug sw client eth0 "$CLIENT_MAC"
	lab_plug sw server eth0 "$SERVER_MAC"
	lab_plug sw quiet eth0 "$QUIET_MAC"
	lab_plug sw dns eth0 "$DNS_MAC"
	lab_addr client eth0 "$CLIENT_IP/24"
	lab_addr server eth0 "$SERVER_IP/24"
	lab_addr quiet eth0 "$QUIET_IP/24"
	lab_addr dns eth0 "$DNS_IP/24"
	lab_neigh client eth0 "$SERVER_IP" "$SERVER_MAC"
	lab_neigh client eth0 "$QUIET_IP" "$QUIET_MAC"
	lab_neigh client eth0 "$DNS_IP" "$DNS_MAC"
	lab_neigh server eth0 "$CLIENT_IP" "$CLIENT_MAC"
	lab_neigh quiet eth0 "$CLIENT_IP" "$CLIENT_MAC"
	# Powered off: its switch port has no carrier, the switch drops what
	# is sent to it.
	on dns ip link set eth0 down

	lab_sysctl quiet net.ipv4.icmp_echo_ignore_all=1
	on server nft -f - <<-EOF
	table inet lab {
		chain input {
			type filter hook input priority filter; policy accept;
			tcp dport 81 drop
		}
	}
	EOF
	lab_serve server --tcp 8080 --udp 8080 --sink 514
}

lab_traffic() {
	local pids=() pid fail=0
	pkt client tcp "$SERVER_IP" 81 --expect timeout --timeout 1.3 & pids+=($!)
	pkt client udp "$SERVER_IP" 9999 --expect none --count 2 & pids+=($!)
	pkt client udp "$DNS_IP" 53 --dns --expect none --count 2 --gap 0.3 & pids+=($!)
	{ ! on client ping -q -c 2 -i 0.2 -W 1 "$QUIET_IP" >/dev/null ||
		lab_die "$QUIET_IP answered a ping"; } & pids+=($!)
	pkt client udp "$SERVER_IP" 514 --expect none --count 20 --gap 0.02 & pids+=($!)
	pkt client tcp "$SERVER_IP" 8080 --count 2
	pkt client udp "$SERVER_IP" 8080 --count 2
	on client ping -q -c 2 -i 0.2 -W 2 "$SERVER_IP" >/dev/null ||
		lab_die "ping $SERVER_IP failed"
	for pid in "${pids[@]}"; do
		wait "$pid" || fail=1
	done
	[[ $fail -eq 0 ]] || lab_die "the traffic did not behave as the lab expects"
}

lab_main "$@"
