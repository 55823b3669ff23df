#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 3 on all three hosts: both nodes claim the IPv4 and IPv6 VIP, the
# client sees duplicate_ip and flip_flop for each. Joined: one
# duplicate_ip_owners names both VIPs, both nodes with their interface and
# MAC, and the client that saw it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/splitbrain-vip.sh"

e2e_begin splitbrain
e2e_trace client client eth0
e2e_trace nodea nodea eth0
e2e_trace nodeb nodeb eth0
e2e_traffic
e2e_stop client nodea nodeb

for tag in client nodea nodeb; do
	e2e_check "$tag" allow-asym allow-flux "counter lost_events=0"
done
e2e_join joined client nodea nodeb
e2e_check_join joined \
	"corr kind=duplicate_ip_owners ips=$VIP4,$VIP6 seen_as=duplicate_ip,flip_flop
	 parts~=nodea/owner/eth0/$NODEA_MAC parts~=nodeb/owner/eth0/$NODEB_MAC
	 parts~=client/observer/eth0/
	 summary~='claimed by nodea \(eth0, $NODEA_MAC\) and nodeb \(eth0, $NODEB_MAC\)'" \
	only
e2e_end
