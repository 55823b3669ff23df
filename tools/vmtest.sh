#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `make vmtest`: boot a kernel in a VM and run the kernel-facing tests in it,
# against the build directory made on this host (no rebuild in the guest).
#   tools/vmtest.sh [BUILD]
# Settings (environment):
#   VMTEST_KERNEL   version under /boot (6.1.0-56-amd64, or a prefix such as 6.1)
#                   or a path to a bzImage/vmlinux; default: newest /boot/vmlinuz-6.1.*-amd64
#   VMTEST_CPUS     guest CPUs (default 2)
#   VMTEST_MEM      guest memory (default 2G)
#   VMTEST_TIMEOUT  seconds for the whole VM run (default 1800)
#   VMTEST_SUITES   suites run by the default command (default "integration e2e")
#   VMTEST_CMD      shell command run in the guest instead of those suites
#   VMTEST_BACKEND  auto (vng when on PATH, else qemu), vng or qemu
#   VMTEST_ACCEL    auto (KVM when it really runs a guest, else TCG; a KVM run that
#                   fails is run again once under TCG), kvm (no fallback) or tcg
#   VMTEST_KVM_BOOT_TIMEOUT  seconds a KVM guest has to show the first sign of
#                   life (guest.sh's "vmtest: guest kernel" line); default 60
#   VMTEST_APPEND   extra kernel command line
#   VMTEST_VMLINUX  1 (default): boot the vmlinux unpacked from a bzImage, faster under TCG; 0: the bzImage
# FT_* variables are passed to the guest command. Exits with the tests' status.
set -euo pipefail

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$project"
build=$(realpath -m "${1:-build}")

cpus=${VMTEST_CPUS:-2}
mem=${VMTEST_MEM:-2G}
timeout_s=${VMTEST_TIMEOUT:-1800}
suites=${VMTEST_SUITES:-integration e2e}
backend=${VMTEST_BACKEND:-auto}
accel=${VMTEST_ACCEL:-auto}
kvm_boot_timeout=${VMTEST_KVM_BOOT_TIMEOUT:-60}

say() { echo "vmtest: $*" >&2; }
die() { say "$*"; exit 1; }

[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "VMTEST_CPUS='$cpus' is not a CPU count"
[[ $mem =~ ^[1-9][0-9]*[MG]?$ ]] || die "VMTEST_MEM='$mem' is not a size such as 2G or 1536M"
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || die "VMTEST_TIMEOUT='$timeout_s' is not a number of seconds"
[[ $kvm_boot_timeout =~ ^[1-9][0-9]*$ ]] ||
	die "VMTEST_KVM_BOOT_TIMEOUT='$kvm_boot_timeout' is not a number of seconds"
[[ $project != *[[:space:],:]* ]] || die "the project path '$project' has a space, comma or colon; 9p shares cannot name it"
[[ -f $build/fluxtrace.bpf.o ]] || die "no $build/fluxtrace.bpf.o; run make first"

case $backend in
auto) command -v vng >/dev/null && backend=vng || backend=qemu ;;
vng) command -v vng >/dev/null || die "VMTEST_BACKEND=vng but vng (virtme-ng) is not on PATH" ;;
qemu) ;;
*) die "VMTEST_BACKEND='$backend' is not auto, vng or qemu" ;;
esac
[[ $accel == @(auto|kvm|tcg) ]] || die "VMTEST_ACCEL='$accel' is not auto, kvm or tcg"

# The default kernel and the qemu backend's tools come from tools/deps.sh.
if [[ -z ${VMTEST_KERNEL:-} ]]; then
	tools/deps.sh --vm
elif [[ $backend == qemu ]]; then
	for tool in qemu-system-x86_64 busybox modprobe; do
		command -v $tool >/dev/null || die "no $tool; run tools/deps.sh --vm"
	done
fi

