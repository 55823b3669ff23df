#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 9, churn: mv0 is created while fluxtrace traces (-i any, and -i eth0
# alone): -i any starts tracing mv0, and both learn its MAC, so the VIP's
# flows are this host's on eth0 too. No finding, every flow counted.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/macvlan.sh"

e2e_need_tcx
e2e_begin churn
e2e_trace any host any -v
e2e_trace eth0 host eth0 -v
ft_wait any eth0
lab_vmac
lab_wait_for "$(ft_err any)" "mv0: new interface; tracing it" 30 "${FT_PIDS[any]}" ||
	lab_die "fluxtrace -i any did not start tracing mv0"
for tag in any eth0; do
	lab_wait_for "$(ft_err "$tag")" "local MAC $VMAC added" 30 "${FT_PIDS[$tag]}" ||
		lab_die "fluxtrace ($tag) did not learn mv0's MAC"
done
e2e_traffic
e2e_settle
e2e_stop any eth0

e2e_check any only "counter lost_events=0 flows=16 other_host>=6" \
	"iface eth0 mac=$HOST_MAC" "iface mv0 mac=$VMAC hooks~=tc_ingress,tc_egress"
e2e_check eth0 only "counter lost_events=0 flows=16 other_host>=6" \
	"iface eth0 mac=$HOST_MAC"
e2e_expect_event eth0 "the VIP's TCP requests coming in on eth0" \
	' in ' "tcp 10\.0\.9\.101:[0-9]+ > ${VIP//./\\.}:$PORT" 'eth0' "> $VMAC"
e2e_expect_event any "the VIP's TCP requests coming in on mv0" \
	' in ' "tcp 10\.0\.9\.101:[0-9]+ > ${VIP//./\\.}:$PORT" 'mv0' "> $VMAC"
e2e_end
