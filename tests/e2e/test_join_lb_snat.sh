#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 2 fixed by SNAT, on three hosts at once: the replies return through
# the balancer, so the joined traces tell no story (no correlated finding),
# and each host's findings are those of its trace alone.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/lb-nosnat.sh"

e2e_begin snat
e2e_trace client client eth0
e2e_trace lb lb eth0
e2e_trace server server eth0
e2e_traffic
e2e_settle
e2e_stop client lb server

for tag in client lb server; do
	e2e_check "$tag" no-asym no-flux "counter lost_events=0"
done
e2e_join joined lb server client
e2e_check_join joined no-corr only
e2e_join_fail_on joined nat_return_bypass 0
e2e_end