# Kernel image and release: KVER names the modules the guest loads.
image_release() {
	local img=$1 ptr
	if [[ $(head -c 4 "$img" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]; then
		LC_ALL=C grep -aom1 'Linux version [^ ]*' "$img" | awk '{ print $3 }'
		return
	fi
	# bzImage: "HdrS" at 0x202, the version string's offset (from 0x200) at 0x20e.
	[[ $(dd if="$img" bs=1 skip=$((0x202)) count=4 status=none) == HdrS ]] || return 0
	ptr=$(od -An -tu2 -j $((0x20e)) -N 2 "$img" | tr -d ' ')
	dd if="$img" bs=1 skip=$((ptr + 0x200)) count=128 status=none | LC_ALL=C tr '\0' '\n' |
		head -n 1 | awk '{ print $1 }'
}

want=${VMTEST_KERNEL:-6.1}
if [[ $want == */* || -f $want ]]; then
	kernel=$(realpath -e "$want" 2>/dev/null) || kernel=
	[[ -f $kernel ]] || die "VMTEST_KERNEL=$want: no such kernel image"
else
	kernel=$(ls -d /boot/vmlinuz-"$want" /boot/vmlinuz-"$want".*-amd64 2>/dev/null | sort -V |
		 tail -n 1) || true
	[[ -n $kernel ]] || die "no kernel $want under /boot (have: $(cd /boot && echo vmlinuz-* | sed 's/vmlinuz-//g')); run tools/deps.sh --vm or set VMTEST_KERNEL"
fi
kver=$(image_release "$kernel")
[[ -n $kver ]] || die "$kernel: cannot read its kernel release; is it a bzImage or vmlinux?"

# KVM only when it really runs a guest: /dev/kvm can exist while nested guests
# fail (on some machines qemu aborts on the host CPU's MSRs, or a default-CPU
# guest hangs). The probe runs a 512-byte boot sector with the CPU model the
# real boot uses; it writes 0x2a to isa-debug-exit, which makes qemu exit with
# 0x2a * 2 + 1. qemu itself tells whether /dev/kvm is there and usable.
# Passing the probe is not enough: on other machines the real kernel then hits
# an instruction nested KVM cannot emulate, so the real run is watched as well
# (watch_vm) and falls back to TCG.
kvm_probe() {
	local img rc=0
	img=$(mktemp)
	printf '\xb0\x2a\xe6\xf4\xf4\xeb\xfd' >"$img"
	truncate -s 510 "$img"
	printf '\x55\xaa' >>"$img"
	(timeout 10 qemu-system-x86_64 -accel kvm -cpu host -display none -nodefaults \
		-no-user-config -m 16 -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-drive file="$img",format=raw,if=floppy -boot a; exit $?) >/dev/null 2>&1 || rc=$?
	rm -f "$img"
	[[ $rc -eq $(((0x2a << 1) | 1)) ]]
}
# Only a KVM run that was chosen here may fall back to TCG; a forced one fails.
accel_wanted=$accel
if [[ $accel == auto ]]; then
	kvm_probe && accel=kvm || accel=tcg
fi

mkdir -p "$build/vm"
run_dir=$(mktemp -d "$build/vm/run.XXXXXX")
log=$build/vm/console-$kver.log
vm_pid=''
trap 'stop_vm; rm -rf "$run_dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# What the guest runs: the suites by default, through tools/run-tests.sh.
# Everything is slower under TCG (a test takes 10-60 s there): FT_TIMEOUT_SCALE
# lets tests stretch their bounded waits, FT_TEST_TIMEOUT is run-tests.sh's
# limit per test. Both can be set on the host like any FT_* variable.
# Written per run: a KVM run that falls back to TCG needs the TCG scale.
write_env() {
	local scale name
	[[ $accel == tcg ]] && scale=10 || scale=2
	{
		printf 'export BUILD=%q\n' "$build"
		printf 'export FT_TIMEOUT_SCALE=%q\n' "$scale"
		printf 'export FT_TEST_TIMEOUT=%q\n' "$((scale * 60))"
		for name in $(compgen -e -X '!FT_*'); do
			printf 'export %s=%q\n' "$name" "${!name}"
		done
	} >"$run_dir/env"
}
if [[ -n ${VMTEST_CMD:-} ]]; then
	printf '%s\n' "$VMTEST_CMD" >"$run_dir/cmd"
else
	cat >"$run_dir/cmd" <<EOF
[[ -x tools/run-tests.sh ]] || { echo "vmtest: no tools/run-tests.sh in \$PWD"; exit 1; }
rc=0
for suite in $suites; do
	tools/run-tests.sh "\$BUILD" "\$suite" || rc=1
done
exit \$rc
EOF
fi

# Writable shares: the project, and the build directory when it lies elsewhere.
rw_dirs=("$project")
[[ $build == "$project"/* ]] || rw_dirs+=("$build")

# Ends the VM that run_vm started: TERM to `timeout`, which passes it on to
# qemu or vng (a paused qemu still obeys it); if that is not enough, KILL to
# timeout's process group, which holds everything it started.
stop_vm() {
	local pid=$vm_pid i
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 20; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.5
	done
	kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

# KVM can fail after the probe passed. qemu then reports "KVM internal error"
# and pauses the guest instead of exiting, so nothing happens until
# VMTEST_TIMEOUT; or the guest simply shows no progress. Under KVM the guest
# prints guest.sh's first line within seconds, so either is a failure of KVM:
# stop the VM and leave the cause in kvm_failure, its time in kvm_seconds.
watch_kvm() {
	local started=$SECONDS up=0 cause
	while kill -0 "$vm_pid" 2>/dev/null; do
		if grep -q '^KVM internal error' "$log"; then
			sleep 0.5 # qemu names the cause a few lines on, e.g. "emulation failure"
			cause=$(grep -m1 -x 'emulation failure' "$log") ||
				cause=$(sed -n 's/^KVM internal error\. *//p' "$log" | head -n 1)
			kvm_failure="internal error: $cause"
		elif ((!up)); then
			if grep -q 'vmtest: guest kernel' "$log"; then
				up=1
			elif ((SECONDS - started >= kvm_boot_timeout)); then
				kvm_failure="no guest progress within VMTEST_KVM_BOOT_TIMEOUT=$kvm_boot_timeout s"
			fi
		fi
		if [[ -n $kvm_failure ]]; then
			kvm_seconds=$((SECONDS - started))
			stop_vm
			return
		fi
		sleep 1
	done
}

# Runs one VM command (wrapped in `timeout`) with its console in $log, shown
# live as it grows, and returns the command's exit status. The console goes to
# a file rather than through a pipe so that watch_kvm can read it meanwhile.
run_vm() {
	local rc=0 tail_pid
	: >"$log"
	"$@" </dev/null >"$log" 2>&1 &
	vm_pid=$!
	tail -n +1 -f --pid="$vm_pid" "$log" &
	tail_pid=$!
	[[ $accel == kvm ]] && watch_kvm
	wait "$vm_pid" || rc=$?
	vm_pid=''
	wait "$tail_pid" || true
	return "$rc"
}

boot_vng() {
	local args=(--run "$kernel" --cpus "$cpus" --memory "$mem" --user root --cwd "$project")
	local dir
	for dir in "${rw_dirs[@]}"; do
		args+=(--rwdir "$dir")
	done
	[[ $accel == tcg ]] && args+=(--disable-kvm)
	[[ -n ${VMTEST_APPEND:-} ]] && args+=(--append "$VMTEST_APPEND")
	say "booting $kernel ($kver) with vng, $accel, $cpus CPUs, $mem"
	run_vm timeout -k 10 "$timeout_s" vng "${args[@]}" --exec "tools/vm/guest.sh $run_dir"
}

# The uncompressed kernel boots ~3 s faster under TCG than the bzImage, which
# decompresses itself in emulation. qemu starts an ELF vmlinux through its
# PVH entry, so the extracted image must carry that note.
vmlinux_of() {
	local img=$1 out=$build/vm/vmlinux-$kver stamp tmp magic offsets off
	if [[ $(head -c 4 "$img" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]; then
		echo "$img"
		return
	fi
	stamp="$img $(stat -c '%s %Y' "$img")"
	if [[ -f $out && -f $out.stamp && $(<"$out.stamp") == "$stamp" ]]; then
		echo "$out"
		return
	fi
	tmp=$out.tmp.$$
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08' 'lz4:\x02\x21\x4c\x18'; do
		offsets=$(LC_ALL=C grep -obUaP "${magic#*:}" "$img" | head -n 3 | cut -d: -f1) || continue
		for off in $offsets; do
			tail -c +$((off + 1)) "$img" | "${magic%%:*}" -dc >"$tmp" 2>/dev/null || true
			if [[ $(head -c 4 "$tmp" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]] &&
			   readelf -n "$tmp" 2>/dev/null | grep -q 'Xen.*0x00000012'; then
				mv -f "$tmp" "$out"
				echo "$stamp" >"$out.stamp"
				echo "$out"
				return
			fi
		done
	done
	rm -f "$tmp"
	echo "$img"
}

# shellcheck disable=SC2054 # commas separate qemu's sub-options, not array elements
boot_qemu() {
	local initramfs=$build/vm/initramfs-$kver.cpio image shares='' i=0 dir qemu_accel
	local fsdevs=(-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
		      -device virtio-9p-pci,fsdev=root,mount_tag=/dev/root)

	if [[ ! -f $initramfs || tools/vm/mkinitramfs.sh -nt $initramfs ||
	      /lib/modules/$kver/modules.dep -nt $initramfs ]]; then
		tools/vm/mkinitramfs.sh "$kver" "$initramfs"
	fi
	image=$kernel
	[[ ${VMTEST_VMLINUX:-1} == 1 ]] && image=$(vmlinux_of "$kernel")
	for dir in "${rw_dirs[@]}"; do
		fsdevs+=(-fsdev "local,id=rw$i,path=$dir,security_model=none,multidevs=remap"
			 -device "virtio-9p-pci,fsdev=rw$i,mount_tag=vmtest_rw$i")
		shares+=${shares:+,}vmtest_rw$i:$dir
		i=$((i + 1))
	done
	if [[ $accel == kvm ]]; then
		qemu_accel=(-accel kvm -cpu host)
	else
		qemu_accel=(-accel tcg,thread=multi -cpu max)
	fi
	say "booting $image ($kver) with qemu, $accel, $cpus CPUs, $mem"
	run_vm timeout -k 10 "$timeout_s" qemu-system-x86_64 -name fluxtrace-vmtest \
		-nodefaults -no-user-config -display none -no-reboot \
		"${qemu_accel[@]}" -smp "$cpus" -m "$mem" \
		-kernel "$image" -initrd "$initramfs" \
		-append "console=ttyS0 quiet panic=-1 oops=panic mitigations=off vmtest.init=$project/tools/vm/init.sh vmtest.shares=$shares vmtest.run=$run_dir ${VMTEST_APPEND:-}" \
		-serial stdio "${fsdevs[@]}"
}

boot() {
	write_env
	rm -f "$run_dir/status"
	if [[ $backend == vng ]]; then
		boot_vng
	else
		boot_qemu
	fi
}

start=$SECONDS
rc=0 kvm_failure='' kvm_seconds=0
boot || rc=$?
# A failed KVM run is rerun once under TCG, unless KVM was asked for by name.
# The KVM console is kept apart: the console log is the TCG run's.
if [[ -n $kvm_failure ]]; then
	if [[ $accel_wanted == kvm ]]; then
		die "FAIL: KVM failed ($kvm_failure) after $kvm_seconds s; VMTEST_ACCEL=kvm allows no TCG fallback (console: $log)"
	fi
	kvm_log=$build/vm/console-$kver-kvm.log
	mv -f "$log" "$kvm_log"
	say "KVM failed ($kvm_failure) after $kvm_seconds s; running again under TCG (KVM console: $kvm_log)"
	accel=tcg rc=0 kvm_failure=''
	boot || rc=$?
fi
elapsed=$((SECONDS - start))

# The verdict: a KVM failure (above), a timeout, a panic or a missing status is
# a failure of its own.
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
	die "FAIL: the guest did not finish within VMTEST_TIMEOUT=$timeout_s s (console: $log)"
fi
if grep -q 'Kernel panic - not syncing' "$log"; then
	die "FAIL: the guest kernel panicked: $(grep -m1 'Kernel panic' "$log" | tr -d '\r') (console: $log)"
fi
if [[ $backend == vng ]]; then
	status=$rc
elif [[ -f $run_dir/status ]]; then
	status=$(<"$run_dir/status")
else
	die "FAIL: the guest left no exit status (qemu exited with $rc; console: $log)"
fi
if [[ $status -eq 0 ]]; then
	say "PASS on $kver ($backend, $accel) in $elapsed s"
else
	say "FAIL: the tests exited with $status on $kver ($backend, $accel) in $elapsed s (console: $log)"
fi
exit "$status"
