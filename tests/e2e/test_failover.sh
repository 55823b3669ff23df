#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 3, failover: nodea goes silent, nodeb takes the VIP over. The
# client's entries change once and stay: mac_changed (informational) for
# both families, and neither duplicate_ip nor flip_flop.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/splitbrain-vip.sh"

e2e_begin failover
e2e_trace client client eth0
e2e_traffic
e2e_stop client

macs="$NODEA_MAC,$NODEB_MAC"
e2e_check client \
	"flux kind=mac_changed family=ipv4 ip=$VIP4 macs=$macs interfaces=eth0 changes=1" \
	"flux kind=mac_changed family=ipv6 ip=$VIP6 macs=$macs interfaces=eth0 changes=1" \
	"no-flux kind=duplicate_ip" "no-flux kind=flip_flop" "no-asym" "counter lost_events=0" \
	only
e2e_end
