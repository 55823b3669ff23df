#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# --check says what this kernel and these privileges allow before anything
# attaches: BTF, tracepoints, tc attach mode, XDP per interface (another
# tool's program named), and a verdict with a matching exit status.
source "$(dirname "$0")/lib.sh"
lab_pair

clang -O2 -g -target bpf -I/usr/include/"$(gcc -print-multiarch)" \
	-c "$(dirname "$0")/progs/other_tool.bpf.c" -o "$WORK/other.o"
ip -n "$NS_A" link set dev "$IF_A" xdpgeneric obj "$WORK/other.o" sec xdp

ip netns exec "$NS_A" "$FLUXTRACE" --check >"$WORK/check" 2>&1 || { cat "$WORK/check"; fail "--check failed as root"; }
for want in "^BTF: +ok" "^neigh tracepoints: ok" "^tc attach: +(tcx links|clsact)" \
	"^  $IF_A +ifindex [0-9]+ +XDP (native|generic|auto), +in use by program [0-9]+ \(other_xdp\): ingress traced at tc" \
	"^  lo +ifindex 1 +XDP (native|generic|auto), +free" "^verdict: +ready to trace"; do
	grep -qE "$want" "$WORK/check" || { cat "$WORK/check"; fail "--check lacks '$want'"; }
done
# --check attaches nothing.
ip netns exec "$NS_A" bpftool net show dev "$IF_A" | grep -q 'ft_' && fail "--check attached a program"

if id nobody >/dev/null 2>&1; then
	rc=0
	ip netns exec "$NS_A" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$FLUXTRACE" --check >"$WORK/check" 2>&1 || rc=$?
	[[ $rc -eq 1 ]] || { cat "$WORK/check"; fail "unprivileged --check exited $rc"; }
	grep -qE "^privileges: +missing CAP_BPF \(" "$WORK/check" && grep -q "CAP_BPF MISSING, CAP_PERFMON MISSING, CAP_NET_ADMIN MISSING" "$WORK/check" && grep -q "cannot trace here" "$WORK/check" ||
		{ cat "$WORK/check"; fail "unprivileged --check does not say why"; }
fi
echo ok
