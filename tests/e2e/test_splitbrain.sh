#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 3: two nodes announce the same IPv4 and IPv6 VIP in turn. The client
# sees both MACs claim each address (duplicate_ip, two owners) and its
# neighbour entries go nodea -> nodeb -> nodea -> nodeb (flip_flop).
# Reduced again with --allow for one VIP, only the other one's remain.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/splitbrain-vip.sh"

e2e_begin splitbrain
e2e_trace client client eth0
e2e_traffic
e2e_stop client

macs="$NODEA_MAC,$NODEB_MAC"
e2e_check client \
	"flux kind=duplicate_ip family=ipv4 ip=$VIP4 macs=$macs interfaces=eth0 owners=several" \
	"flux kind=duplicate_ip family=ipv6 ip=$VIP6 macs=$macs interfaces=eth0 owners=several" \
	"flux kind=flip_flop family=ipv4 ip=$VIP4 macs=$macs interfaces=eth0 changes>=3" \
	"flux kind=flip_flop family=ipv6 ip=$VIP6 macs=$macs interfaces=eth0 changes>=3" \
	"no-flux kind=mac_changed" "no-asym" "counter lost_events=0" \
	only
# An allowed address is never alarmed on: the same trace reduced with
# --allow for the IPv4 VIP keeps only the IPv6 findings.
e2e_rereduce client allowed --allow "$VIP4"
e2e_check allowed \
	"flux kind=duplicate_ip family=ipv6 ip=$VIP6" "flux kind=flip_flop family=ipv6 ip=$VIP6" \
	"no-flux ip=$VIP4" "no-asym" \
	only
e2e_end
