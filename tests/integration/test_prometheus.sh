#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A real Prometheus server (Debian's prometheus) scrapes a real fluxtrace
# in lab 1 (tools/lab/multinic-arpflux.sh) every second and evaluates the
# shipped alerting rules every second. The client keeps re-resolving the
# host's service address (neighbour flush + ping, real ARP): with
# arp_ignore=0 the host answers from all three NICs, so local_flux becomes
# active and FluxtraceArpFlux fires. Then the host is fixed (arp_ignore=1,
# arp_announce=2, source routing) while the traffic goes on: a window later
# every finding is resolved, the gauges are 0 and the alert is gone.
# Everything is asserted through Prometheus' own HTTP API.
#
# Both run inside the host's namespace: fluxtrace's --metrics and the
# server listen on that namespace's loopback, so nothing collides with a
# Prometheus of the machine. The rules are the shipped file with each `for`
# shortened to 1s so the test takes seconds (the real `for` durations are
# covered by tools/prometheus/fluxtrace.rules.test.yml).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
source "$top/tools/lab/multinic-arpflux.sh"
LAB_TOOLS+=(prometheus promtool curl)

WINDOW=5
FT_PORT=19591
PROM_PORT=19090
INSTANCE=127.0.0.1:$FT_PORT
PROM_URL=http://127.0.0.1:$PROM_PORT

fail() { lab_die "FAIL: $*"; }

lab_start flux

# --- Prometheus -------------------------------------------------------------

sed -E 's/^( +for: ).*/\11s/' "$top/tools/prometheus/fluxtrace.rules.yml" >"$LAB_TMP/rules.yml"
cat >"$LAB_TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files: ["$LAB_TMP/rules.yml"]
scrape_configs:
  - job_name: fluxtrace
    static_configs:
      - targets: ["$INSTANCE"]
EOF
out=$(promtool check config "$LAB_TMP/prometheus.yml" 2>&1) || fail "promtool check config: $out"

prom_log() {
	lab_log "  prometheus' log (last lines):"
	tail -n 20 "$LAB_TMP/prometheus.log" | sed 's/^/    /' >&2
}

# promq EXPR: an instant query; prints one line per series,
# "name{label=value,...} value", sorted; fails if the API says it failed.
promq() {
	on host curl -sS --max-time 3 -G --data-urlencode "query=$1" "$PROM_URL/api/v1/query" |
		"$LAB_PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
if r.get("status") != "success":
	sys.exit("query failed: %s" % r)
out = []
for s in r["data"]["result"]:
	m = dict(s["metric"])
	name = m.pop("__name__", "")
	out.append("%s{%s} %s" % (name, ",".join("%s=%s" % kv for kv in sorted(m.items())),
				   s["value"][1]))
print("\n".join(sorted(out)))'
}

# wait_for SECONDS WHAT EXPR PYCOND: poll EXPR every 0.5 s until PYCOND (a
# Python expression over `lines`, the promq output lines) holds; fails with
# WHAT and the last answer after SECONDS.
wait_for() {
	local secs=$1 what=$2 expr=$3 cond=$4 i ans=""
	for ((i = 0; i < secs * 2; i++)); do
		ans=$(promq "$expr" 2>&1) || ans="(query failed: $ans)"
		if "$LAB_PYTHON" -c "import sys; lines = [l for l in sys.argv[1].split('\n') if l]
sys.exit(0 if ($cond) else 1)" "$ans"; then
			return 0
		fi
		sleep 0.5
	done
	lab_log "  last answer to $expr:"
	sed 's/^/    /' <<<"${ans:-(no series)}" >&2
	fail "$what: not within $secs s"
}

# value EXPR: the value of a query with exactly one series.
value() {
	local ans
	ans=$(promq "$1") || fail "query $1: $ans"
	[[ $(wc -l <<<"$ans") -eq 1 && -n $ans ]] || fail "$1: want one series, got: ${ans:-none}"
	printf '%s' "${ans##* }"
}

lab_bg host prometheus.log prometheus --config.file="$LAB_TMP/prometheus.yml" \
	--storage.tsdb.path="$LAB_TMP/tsdb" --web.listen-address="127.0.0.1:$PROM_PORT" \
	--log.level=warn
PROM_PID=${LAB_PIDS[-1]}
for ((i = 0; i < 300; i++)); do
	on host curl -sf --max-time 1 -o /dev/null "$PROM_URL/-/ready" 2>/dev/null && break
	kill -0 "$PROM_PID" 2>/dev/null || { prom_log; fail "prometheus exited at start"; }
	sleep 0.1
done
[[ $i -lt 300 ]] || { prom_log; fail "prometheus not ready within 30 s"; }

# --- fluxtrace and the flux -------------------------------------------------

ft_start host host eth0,eth3,eth4 --metrics "$INSTANCE" --window "${WINDOW}s"
wait_for 20 "Prometheus scrapes fluxtrace" "up{job=\"fluxtrace\"}" \
	"lines == ['up{instance=$INSTANCE,job=fluxtrace} 1']"
[[ $(value 'sum(fluxtrace_findings_active)') == 0 ]] ||
	fail "findings active before any traffic: $(promq 'fluxtrace_findings_active > 0')"

