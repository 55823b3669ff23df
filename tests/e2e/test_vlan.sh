#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 7: crafted 802.1Q, QinQ and priority-tagged frames are parsed past
# their tags and attributed to the host's eth0 and the right flows: the
# tagged handshake and the priority-tagged ping are clean, the unanswered
# tagged SYN and the QinQ DNS query are one_way, the tagged gratuitous ARPs
# give duplicate_ip; the events carry the (outer) VLAN ids.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/vlan.sh"

e2e_begin vlan
e2e_trace host host eth0
e2e_traffic
e2e_settle
e2e_stop host

# Four flows: the answered handshake, the unanswered SYN, the DNS query and
# the ping; none may be lost to a parsing failure.
e2e_check host \
	"asym kind=one_way proto=tcp client.ip=$PEER_IP client.port=40002 server.ip=$HOST_IP
	 server.port=80 request_in=eth0 request_src_macs=$PEER_MAC packets.request=1
	 packets.reply=0" \
	"asym kind=one_way proto=udp client.ip=$PEER_IP client.port=40001 server.ip=10.0.7.53
	 server.port=53 request_in=eth0 request_src_macs=$PEER_MAC packets.request=1
	 packets.reply=0" \
	"flux kind=duplicate_ip family=ipv4 ip=$GARP_IP macs=$GARP_MAC_A,$GARP_MAC_B
	 interfaces=eth0" \
	"counter lost_events=0 flows=4 malformed=0" \
	only

e2e_expect_event host "the tagged SYN coming in" \
	' in ' 'tcp 10\.0\.7\.100:40000 > 10\.0\.7\.1:80' 'eth0' 'vlan 100'
e2e_expect_event host "the tagged SYN-ACK going out" \
	' out ' 'tcp 10\.0\.7\.1:80 > 10\.0\.7\.100:40000' 'eth0' 'vlan 100'
e2e_expect_event host "the QinQ query with its outer VLAN" \
	'udp 10\.0\.7\.100:40001 > 10\.0\.7\.53:53' 'vlan 200'
e2e_expect_event host "the tagged gratuitous ARP from MAC A" \
	'who-has 10\.0\.7\.50' "$GARP_MAC_A" 'vlan 100'
e2e_expect_event host "the tagged gratuitous ARP from MAC B" \
	'who-has 10\.0\.7\.50' "$GARP_MAC_B" 'vlan 100'
e2e_expect_event host "the priority-tagged ping" \
	' in ' 'icmp 10\.0\.7\.100:7 > 10\.0\.7\.1:7' 'eth0'
e2e_end
