#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 4: asymmetric routing: two paths between client and server, and a
# policy rule on the server that sends its replies over the other one.
#
#   client eth0 10.0.41.1 ─── path A ─── 10.0.41.2 eth0 server
#   client eth1 10.0.42.1 ─── path B ─── 10.0.42.2 eth1 server
#   client 10.0.40.100 (lo)              10.0.40.10 (lo) server, TCP/UDP 8080
#
# The client reaches 10.0.40.10 via path A. The server's main table agrees
# (10.0.40.100 via path A), but `ip rule from 10.0.40.10 lookup 42` sends
# everything from the service address via path B.
# asym (default): client rp_filter=2 (loose) accepts the replies on eth1.
#   fluxtrace: return_path_mismatch on the client (request out eth0, reply
#   in eth1) and on the server (request in eth0, reply out eth1).
# strict: client rp_filter=1 drops the replies arriving on eth1 (counter
#   IPReversePathFilter): nothing connects. fluxtrace on the client sees the
#   replies reach eth1 and the kernel drop them there (skb:kfree_skb), so it
#   reports one_way with reason reply_dropped_rp_filter (listing both paths)
#   and eth1's rp_filter=1 in the hint; the server sees return_path_mismatch.
# flap: no policy rule; both ends move their routes from path A to path B
#   in the middle of one UDP flow (as a bond or ECMP change does), so each
#   direction of that flow is seen on eth0 and then on eth1: multipath on
#   both ends, and no return_path_mismatch (each reply takes the way its
#   request came).
# firewall: client rp_filter=2, but the client's firewall admits nothing on
#   eth1 (an nft rule, as a per-interface firewall zone would): the replies
#   are dropped by netfilter, so TCP and UDP go unanswered. fluxtrace on the
#   client: one_way with reason reply_dropped_netfilter for both; the server
#   sees return_path_mismatch.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=asym-routing
LAB_VARIANTS="asym strict flap firewall"
LAB_TOOLS=(ping nstat nft)

CLIENT_IP=10.0.40.100
SERVER_IP=10.0.40.10
SERVICE_PORT=8080
CLIENT_MAC0=02:04:64:00:00:40
CLIENT_MAC1=02:04:64:00:00:41
SERVER_MAC0=02:04:10:00:00:40
SERVER_MAC1=02:04:10:00:00:41

lab_describe() {
	cat <<-EOF
	Lab 4 ($LAB_VARIANT): client $CLIENT_IP and server $SERVER_IP joined by path A (eth0) and
	path B (eth1); requests take A.
	EOF
	case $LAB_VARIANT in
	asym) echo "Client rp_filter=2 (loose): the replies arriving on eth1 are accepted." ;;
	strict) echo "Client rp_filter=1 (strict): the replies arriving on eth1 are dropped." ;;
	flap) echo "No policy rule: both ends move from path A to path B in mid-flow." ;;
	firewall) echo "Client rp_filter=2, but its firewall drops everything arriving on eth1." ;;
	esac
}

lab_trace_points() {
	echo "client:eth0,eth1"
	echo "server:eth0,eth1"
}

