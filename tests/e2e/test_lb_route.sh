#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 2 fixed (the server routes the client through the LB): every
# reply returns through the LB, no finding on the LB or the server.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/lb-nosnat.sh"

e2e_begin route
e2e_trace lb lb eth0
e2e_trace server server eth0
e2e_traffic
e2e_settle
e2e_stop lb server

e2e_check lb "no-asym" "no-flux" "counter lost_events=0 flows>=4"
e2e_check server "no-asym" "no-flux" "counter lost_events=0 flows>=2"
e2e_end
