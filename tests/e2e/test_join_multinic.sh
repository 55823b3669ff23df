#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 1 on both ends, flux and fixed. flux: the client sees the host's
# three addresses answered by the same three MACs (duplicate_ip), the host
# sees itself answer from all three interfaces (local_flux); joined, one
# arp_flux_explained names the host, its three interfaces and MACs and the
# arp_ignore/arp_announce/arp_filter its own trace recorded. The flows'
# return_path_mismatch and next_hop_mismatch are that host's NICs on one
# segment: no return_path_around. fixed (arp_ignore=1, arp_announce=2):
# nothing to join.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/multinic-arpflux.sh"

variant=${1:-flux}
e2e_begin "$variant"
e2e_trace host host eth0,eth3,eth4
e2e_trace client client eth0
e2e_traffic
e2e_stop host client

for tag in host client; do
	e2e_check "$tag" allow-asym allow-flux "counter lost_events=0"
done
e2e_join joined client host
if [[ $variant == flux ]]; then
	macs="${HOST_MAC[eth0]}+${HOST_MAC[eth3]}+${HOST_MAC[eth4]}"
	e2e_check_join joined \
		"corr kind=arp_flux_explained family=ipv4
		 ips=${HOST_IP[eth0]},${HOST_IP[eth3]},$SERVICE_IP seen_as=duplicate_ip
		 parts=host/owner/eth0+eth3+eth4/$macs,client/observer/eth0/
		 hosts.*.sysctls~='arp_ignore eth0=0 eth3=0 eth4=0; arp_announce eth0=0 eth3=0 eth4=0'
		 summary~='all of host host'" \
		only
else
	e2e_check_join joined no-corr only
fi
e2e_end