lab_setup() {
	lab_ns client
	lab_ns server
	lab_veth client eth0 "$CLIENT_MAC0" server eth0 "$SERVER_MAC0"
	lab_veth client eth1 "$CLIENT_MAC1" server eth1 "$SERVER_MAC1"
	lab_addr client eth0 10.0.41.1/24
	lab_addr client eth1 10.0.42.1/24
	lab_addr server eth0 10.0.41.2/24
	lab_addr server eth1 10.0.42.2/24
	lab_addr client lo "$CLIENT_IP/32"
	lab_addr server lo "$SERVER_IP/32"
	lab_neigh client eth0 10.0.41.2 "$SERVER_MAC0"
	lab_neigh client eth1 10.0.42.2 "$SERVER_MAC1"
	lab_neigh server eth0 10.0.41.1 "$CLIENT_MAC0"
	lab_neigh server eth1 10.0.42.1 "$CLIENT_MAC1"

	on client ip route add "$SERVER_IP/32" via 10.0.41.2 dev eth0 src "$CLIENT_IP"
	on server ip route add "$CLIENT_IP/32" via 10.0.41.1 dev eth0 src "$SERVER_IP"
	if [[ $LAB_VARIANT != flap ]]; then
		on server ip route add "$CLIENT_IP/32" via 10.0.42.1 dev eth1 src "$SERVER_IP" \
			table 42
		on server ip rule add from "$SERVER_IP" lookup 42 pref 42
	fi

	# The effective value is the maximum of "all" and the interface's own.
	local rpf=2
	[[ $LAB_VARIANT == strict ]] && rpf=1
	lab_sysctl client "net.ipv4.conf.all.rp_filter=$rpf" "net.ipv4.conf.eth0.rp_filter=$rpf" \
		"net.ipv4.conf.eth1.rp_filter=$rpf"
	if [[ $LAB_VARIANT == firewall ]]; then
		on client nft -f - <<-EOF || lab_die "cannot add the client's firewall rule"
		table inet ftlab {
			chain input {
				type filter hook input priority 0; policy accept;
				iifname "eth1" counter drop
			}
		}
		EOF
	fi
	lab_serve server --tcp "$SERVICE_PORT" --udp "$SERVICE_PORT"
}

# Packets the client's firewall rule dropped.
firewall_drops() {
	on client nft list chain inet ftlab input |
		awk '/counter packets/ {
			for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1)
		}'
}

rpfilter_drops() {
	on client nstat -saz TcpExtIPReversePathFilter |
		awk '$1 == "TcpExtIPReversePathFilter" { print $2 }'
}

# Both ends switch to path B, as one link of a bond going away would make them.
move_to_path_b() {
	on client ip route replace "$SERVER_IP/32" via 10.0.42.2 dev eth1 src "$CLIENT_IP"
	on server ip route replace "$CLIENT_IP/32" via 10.0.42.1 dev eth1 src "$SERVER_IP"
}

lab_traffic() {
	if [[ $LAB_VARIANT == flap ]]; then
		# One UDP flow (fixed source port): two exchanges on A, two on B.
		pkt client udp "$SERVER_IP" "$SERVICE_PORT" --sport 40404 --count 2
		move_to_path_b
		pkt client udp "$SERVER_IP" "$SERVICE_PORT" --sport 40404 --count 2
		# Back to path A, so that traffic can be sent again.
		on client ip route replace "$SERVER_IP/32" via 10.0.41.2 dev eth0 src "$CLIENT_IP"
		on server ip route replace "$CLIENT_IP/32" via 10.0.41.1 dev eth0 src "$SERVER_IP"
		return
	fi
	if [[ $LAB_VARIANT == asym ]]; then
		pkt client tcp "$SERVER_IP" "$SERVICE_PORT" --count 2
		pkt client udp "$SERVER_IP" "$SERVICE_PORT"
		on client ping -q -c 1 -W 2 "$SERVER_IP" >/dev/null || lab_die "ping got no answer"
		return
	fi
	if [[ $LAB_VARIANT == firewall ]]; then
		# As below, and a UDP query sent twice; every answer dies on eth1.
		pkt client tcp "$SERVER_IP" "$SERVICE_PORT" --expect timeout --timeout 1.3
		pkt client udp "$SERVER_IP" "$SERVICE_PORT" --expect none --count 2
		[[ $(firewall_drops) -gt 0 ]] ||
			lab_die "the client's firewall dropped nothing: the lab is not asymmetric"
		return
	fi
	local before
	before=$(rpfilter_drops)
	# SYN at 0 s, retransmitted at 1 s; every SYN-ACK is dropped on eth1.
	pkt client tcp "$SERVER_IP" "$SERVICE_PORT" --expect timeout --timeout 1.3
	[[ $(rpfilter_drops) -gt $before ]] ||
		lab_die "the client's rp_filter dropped nothing: the lab is not asymmetric"
}

lab_main "$@"
