#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 11: a busy, healthy LAN: discovery and announcement noise over IPv4
# and IPv6 (group queries and their unicast answers, subnet broadcasts,
# DAD, RS, MLD, LLDP, gratuitous ARP) beside ordinary work. No finding, no
# loss, every flow counted, live and replayed; and the noise that used to
# be taken for one-way traffic really was on the wire.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/busy-lan.sh"

e2e_begin busy
e2e_trace hut hut eth0
e2e_traffic
e2e_settle
e2e_stop hut

# Flows at least: 35 short TCP connections + iperf3's 2, 2 UDP echo
# sockets, 2 DNS exchanges, 3 pings, 2 mDNS legacy queries and 2 unicast
# answers, 1 NetBIOS query answered by n1 and 1 answered by this host,
# 2 subnet broadcast datagram flows, 2 SSDP NOTIFY, 2 M-SEARCH and 3 answers
# to this host's, the mDNS 5353 queries of n2 (2) and answers (2).
e2e_check hut "no-asym" "no-flux" \
	"counter lost_events=0 reducer_dropped=0 flows_evicted=0 bad_records=0 flows>=63
	 flows_tracked>=63 ringbuf_full=0 flow_map_full=0 packets>=2000" \
	"iface eth0 mac=$HUT_MAC" only

# The noise was there: subnet broadcasts sent and received, unicast answers
# to this host's group queries (mDNS legacy, IPv4 and IPv6; SSDP; NetBIOS),
# this host's own unicast NetBIOS answer, DAD and router solicitations.
e2e_expect_event hut "a NetBIOS datagram to the subnet broadcast" \
	"^.* new .*$HUT_IP:138 > $BCAST:138 .* > ff:ff:ff:ff:ff:ff"
e2e_expect_event hut "n2's NetBIOS name query to the subnet broadcast" \
	"new .*$N2_IP:137 > $BCAST:137 .* > ff:ff:ff:ff:ff:ff"
e2e_expect_event hut "this host's unicast NetBIOS answer" "new .*$HUT_IP:137 > $N2_IP:137"
e2e_expect_event hut "n1's unicast mDNS answer" "new .*$N1_IP:5353 > $HUT_IP:[0-9]+ "
e2e_expect_event hut "n1's unicast mDNS answer over IPv6" "new .*fe80::[0-9a-f:]+\]?:5353 > "
e2e_expect_event hut "n1's unicast SSDP answer" "new .*$N1_IP:1900 > $HUT_IP:[0-9]+ "
e2e_expect_event hut "n1's unicast NetBIOS answer" "new .*$N1_IP:137 > $HUT_IP:[0-9]+ "
e2e_expect_event hut "a DAD probe" "arp|ns" ":: "
e2e_expect_event hut "a router solicitation" "ff02::2"
e2e_end
