#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The guest side of `make vmtest`, for both backends (qemu and vng):
#   tools/vm/guest.sh RUN_DIR           (RUN_DIR holds `env` and `cmd`, from tools/vmtest.sh)
#   tools/vm/guest.sh COMMAND [ARG]...  (by hand in any VM, e.g. under vng; checks $BUILD or build/)
# Mounts what a bare VM lacks (no systemd here), proves that the BPF object
# built on the host loads on this kernel (CO-RE), then runs the test command
# from the project directory. Exits with the command's status.
set -uo pipefail

[[ $# -gt 0 ]] || { echo "usage: guest.sh RUN_DIR | COMMAND [ARG]..." >&2; exit 2; }
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

say() { echo "vmtest: $*"; }

# Mount each tools/vm/fstab entry whose mount point is still free: the qemu
# backend's init mounted them all already, vng mounts most but not bpffs, and
# its overlays (/tmp, /var) stay as they are.
prepare() {
	local mounted=" " src dir type opts _

	while read -r _ _ _ _ dir _; do
		mounted+="$dir "
	done 2>/dev/null </proc/self/mountinfo
	while read -r src dir type opts _; do
		[[ -z $src || $src == \#* || $mounted == *" $dir "* ]] && continue
		mount -t "$type" -o "$opts" "$src" "$dir" || say "cannot mount $type on $dir"
	done <"$project/tools/vm/fstab"
	# udev makes these links on a full system; process substitution needs /dev/fd.
	[[ -e /dev/fd ]] || ln -s /proc/self/fd /dev/fd
	[[ -e /dev/stdin ]] || ln -s /proc/self/fd/0 /dev/stdin
	[[ -e /dev/stdout ]] || ln -s /proc/self/fd/1 /dev/stdout
	[[ -e /dev/stderr ]] || ln -s /proc/self/fd/2 /dev/stderr
	ip link set lo up
}

# The same object the host loaded must load here: bpftool loads every program
# (all or nothing, like the loader), pins them, and the pins are dropped again.
core_check() {
	local obj=$BUILD/fluxtrace.bpf.o pin=/sys/fs/bpf/vmtest-core-$$ out prog names=()

	if [[ ! -f $obj ]]; then
		say "no $obj: build it on the host first (make)"
		return 1
	fi
	if ! out=$(bpftool prog loadall "$obj" "$pin" 2>&1); then
		tail -n 40 <<<"$out"
		say "CO-RE: $obj does not load on $(</proc/sys/kernel/osrelease)"
		rm -rf "$pin"
		return 1
	fi
	# A fresh guest has no other programs: one bpftool call lists these.
	bpftool prog show | grep '^[0-9]'
	for prog in "$pin"/*; do
		names+=("${prog##*/}")
	done
	rm -rf "$pin"
	say "CO-RE: ${#names[@]} programs of $obj load on $(</proc/sys/kernel/osrelease): ${names[*]}"
}

prepare
read -r _ mem_kib _ </proc/meminfo
say "guest kernel $(</proc/sys/kernel/osrelease), CPUs $(</sys/devices/system/cpu/online), $((mem_kib / 1024)) MiB"
cd "$project" || exit 1
if [[ -d $1 ]]; then
	set -a
	# shellcheck source=/dev/null
	. "$1/env"
	set +a
	cmd=(bash "$1/cmd")
else
	BUILD=${BUILD:-$project/build}
	cmd=("$@")
fi

core_check || exit 1
# What the loader itself finds here (e.g. no tcx before 6.6: clsact instead).
[[ -x $BUILD/fluxtrace ]] && "$BUILD/fluxtrace" --check
read -r uptime _ </proc/uptime
say "guest up ${uptime} s; running the tests"

start=$SECONDS
"${cmd[@]}"
rc=$?
say "test command exited with $rc after $((SECONDS - start)) s"
exit "$rc"
