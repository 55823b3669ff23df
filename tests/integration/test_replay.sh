#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# -w then -r --events gives the same events and the same findings as live,
# hints included (the trace records the host facts they quote).
source "$(dirname "$0")/lib.sh"
lab_pair

ft_start "$NS_A" -i "$IF_A" --events --json -w "$WORK/trace.ft"
tcp_exchange "$NS_A" $IP_A 8080 "$NS_B"
ip netns exec "$NS_B" ping -c 2 -i 0.2 -W 1 $IP6_A >/dev/null
ip netns exec "$NS_B" ping -c 1 -W 1 10.77.0.99 >/dev/null 2>&1 || true
ft_stop
cp "$WORK/out" "$WORK/live.out"

"$FLUXTRACE" -r "$WORK/trace.ft" --events --json >"$WORK/replay.out" 2>"$WORK/replay.err" ||
	{ cat "$WORK/replay.err"; fail "replay failed"; }
diff <(grep -v '^{' "$WORK/live.out") <(grep -v '^{' "$WORK/replay.out") ||
	fail "replayed events differ from the live ones"
grep -q ' new  tcp ' "$WORK/replay.out" || fail "replay shows no TCP flow"

python3 - "$WORK/live.out" "$WORK/replay.out" <<'PY' || fail "replayed findings differ"
import json, sys
def findings(path):
    doc = json.loads([l for l in open(path) if l.startswith("{")][-1])
    return doc["asymmetry"], doc["arp_flux"]
live, replay = findings(sys.argv[1]), findings(sys.argv[2])
if live != replay:
    print("live:  ", live, "\nreplay:", replay)
    sys.exit(1)
PY
echo ok
