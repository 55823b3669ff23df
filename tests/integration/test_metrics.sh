#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Live use: --metrics serves Prometheus text with findings (all of the run and
# active ones, and one series per active finding), flows, losses and
# per-interface hooks; --json --interval N streams JSON lines (the changes,
# then a summary); --interval N alone redraws the text report.
source "$(dirname "$0")/lib.sh"
lab_pair
command -v curl >/dev/null || skip "curl is not installed"

ft_start "$NS_A" -i "$IF_A" --metrics 127.0.0.1:9464 --json --interval 1
tcp_exchange "$NS_A" $IP_A 8080 "$NS_B"
ip netns exec "$NS_A" curl -sf --max-time 5 http://127.0.0.1:9464/metrics >"$WORK/metrics" ||
	fail "no answer on /metrics"
ip netns exec "$NS_A" curl -s --max-time 5 -o /dev/null -w '%{http_code}' \
	http://127.0.0.1:9464/other | grep -q 404 || fail "unknown path should be 404"
# A datagram to a closed port: B's kernel answers port unreachable, and a
# second later the flow is one_way (its ICMP error attached): one active
# finding, with its own series.
ip netns exec "$NS_A" bash -c "echo probe >/dev/udp/$IP_B/9"
sleep 2.2
ip netns exec "$NS_A" curl -sf --max-time 5 http://127.0.0.1:9464/metrics >"$WORK/metrics2" ||
	fail "no answer on /metrics"
ft_stop
grep -q '^fluxtrace_findings_active{kind="one_way",report="asymmetry"} 1$' "$WORK/metrics2" ||
	{ grep findings "$WORK/metrics2"; fail "one_way is not active in the gauge"; }
grep -Eq "^fluxtrace_finding_active\{id=\"[0-9a-f]{16}\",kind=\"one_way\",report=\"asymmetry\",subject=\"udp $IP_A\"\} 1$" \
	"$WORK/metrics2" || { grep finding_active "$WORK/metrics2"; fail "no series for the one_way"; }
[[ $(grep -c '^fluxtrace_finding_active{' "$WORK/metrics2") -eq 1 ]] ||
	fail "another finding has a series"
grep -q '^fluxtrace_finding_series_cut 0$' "$WORK/metrics2" || fail "no series cut gauge"

flows=$(awk '/^fluxtrace_flows /{print $2}' "$WORK/metrics")
[[ ${flows:-0} -ge 1 ]] || { cat "$WORK/metrics"; fail "fluxtrace_flows is '${flows}'"; }
for kind in return_path_mismatch next_hop_mismatch one_way multipath local_flux duplicate_ip \
	flip_flop mac_changed; do
	grep -q "^fluxtrace_findings{kind=\"$kind\",report=\"[a-z_]*\"} [0-9]*$" "$WORK/metrics" ||
		fail "no findings gauge for $kind"
	grep -q "^fluxtrace_findings_active{kind=\"$kind\",report=\"[a-z_]*\"} 0$" "$WORK/metrics" ||
		fail "no active findings gauge for $kind (0 before any finding)"
done
grep -q '^fluxtrace_lost_events_total 0$' "$WORK/metrics" || fail "lost events not 0"
grep -q "^fluxtrace_interface_hook{interface=\"$IF_A\",.*hook=\"tc_ingress\"} 1$" "$WORK/metrics" ||
	fail "no per-interface hook metric"
grep -q '^fluxtrace_kernel_total{counter="ringbuf_full"} 0$' "$WORK/metrics" ||
	fail "no ring-buffer loss counter"

# JSON lines: a summary every second, the one_way opened once, the last
# summary final.
python3 - "$WORK/out" <<'EOF' || fail "the JSON lines are not as documented"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
summaries = [l for l in lines if l["type"] == "summary"]
changes = [(l["type"], l["kind"]) for l in lines if l["type"] != "summary"]
assert len(summaries) >= 3, f"{len(summaries)} summaries"
assert summaries[-1]["final"] is True and not any(s["final"] for s in summaries[:-1])
assert changes == [("opened", "one_way")], changes
assert summaries[-1]["active"]["one_way"] == 1 and summaries[-1]["window_seconds"] == 300
EOF

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
