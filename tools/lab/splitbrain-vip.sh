#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 3: split-brain VIP: two nodes both believe they own the virtual IP.
#
#   client eth0 10.0.3.100 fd00:3::100 ──┐
#   nodea  eth0 10.0.3.11  fd00:3::11  ──┤ sw (bridge br0)
#          VIP  10.0.3.50  fd00:3::50    │
#   nodeb  eth0 10.0.3.12  fd00:3::12  ──┘
#          VIP  10.0.3.50  fd00:3::50
#
# Both nodes announce the VIP in turn, as two keepalived masters that lost
# sight of each other do: a gratuitous ARP and an unsolicited NA (override
# flag) from nodea, then nodeb, then (past fluxtrace's 1 s repeat window)
# nodea and nodeb again. The client's neighbour entries for the VIP flip
# between the two MACs. fluxtrace on the client: duplicate_ip for
# 10.0.3.50 and fd00:3::50 (two owners, different vendor prefixes) and
# flip_flop for both entries.
# failover: the legitimate look-alike. nodea goes silent (its link goes
#   down) and nodeb takes the VIP over, announcing it twice, as a new
#   keepalived master does. The client's entries change once and stay:
#   mac_changed for both families, and no alarm (no duplicate_ip, no
#   flip_flop).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_NAME=splitbrain-vip
LAB_VARIANTS="splitbrain failover"
LAB_TOOLS=()

CLIENT_MAC=02:03:64:00:00:64
# Two vendors: the MACs do not look like two ports of one host.
NODEA_MAC=02:0a:0a:00:00:11
NODEB_MAC=02:0b:0b:00:00:12
VIP4=10.0.3.50
VIP6=fd00:3::50

lab_describe() {
	if [[ $LAB_VARIANT == failover ]]; then
		cat <<-EOF
		Lab 3 (failover): nodea ($NODEA_MAC) held VIP $VIP4 and $VIP6 and goes silent; nodeb
		($NODEB_MAC) takes them over and announces them; the client 10.0.3.100 watches.
		EOF
		return
	fi
	cat <<-EOF
	Lab 3: nodea ($NODEA_MAC) and nodeb ($NODEB_MAC) both hold VIP $VIP4 and $VIP6 and
	announce it in turn (gratuitous ARP, unsolicited NA); the client 10.0.3.100 watches.
	EOF
}

lab_trace_points() { echo "client:eth0"; }

lab_setup() {
	lab_switch sw
	lab_ns client ipv6
	lab_ns nodea ipv6
	lab_ns nodeb ipv6
	lab_plug sw client eth0 "$CLIENT_MAC"
	lab_plug sw nodea eth0 "$NODEA_MAC"
	lab_plug sw nodeb eth0 "$NODEB_MAC"
	lab_addr client eth0 10.0.3.100/24 fd00:3::100/64
	lab_addr nodea eth0 10.0.3.11/24 fd00:3::11/64 "$VIP4/24" "$VIP6/64"
	lab_addr nodeb eth0 10.0.3.12/24 fd00:3::12/64 "$VIP4/24" "$VIP6/64"
	# The client last talked to the VIP on nodea. The entries are "stale",
	# not permanent, so announcements may change them.
	on client ip neigh replace "$VIP4" lladdr "$NODEA_MAC" dev eth0 nud stale
	on client ip neigh replace "$VIP6" lladdr "$NODEA_MAC" dev eth0 nud stale
}

# announce NODE MAC SRC6: one gratuitous ARP and one unsolicited NA.
announce() {
	pkt "$1" garp eth0 --smac "$2" --ip "$VIP4"
	pkt "$1" na eth0 --smac "$2" --ip "$VIP6" --src "$3"
}

lab_traffic() {
	if [[ $LAB_VARIANT == failover ]]; then
		on nodea ip link set eth0 down
		announce nodeb "$NODEB_MAC" fd00:3::12
		sleep 1.2
		announce nodeb "$NODEB_MAC" fd00:3::12
		return
	fi
	announce nodea "$NODEA_MAC" fd00:3::11
	announce nodeb "$NODEB_MAC" fd00:3::12
	# Past the repeat-folding window, so the second round is on the wire
	# as new events, not folded into the first.
	sleep 1.2
	announce nodea "$NODEA_MAC" fd00:3::11
	announce nodeb "$NODEB_MAC" fd00:3::12
}

lab_main "$@"
