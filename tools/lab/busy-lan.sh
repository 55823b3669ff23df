#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 11: a busy, healthy LAN. The host under test shares a switch with
# three neighbours; all of them chatter as office and data-centre hosts do,
# over IPv4 and IPv6, and do ordinary work. Nothing here is wrong.
#
#                  ┌──────────── sw (br0) ────────────┐
#   hut eth0 10.0.16.10   n1 eth0 10.0.16.1   n2 eth0 10.0.16.2   n3 eth0 10.0.16.3
#       fd00:16::10          fd00:16::1          fd00:16::2          fd00:16::3
#
# Discovery and announcements: mDNS queries (from 5353, answered by
# multicast; legacy one-shot from an ephemeral port, answered by unicast
# from 5353) over IPv4 and IPv6, SSDP NOTIFY and M-SEARCH (answered by
# unicast from 1900), NetBIOS name queries to the subnet broadcast
# 10.0.16.255:137 (answered by unicast from 137, to this host and by it)
# and browser datagrams to 10.0.16.255:138, LLDP from the switch port and
# the host, the host's own gratuitous ARP, and IPv6 with DAD, router
# solicitations and MLD reports on: n3 comes up during the traffic and the
# host adds an address. ARP/NDP resolve for real (no static neighbours).
# Work: many short TCP connections both ways, a long TCP stream (iperf3),
# UDP request/response, DNS queries both ways, ping and ping -6.
# fluxtrace on the host: no finding, no loss, every flow counted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=busy-lan
LAB_VARIANTS="busy"
LAB_TOOLS=(ping iperf3 socat)
LAB_LAN="$LAB_DIR/lan.py"

HUT_MAC=02:16:00:00:00:10
N1_MAC=02:16:00:00:00:01
N2_MAC=02:16:00:00:00:02
N3_MAC=02:16:00:00:00:03
HUT_IP=10.0.16.10
N1_IP=10.0.16.1
N2_IP=10.0.16.2
N3_IP=10.0.16.3
HUT_IP6=fd00:16::10
N1_IP6=fd00:16::1
BCAST=10.0.16.255

lab_describe() {
	cat <<-EOF
	Lab 11: host 10.0.16.10 on a switch with n1, n2, n3: discovery and announcement
	noise (mDNS, SSDP, NetBIOS, LLDP, gratuitous ARP, DAD/RS/MLD) and ordinary work
	(TCP, a stream, UDP, DNS both ways, ping), all healthy.
	EOF
}

lab_trace_points() {
	echo "hut:eth0"
}

# lan ROLE ARGS...: tools/lab/lan.py inside ROLE.
lan() {
	local role=$1
	shift
	on "$role" "$LAB_PYTHON" "$LAB_LAN" "$@"
}

# An IPv6 host as a real one is: DAD, router solicitations (answered by
# nobody: there is no router) and MLD reports on.
lan_host() {
	local role=$1 c
	lab_ns "$role" ipv6
	for c in all default; do
		lab_sysctl "$role" "net.ipv6.conf.$c.accept_dad=1" "net.ipv6.conf.$c.dad_transmits=1" \
			"net.ipv6.conf.$c.accept_ra=1" "net.ipv6.conf.$c.router_solicitations=3" \
			"net.ipv6.conf.$c.router_solicitation_interval=1" \
			"net.ipv6.conf.$c.mldv2_unsolicited_report_interval=200"
	done
}

# lan_addr6 ROLE ADDR/LEN: an IPv6 address with DAD, as an admin adds one.
lan_addr6() { on "$1" ip addr add "$2" dev eth0 || lab_die "cannot add $2 to $1/eth0"; }

# lan_dad_done ROLE...: wait (bounded) until no address is tentative.
lan_dad_done() {
	local role i
	for role in "$@"; do
		for ((i = 0; i < 100; i++)); do
			[[ -z $(on "$role" ip -6 addr show dev eth0 tentative) ]] && continue 2
			sleep 0.05
		done
		lab_die "DAD on $role/eth0 did not finish"
	done
}

# lan_responder ROLE NAME DELAY: mDNS, SSDP, NetBIOS and DNS answers.
lan_responder() {
	local role=$1 name=$2 delay=$3 ready="$LAB_TMP/lan-$1.ready" i
	lab_bg "$role" "lan-$role.log" "$LAB_PYTHON" "$LAB_LAN" serve --iface eth0 --name "$name" \
		--delay "$delay" --ready "$ready" --timeout 600
	for ((i = 0; i < 100; i++)); do
		[[ -e $ready ]] && return 0
		sleep 0.05
	done
	lab_die "responder in $role did not start: $(cat "$LAB_TMP/lan-$role.log")"
}

