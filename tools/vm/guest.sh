#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The guest side of `make vmtest`, for both backends (qemu and vng):
#   tools/vm/guest.sh RUN_DIR
# Mounts what a bare VM lacks (no systemd here), proves that the BPF object
# built on the host loads on this kernel (CO-RE), then runs the test command
# from the project directory. RUN_DIR holds `env` and `cmd`, written by
# tools/vmtest.sh. Exits with the command's status.
set -uo pipefail

run_dir=${1:?usage: guest.sh RUN_DIR}
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

say() { echo "vmtest: $*"; }

mount_once() { # FSTYPE DIR [OPTIONS]
	mountpoint -q "$2" && return 0
	mkdir -p "$2" 2>/dev/null
	mount -t "$1" ${3:+-o "$3"} "$1" "$2" || say "cannot mount $1 on $2"
}

prepare() {
	mount_once proc /proc
	mount_once sysfs /sys
	mount_once devtmpfs /dev
	mount_once devpts /dev/pts
	mount_once tmpfs /dev/shm
	# The host root is read-only: scratch space and /run/netns live in RAM.
	mount_once tmpfs /tmp mode=1777
	mount_once tmpfs /var/tmp mode=1777
	mount_once tmpfs /run mode=0755
	mount_once bpf /sys/fs/bpf
	mount_once tracefs /sys/kernel/tracing
	mount_once debugfs /sys/kernel/debug
	mount_once cgroup2 /sys/fs/cgroup
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
		say "CO-RE: $obj does not load on $(uname -r)"
		rm -rf "$pin"
		return 1
	fi
	for prog in "$pin"/*; do
		bpftool prog show pinned "$prog" | head -n 1
		names+=("$(basename "$prog")")
	done
	rm -rf "$pin"
	say "CO-RE: ${#names[@]} programs of $obj load on $(uname -r): ${names[*]}"
}

prepare
say "guest kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB"
set -a
# shellcheck source=/dev/null
. "$run_dir/env"
set +a
cd "$project" || exit 1

core_check || exit 1
say "CO-RE check took ${SECONDS} s since guest start of this script"

start=$SECONDS
bash "$run_dir/cmd"
rc=$?
say "test command exited with $rc after $((SECONDS - start)) s"
exit "$rc"
