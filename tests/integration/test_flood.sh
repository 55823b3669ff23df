#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A SYN flood from random sources overruns a deliberately small flow map and
# ring buffer: fluxtrace keeps running, traffic still flows, every loss is
# counted and reported, and memory stays within the configured caps.
source "$(dirname "$0")/lib.sh"
lab_pair
command -v hping3 >/dev/null || skip "hping3 is not installed (tools/deps.sh installs it)"

ft_start "$NS_A" -i "$IF_A" --json --max-flows 256 --ringbuf-size 4096
grep -q 'tracking up to 256 flows' "$WORK/err" || fail "memory caps not printed at start"
ip netns exec "$NS_B" timeout 3 hping3 --flood --rand-source -S -p 80 $IP_A >/dev/null 2>&1 || true
kill -0 "$FT_PID" || fail "fluxtrace died under the flood"
rss_kb=$(awk '/^VmRSS/{print $2}' /proc/"$FT_PID"/status)
tcp_exchange "$NS_A" $IP_A 8080 "$NS_B"
ft_stop

python3 - "$WORK/out" "$rss_kb" <<'PY' || fail "report after the flood is wrong"
import json, sys
doc = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
c = doc["counters"]
print("counters:", c, "rss_kb:", sys.argv[2])
assert c["lost_events"] > 0, "a flood into a 4 KiB ring buffer must lose (and count) events"
assert c["packets"] > 1000, "the kernel did not count the flood"
assert int(sys.argv[2]) < 128 * 1024, "RSS beyond 128 MiB with 256 flows"
PY
echo ok
