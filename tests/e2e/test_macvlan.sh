#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 9: a macvlan child (mv0) holding a service address on the host's
# eth0. Clients reach both addresses with TCP, UDP and ping after real ARP;
# two LAN hosts talk to each other, flooded to the host. Traced three ways
# at once (-i eth0, -i mv0, -i any): no finding, every flow counted, the
# LAN background skipped as other_host (not on mv0: it never sees it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/macvlan.sh"

e2e_need_tcx
e2e_begin macvlan
e2e_trace eth0 host eth0
e2e_trace mv0 host mv0
e2e_trace any host any
e2e_traffic
e2e_settle
e2e_stop eth0 mv0 any

# Per client and address: 2 TCP connections, 1 UDP socket, 1 ping.
e2e_check eth0 only "counter lost_events=0 flows=16 other_host>=6" \
	"iface eth0 mac=$HOST_MAC"
e2e_check mv0 only "counter lost_events=0 flows=8 other_host=0" "iface mv0 mac=$VMAC"
e2e_check any only "counter lost_events=0 flows=16 other_host>=6" \
	"iface eth0 mac=$HOST_MAC" "iface mv0 mac=$VMAC"

# The VIP's requests come in through eth0 too, addressed to mv0's MAC.
for c in 1 2; do
	ip=CLIENT${c}_IP mac=CLIENT${c}_MAC
	for proto in tcp udp; do
		e2e_expect_event eth0 "$proto from client$c to the VIP coming in on eth0" \
			' in ' "$proto ${!ip//./\\.}:[0-9]+ > ${VIP//./\\.}:$PORT" 'eth0' \
			"${!mac} > $VMAC"
	done
	e2e_expect_event eth0 "the ping from client$c to the VIP coming in on eth0" \
		' in ' "icmp ${!ip//./\\.}:[0-9]+ > ${VIP//./\\.}:" 'eth0' "${!mac} > $VMAC"
done
# No LAN background flow was taken for this host's.
if e2e_events eth0 | grep -qE "(tcp|udp|icmp) 10\.0\.9\.20[12]"; then
	e2e_fail "eth0: a flow between lan1 and lan2 was tracked as this host's"
fi
e2e_end
