#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 2: a one-armed load balancer that DNATs without SNAT.
#
#   client eth0 10.0.2.100 ──┐
#   lb     eth0 10.0.2.2   ──┤ sw (bridge br0)   lb: VIP 10.0.2.50:80 -> DNAT 10.0.2.10:8080
#          VIP  10.0.2.50    │
#   server eth0 10.0.2.10  ──┘
#
# nosnat (default): the server sees the client's own address, which is on
#   its LAN, so it answers the client directly instead of through the LB.
#   The client's kernel never opened a connection to 10.0.2.10:8080: it
#   answers that SYN-ACK with a RST, sent straight to the server, as every
#   real client does, and retransmits its SYN to the VIP; the connection
#   never comes up. fluxtrace on the server: next_hop_mismatch (request
#   from the LB's MAC, reply to the client's MAC; the client's RST is its
#   reaction, not a request path); on the LB: one_way for client -> VIP:80
#   and for its DNATed copy client -> 10.0.2.10:8080.
# Every address is resolved by real ARP: nothing in the lab is static but
# the switch's FDB.
# route: the server routes the client via the LB (host route): clean.
# snat:  the LB also SNATs to its own address: clean.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=lb-nosnat
LAB_VARIANTS="nosnat route snat"
LAB_TOOLS=(nft)

CLIENT_IP=10.0.2.100
CLIENT_MAC=02:02:64:00:00:64
LB_IP=10.0.2.2
LB_MAC=02:02:02:00:00:02
VIP=10.0.2.50
VIP_PORT=80
SERVER_IP=10.0.2.10
SERVER_MAC=02:02:10:00:00:10
SERVER_PORT=8080

lab_describe() {
	cat <<-EOF
	Lab 2 ($LAB_VARIANT): client 10.0.2.100, load balancer 10.0.2.2 and server 10.0.2.10 on one
	LAN; the LB DNATs VIP 10.0.2.50:80 to 10.0.2.10:8080.
	EOF
	case $LAB_VARIANT in
	nosnat) echo "No SNAT: the server answers the client directly, bypassing the LB." ;;
	route) echo "The server routes the client through the LB: replies return via the LB." ;;
	snat) echo "The LB SNATs to 10.0.2.2: replies return via the LB." ;;
	esac
}

lab_trace_points() {
	echo "lb:eth0"
	echo "server:eth0"
}

lab_setup() {
	lab_switch sw
	lab_ns client
	lab_ns lb
	lab_ns server
	lab_plug sw client eth0 "$CLIENT_MAC"
	lab_plug sw lb eth0 "$LB_MAC"
	lab_plug sw server eth0 "$SERVER_MAC"
	lab_addr client eth0 "$CLIENT_IP/24"
	lab_addr lb eth0 "$LB_IP/24" "$VIP/32"
	lab_addr server eth0 "$SERVER_IP/24"

	lab_sysctl lb net.ipv4.ip_forward=1
	local snat=""
	[[ $LAB_VARIANT == snat ]] &&
		snat="ip daddr $SERVER_IP tcp dport $SERVER_PORT snat to $LB_IP"
	on lb nft -f - <<-EOF
	table ip lab {
		chain prerouting {
			type nat hook prerouting priority dstnat;
			ip daddr $VIP tcp dport $VIP_PORT dnat to $SERVER_IP:$SERVER_PORT
		}
		chain postrouting {
			type nat hook postrouting priority srcnat;
			$snat
		}
	}
	EOF

	[[ $LAB_VARIANT == route ]] && on server ip route add "$CLIENT_IP/32" via "$LB_IP" dev eth0
	lab_serve server --tcp "$SERVER_PORT"
}

lab_traffic() {
	if [[ $LAB_VARIANT == nosnat ]]; then
		# SYN at 0 s and its retransmission at 1 s; each draws a SYN-ACK
		# straight from the server, which the client's kernel resets.
		pkt client tcp "$VIP" "$VIP_PORT" --expect timeout --timeout 1.3
	else
		pkt client tcp "$VIP" "$VIP_PORT" --count 2
	fi
}

lab_main "$@"
