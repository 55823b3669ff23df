#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Live use: --metrics serves Prometheus text with findings, flows, losses and
# per-interface hooks; --json --interval N streams one JSON object per line;
# --interval N alone redraws the text report.
source "$(dirname "$0")/lib.sh"
lab_pair
command -v curl >/dev/null || skip "curl is not installed"

ft_start "$NS_A" -i "$IF_A" --metrics 127.0.0.1:9464 --json --interval 1
tcp_exchange "$NS_A" $IP_A 8080 "$NS_B"
ip netns exec "$NS_A" curl -sf --max-time 5 http://127.0.0.1:9464/metrics >"$WORK/metrics" ||
	fail "no answer on /metrics"
ip netns exec "$NS_A" curl -s --max-time 5 -o /dev/null -w '%{http_code}' \
	http://127.0.0.1:9464/other | grep -q 404 || fail "unknown path should be 404"
sleep 1.5
ft_stop

flows=$(awk '/^fluxtrace_flows /{print $2}' "$WORK/metrics")
[[ ${flows:-0} -ge 1 ]] || { cat "$WORK/metrics"; fail "fluxtrace_flows is '${flows}'"; }
for kind in return_path_mismatch next_hop_mismatch one_way multipath local_flux duplicate_ip \
	flip_flop mac_changed; do
	grep -q "^fluxtrace_findings{kind=\"$kind\",report=\"[a-z_]*\"} [0-9]*$" "$WORK/metrics" ||
		fail "no findings gauge for $kind"
done
grep -q '^fluxtrace_lost_events_total 0$' "$WORK/metrics" || fail "lost events not 0"
grep -q "^fluxtrace_interface_hook{interface=\"$IF_A\",.*hook=\"tc_ingress\"} 1$" "$WORK/metrics" ||
	fail "no per-interface hook metric"
grep -q '^fluxtrace_kernel_total{counter="ringbuf_full"} 0$' "$WORK/metrics" ||
	fail "no ring-buffer loss counter"

lines=$(grep -c '^{' "$WORK/out")
[[ $lines -ge 2 ]] || fail "expected JSON lines every second, got $lines"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]' "$WORK/out" ||
	fail "a JSON line does not parse"

# The text live view: a report every interval, then the final one.
ft_start "$NS_A" -i "$IF_A" --interval 1
ip netns exec "$NS_B" ping -c 3 -i 0.5 -W 1 $IP_A >/dev/null
for _ in $(seq 50); do
	[[ $(grep -c '^fluxtrace report: ' "$WORK/out") -ge 2 ]] && break
	sleep 0.1
done
ft_stop
reports=$(grep -c '^fluxtrace report: ' "$WORK/out")
[[ $reports -ge 3 ]] || { cat "$WORK/out"; fail "expected a text report every second, got $reports"; }
echo ok
