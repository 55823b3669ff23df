#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Replaying a large recorded trace (a SYN flood from random sources, tens of
# thousands of flows) is valgrind-clean: no invalid access, no leak.
source "$(dirname "$0")/lib.sh"
lab_pair
command -v valgrind >/dev/null || skip "valgrind is not installed (tools/deps.sh installs it)"
ldd "$FLUXTRACE" | grep -q libasan && skip "an ASan build: valgrind runs on the plain build only"
command -v hping3 >/dev/null || skip "hping3 is not installed (tools/deps.sh installs it)"

ft_start "$NS_A" -i "$IF_A" -w "$WORK/flood.ft"
ip netns exec "$NS_B" timeout 2 hping3 --flood --rand-source -S -p 80 $IP_A >/dev/null 2>&1 || true
tcp_exchange "$NS_A" $IP_A 8080 "$NS_B"
ft_stop
records=$("$FLUXTRACE" -r "$WORK/flood.ft" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["events"])')
[[ $records -ge 10000 ]] || fail "the trace is too small to mean anything ($records events)"

valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	"$FLUXTRACE" -r "$WORK/flood.ft" --json >"$WORK/vg.out" 2>"$WORK/vg.err" ||
	{ tail -40 "$WORK/vg.err"; fail "valgrind found errors replaying $records events"; }
echo "ok: $records events replayed under valgrind"
