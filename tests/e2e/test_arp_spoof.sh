#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# ARP-spoof lab: an attacker races the gateway's ARP answers and sends the
# client replies nobody asked for; the client's entry for the gateway
# flips. Its MAC looks like the gateway's (one locally administered
# prefix), yet the client must see several owners — never "one host with
# several NICs" — with the attacker named as the announcer and the
# gateway as the MAC that uses the address, and nothing classified away.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/arp-spoof.sh"

e2e_begin spoof
e2e_trace client client eth0
e2e_traffic
e2e_stop client

macs="$GW_MAC,$ATTACKER_MAC"
e2e_check client \
	"flux kind=duplicate_ip family=ipv4 ip=$GW_IP macs=$macs interfaces=eth0 owners=several
	 evidence~=unsolicited_replies,neighbour_flip,locally_administered
	 evidence!~shared_addresses announced_by=$ATTACKER_MAC used_by=$GW_MAC
	 hint~=spoofer hint~=find.$ATTACKER_MAC" \
	"flux kind=flip_flop family=ipv4 ip=$GW_IP macs=$macs interfaces=eth0 changes>=2" \
	"no-asym" "counter lost_events=0 classified=0" \
	only
e2e_end
