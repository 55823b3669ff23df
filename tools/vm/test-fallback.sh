#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Proves that tools/vmtest.sh never waits on a broken KVM, on any machine:
#   tools/vm/test-fallback.sh [BUILD]
# A fake qemu-system-x86_64, first on PATH, passes the KVM probe and then fails
# the real boot under KVM the way a half-working host does (a KVM internal
# error, then paused for ever), or hangs without a word; every other run goes
# to the real qemu, so the TCG rerun really boots (VMTEST_CMD=true: ~10-20 s).
# Works with or without /dev/kvm: the fake answers the probe itself.
set -euo pipefail

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(realpath -m "${1:-$project/build}")
bound=${FALLBACK_BOUND:-240} # seconds a case may take, a TCG boot included

die() { echo "test-fallback: FAIL: $*" >&2; exit 1; }

real_qemu=$(command -v qemu-system-x86_64) || die "no qemu-system-x86_64; run tools/deps.sh --vm"
fake=$(mktemp -d)
out=$fake/out
# Whatever happens, no fake "paused" qemu outlives the test.
cleanup() {
	[[ -f $fake/pids ]] && xargs -r kill -KILL <"$fake/pids" 2>/dev/null
	rm -rf "$fake"
}
trap cleanup EXIT

# FAKE_KVM: internal-error (qemu's own lines, as on the broken host) or hang.
# The probe boots a floppy, the real run a -kernel: pass the first as
# isa-debug-exit would (0x2a * 2 + 1), fail the second. The pid is kept so
# the test can tell that vmtest.sh stopped the "paused" qemu.
cat >"$fake/qemu-system-x86_64" <<EOF
#!/usr/bin/env bash
args=" \$* "
if [[ \$args == *" -accel kvm "* ]]; then
	[[ \$args == *" -kernel "* ]] || exit 85
	echo \$\$ >>"$fake/pids"
	if [[ \$FAKE_KVM == internal-error ]]; then
		printf '%s\n' 'KVM internal error. Suberror: 1' \\
			'extra data[0]: 0x0000000000000001' 'emulation failure' >&2
	fi
	exec sleep 3600
fi
exec "$real_qemu" "\$@"
EOF
chmod +x "$fake/qemu-system-x86_64"

# Runs vmtest.sh with the fake qemu; sets rc and took (seconds), output in $out.
run() {
	local start=$SECONDS
	rc=0
	env PATH="$fake:$PATH" VMTEST_BACKEND=qemu VMTEST_CMD=true VMTEST_TIMEOUT=600 "$@" \
		timeout -k 10 "$bound" "$project/tools/vmtest.sh" "$build" >"$out" 2>&1 || rc=$?
	took=$((SECONDS - start))
}

# The case's checks; on failure, the end of vmtest.sh's output says why.
expect() {
	local what=$1 pid
	shift
	if ! "$@"; then
		grep -v -e '^extra data' "$out" | tail -n 15 >&2
		die "$what"
	fi
	if [[ -f $fake/pids ]]; then
		while read -r pid; do
			! kill -0 "$pid" 2>/dev/null || die "$what: the KVM qemu ($pid) was left running"
		done <"$fake/pids"
		rm -f "$fake/pids"
	fi
}

# Exactly one line says that KVM failed, and why.
one_line() { [[ $(grep -c "$1" "$out") -eq 1 ]]; }
passed_under_tcg() { [[ $rc -eq 0 ]] && grep -q '^vmtest: PASS on .* (qemu, tcg)' "$out"; }

# A KVM internal error is seen at once, long before the progress bound.
internal_error_falls_back() {
	passed_under_tcg &&
		one_line '^vmtest: KVM failed (internal error: emulation failure) after [0-5] s; running again under TCG'
}
run FAKE_KVM=internal-error VMTEST_ACCEL=auto VMTEST_KVM_BOOT_TIMEOUT=600
expect "KVM internal error: exit $rc after $took s, want 0 and one fallback line" internal_error_falls_back
echo "test-fallback: KVM internal error: fell back to TCG and passed in $took s"

# A silent hang is caught by the progress bound.
hang_falls_back() {
	passed_under_tcg &&
		one_line '^vmtest: KVM failed (no guest progress within VMTEST_KVM_BOOT_TIMEOUT=5 s) after [5-9] s; running again under TCG'
}
run FAKE_KVM=hang VMTEST_ACCEL=auto VMTEST_KVM_BOOT_TIMEOUT=5
expect "silent KVM hang: exit $rc after $took s, want 0 and one fallback line" hang_falls_back
echo "test-fallback: silent KVM hang: fell back to TCG after the progress bound and passed in $took s"

# KVM asked for by name: a failure of its own, quickly, and no TCG run.
forced_kvm_fails() {
	[[ $rc -ne 0 && $rc -ne 124 && $took -lt 60 ]] &&
		one_line '^vmtest: FAIL: KVM failed (internal error: emulation failure) after [0-5] s; VMTEST_ACCEL=kvm allows no TCG fallback' &&
		! grep -q 'with qemu, tcg' "$out"
}
run FAKE_KVM=internal-error VMTEST_ACCEL=kvm VMTEST_KVM_BOOT_TIMEOUT=600
expect "VMTEST_ACCEL=kvm: exit $rc after $took s, want a failure without a TCG run" forced_kvm_fails
echo "test-fallback: VMTEST_ACCEL=kvm: failed without falling back in $took s"