lab_setup() {
	lab_switch sw
	local role
	for role in hut n1 n2 n3; do
		lan_host "$role"
	done
	lab_plug sw hut eth0 "$HUT_MAC"
	lab_plug sw n1 eth0 "$N1_MAC"
	lab_plug sw n2 eth0 "$N2_MAC"
	lab_plug sw n3 eth0 "$N3_MAC"
	on hut ip addr add "$HUT_IP/24" brd + dev eth0
	on n1 ip addr add "$N1_IP/24" brd + dev eth0
	on n2 ip addr add "$N2_IP/24" brd + dev eth0
	on n3 ip addr add "$N3_IP/24" brd + dev eth0
	lan_addr6 hut "$HUT_IP6/64"
	lan_addr6 n1 "$N1_IP6/64"
	lan_addr6 n2 fd00:16::2/64
	lan_addr6 n3 fd00:16::3/64
	# n3 is switched off: it comes up (DAD, RS, MLD) while traced.
	on n3 ip link set eth0 down
	lan_dad_done hut n1 n2
	lab_serve n1 --tcp 8080 --udp 8080
	lab_serve hut --tcp 8080
	lab_bg n1 iperf3.log iperf3 -s -1 -B "$N1_IP"
	lan_responder hut HUT 0.05
	lan_responder n1 N1 0.1
	lan_responder n3 N3 0.3
}

lab_traffic() {
	# n3 boots: link-local and global DAD, router solicitations, MLD.
	on n3 ip link set eth0 up
	# The host's own announcements: a gratuitous ARP (as arping -U sends
	# it), an address added with DAD, LLDP from it and from its switch port.
	pkt hut garp eth0 --smac "$HUT_MAC" --ip "$HUT_IP"
	lan_addr6 hut fd00:16::99/64
	lan hut lldp --iface eth0 --name hut --count 2
	on sw "$LAB_PYTHON" "$LAB_LAN" lldp --iface hut.eth0 --name sw --count 2

	# Announcements and queries to groups, and their answers.
	lan n1 ssdp-notify --iface eth0
	lan hut ssdp-notify --iface eth0
	lan n2 nbdgm --iface eth0 --bcast "$BCAST"
	lan hut nbdgm --iface eth0 --bcast "$BCAST"
	lan hut mdns-query --iface eth0 --family 4 N1.local >/dev/null
	lan hut mdns-query --iface eth0 --family 6 N1.local >/dev/null
	lan n2 mdns-query --iface eth0 --family 4 --from-5353 HUT.local >/dev/null
	lan n2 mdns-query --iface eth0 --family 6 --from-5353 HUT.local >/dev/null
	lan hut ssdp-search --iface eth0 >/dev/null
	lan n2 ssdp-search --iface eth0 >/dev/null
	lan hut nbns-query --iface eth0 --bcast "$BCAST" N1 >/dev/null
	lan n2 nbns-query --iface eth0 --bcast "$BCAST" --from-137 HUT >/dev/null
	lan_dad_done n3 hut
	lan hut mdns-query --iface eth0 --family 4 N3.local >/dev/null

	# Ordinary work.
	pkt hut tcp "$N1_IP" 8080 --count 20
	pkt n2 tcp "$HUT_IP" 8080 --count 10
	pkt hut tcp "$N1_IP6" 8080 --count 5
	on hut iperf3 -c "$N1_IP" -t 2 -l 16k >/dev/null || lab_die "iperf3 stream failed"
	pkt hut udp "$N1_IP" 8080 --count 3
	pkt hut udp "$N1_IP6" 8080 --count 3
	lan hut dns-query "$N1_IP" www.lab.example >/dev/null
	lan n2 dns-query "$HUT_IP" hut.lab.example >/dev/null
	on hut ping -q -c 2 -i 0.2 -W 2 "$N1_IP" >/dev/null || lab_die "ping $N1_IP failed"
	on n2 ping -q -c 2 -i 0.2 -W 2 "$HUT_IP" >/dev/null || lab_die "ping $HUT_IP failed"
	on hut ping -6 -q -c 2 -i 0.2 -W 2 "$N1_IP6" >/dev/null || lab_die "ping $N1_IP6 failed"
}

lab_main "$@"
