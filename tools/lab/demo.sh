#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `make demo`: two of the labs, built from network namespaces on this
# machine and traced by the real fluxtrace, each followed by its report:
# lab 1 (a multi-NIC host with ARP flux, then the same host fixed) and lab 2
# (a load balancer without SNAT). Needs root; takes about 20 seconds; leaves
# nothing behind.
#   tools/lab/demo.sh [BUILD_DIR]
set -euo pipefail

build=${1:-build}
labs=$(cd "$(dirname "$0")" && pwd)
FT_BIN=$(realpath -m "$build/fluxtrace")
export FT_BIN
unset FT_JSON FT_KEEP FT_LAB_ID

[[ -x $FT_BIN ]] || { echo "demo: $FT_BIN not found: run 'make' first" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] ||
	{ echo "demo: needs root (network namespaces, BPF): run 'sudo make demo'" >&2; exit 1; }

section() {
	printf '\n%s\n' "$1"
	printf '%*s\n' "${#1}" '' | tr ' ' '='
}

# run_lab SCRIPT VARIANT: the lab's own description, then fluxtrace's report
# from each place the lab traces.
run_lab() {
	local rc=0
	echo
	"$labs/$1" run "$2" || rc=$?
	if [[ $rc -eq 77 ]]; then
		echo "(lab skipped: see the reason above)"
	elif [[ $rc -ne 0 ]]; then
		echo "demo: lab $1 ($2) failed with status $rc" >&2
		exit "$rc"
	fi
}

cat <<EOF
fluxtrace demo: small networks built from network namespaces on this machine, real traffic,
and the real fluxtrace ($FT_BIN) attached inside them.
EOF

section "Lab 1: a multi-NIC host with arp_ignore=0 (ARP flux)"
echo "Expect: local_flux for 10.0.1.14; return_path_mismatch (in eth4, out eth0) for each flow."
run_lab multinic-arpflux.sh flux

section "Lab 1, fixed: arp_ignore=1, arp_announce=2 and source routing"
echo "Expect: no findings."
run_lab multinic-arpflux.sh fixed

section "Lab 2: a load balancer that DNATs without SNAT"
echo "Expect: next_hop_mismatch on the server; one_way on the load balancer."
run_lab lb-nosnat.sh nosnat