# The client forgets the host's MAC and asks again every half second: each
# ARP request is broadcast and, with arp_ignore=0, answered by eth0, eth3
# and eth4; the ping then goes to whichever answer the client kept.
lab_bg client traffic.log bash -c "
	while :; do
		ip neigh flush dev eth0
		ping -q -c 1 -W 1 $SERVICE_IP >/dev/null && echo ok || echo lost
		sleep 0.5
	done"

# The gauge, the per-group series and the alert, firing, with its
# annotations rendered for this instance.
labels="instance=$INSTANCE,job=fluxtrace,kind=local_flux,report=arp_flux"
wait_for 30 "FluxtraceArpFlux firing" 'ALERTS{alertname="FluxtraceArpFlux"}' \
	"lines == ['ALERTS{alertname=FluxtraceArpFlux,alertstate=firing,$labels,severity=warning} 1']"
[[ $(value 'fluxtrace_findings_active{kind="local_flux",report="arp_flux"}') == 1 ]] ||
	fail "local_flux groups: want 1 (only $SERVICE_IP is asked for), got: $(promq \
		'fluxtrace_findings_active{kind="local_flux"}')"
groups=$(promq 'fluxtrace_finding_active{kind="local_flux"}')
[[ $(wc -l <<<"$groups") -eq 1 && $groups == *"subject="*"$SERVICE_IP"* && $groups == *" 1" &&
   $groups =~ id=[0-9a-f]{16}, && $groups == *"report=arp_flux"* ]] ||
	fail "want one fluxtrace_finding_active series for $SERVICE_IP, got: ${groups:-none}"
# While the flux lasts, replies may also leave eth0 for a request that came
# in on eth3 or eth4 (whichever MAC the client kept): nothing else.
active=$(promq 'fluxtrace_findings_active > 0' | sed -E 's/.*kind=([a-z_]+).*/\1/')
for k in $active; do
	[[ $k == local_flux || $k == return_path_mismatch ]] ||
		fail "active during the flux: $k ($(promq 'fluxtrace_findings_active > 0'))"
done
on host curl -sS --max-time 3 "$PROM_URL/api/v1/alerts" >"$LAB_TMP/alerts.json"
"$LAB_PYTHON" - "$LAB_TMP/alerts.json" "$INSTANCE" <<'EOF' || fail "the alert's annotations"
import json, sys
alerts = [a for a in json.load(open(sys.argv[1]))["data"]["alerts"]
	  if a["labels"]["alertname"] == "FluxtraceArpFlux"]
assert len(alerts) == 1, alerts
a = alerts[0]["annotations"]
assert a["summary"] == "ARP flux on %s: this host answers ARP for one address from several NICs" \
	% sys.argv[2], a["summary"]
assert a["description"].startswith("1 local_flux finding(s) active on %s" % sys.argv[2]), a
assert "arp_ignore=1" in a["description"] and "arp_announce=2" in a["description"], a
EOF
[[ $(value 'fluxtrace_lost_events_total') == 0 ]] || fail "fluxtrace lost events"

# --- the fix ----------------------------------------------------------------

fix_host
events_at_fix=$(value 'fluxtrace_events_total')
fixed_at=$SECONDS
# A window after the last flux answer, plus scrape and evaluation.
wait_for $((WINDOW + 30)) "local_flux resolved after the fix" \
	'fluxtrace_findings_active{kind="local_flux"}' \
	"lines == ['fluxtrace_findings_active{$labels} 0']"
wait_for 10 "FluxtraceArpFlux resolved" 'ALERTS{alertname="FluxtraceArpFlux"}' "lines == []"
resolved_after=$((SECONDS - fixed_at))
[[ $resolved_after -ge $((WINDOW - 2)) ]] ||
	fail "local_flux resolved ${resolved_after} s after the fix, before the ${WINDOW} s window"
# Every group, the asymmetry too, resolves: only eth4 answers now and its
# replies leave eth4. Nothing is left in the per-group series.
wait_for $((WINDOW + 15)) "every finding resolved" 'sum(fluxtrace_findings_active)' \
	"lines == ['{} 0']"
[[ -z $(promq 'fluxtrace_finding_active') ]] ||
	fail "per-group series after resolution: $(promq 'fluxtrace_finding_active')"
wait_for 10 "every alert resolved" 'ALERTS' "lines == []"
# Resolved while the traffic went on, not because it stopped: fluxtrace
# kept seeing events and the client's pings kept being answered.
events_now=$(value 'fluxtrace_events_total')
[[ $events_now -gt $events_at_fix ]] ||
	fail "no events since the fix ($events_at_fix, now $events_now): did the traffic stop?"
tail -n 3 "$LAB_TMP/traffic.log" | grep -qx ok || fail "the client's pings fail after the fix"
# The run's findings stay counted: the flux happened.
[[ $(value 'fluxtrace_findings{kind="local_flux"}') -ge 1 ]] ||
	fail "fluxtrace_findings lost the resolved local_flux"
[[ $(value 'fluxtrace_lost_events_total') == 0 ]] || fail "fluxtrace lost events"
ft_stop host
lab_log "prometheus: FluxtraceArpFlux fired during the flux," \
	"resolved ${resolved_after} s after the fix"
echo ok
