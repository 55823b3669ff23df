#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 1 fixed: arp_ignore=1, arp_announce=2 and source routing: only eth4
# answers for 10.0.1.14 and every reply leaves eth4: no finding anywhere.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/multinic-arpflux.sh"

e2e_begin fixed
e2e_trace host host eth0,eth3,eth4
e2e_trace client client eth0
e2e_traffic
e2e_stop host client

e2e_check host "no-asym" "no-flux" "counter lost_events=0 flows>=4"
e2e_check client "no-asym" "no-flux" "counter lost_events=0 flows>=4"
e2e_end
