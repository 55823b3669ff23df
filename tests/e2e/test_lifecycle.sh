#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 1, episode: an ARP-flux episode opens and resolves. The host answers
# the client's ARP requests from all three interfaces for 3 s, then the fix
# (arp_ignore=1, arp_announce=2, source routing) is applied while the
# client goes on asking. fluxtrace --json --interval 1 --window 3s on the
# host prints local_flux "opened", then "resolved" a window after the fix,
# one id for both, and nothing else; a replay of its trace prints the same
# changes with the same id. --fail-on: the host run (local_flux) exits 3,
# the client's run for kinds it does not see exits 0, and on the replay
# kinds decide, --allow and look-alikes never count.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/multinic-arpflux.sh"

# Slower machines (a VM under emulation: FT_TIMEOUT_SCALE) take longer
# between two ARP requests: the window, the flux and the rest scale.
scale=${FT_TIMEOUT_SCALE:-1}
WINDOW=$((3 * scale))
EPISODE_FLUX=$((3 * scale))
EPISODE_AFTER=$((WINDOW + 4 * scale))

e2e_begin episode
trace=$LAB_TMP/ft-host.trace
ft_launch host host eth0,eth3,eth4 --json --interval "$scale" --window "${WINDOW}s" -w "$trace" \
	--fail-on local_flux
ft_launch client client eth0 --json --fail-on one_way,return_path_mismatch,local_flux
ft_wait host client
lab_traffic

# stop TAG: SIGINT, bounded wait; its exit status in STOP_RC.
stop() {
	local pid=${FT_PIDS[$1]} i
	STOP_RC=0
	kill -INT "$pid"
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; lab_die "fluxtrace ($1) hung at SIGINT"; }
	wait "$pid" || STOP_RC=$?
	unset "FT_PIDS[$1]"
}
stop host
rc_host=$STOP_RC
stop client
rc_client=$STOP_RC
e2e_expect() { # e2e_expect WHAT GOT WANT
	if [[ $2 == "$3" ]]; then
		echo "$LAB_NAME(episode): $1: $2"
	else
		echo "$LAB_NAME(episode): $1: got $2, want $3" >&2
		sed 's/^/  /' "$(ft_err host)" >&2
		E2E_FAILED=1
	fi
}
e2e_expect "live --fail-on local_flux on the host (exit)" "$rc_host" 3
e2e_expect "live --fail-on one_way,return_path_mismatch,local_flux on the client (exit)" \
	"$rc_client" 0
# The client saw the same flux from outside: one duplicate_ip, nothing else
# (it asked for this one address only, so nothing shows the three MACs to
# be one host's: several owners, by the rules).
e2e_check client "flux kind=duplicate_ip ip=$SERVICE_IP interfaces=eth0 owners=several" \
	"counter lost_events=0" only

replay=$LAB_TMP/replay.out
rc=0
"$(ft_bin)" -r "$trace" --json --interval "$scale" --window "${WINDOW}s" >"$replay" || rc=$?
e2e_expect "replay (exit)" "$rc" 0

# The lines: every one JSON with a known type; the changes are exactly
# local_flux for the service address opened, (updated,) resolved, under one
# id; the last summary is final with nothing active; the replay says the
# same changes with the same id.
if ! "$LAB_PYTHON" - "$(ft_out host)" "$replay" "$SERVICE_IP" <<'EOF'; then
import json, re, sys

def changes(path):
    out, last = [], None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            o = json.loads(line)
            t = o["type"]
            assert t in ("opened", "updated", "resolved", "summary"), f"{path}:{n}: type {t}"
            assert re.match(r"^\d{4}-\d\d-\d\dT", o["time"]), f"{path}:{n}: time"
            if t == "summary":
                last = o
                continue
            assert re.match(r"^[0-9a-f]{16}$", o["id"]), f"{path}:{n}: id"
            fnd = o["finding"] or {}
            if fnd:
                assert fnd["id"] == o["id"], f"{path}:{n}: finding id"
            out.append((t, o["id"], o["kind"], fnd.get("ip"), fnd.get("state")))
    return out, last

live, last = changes(sys.argv[1])
again, last2 = changes(sys.argv[2])
ip = sys.argv[3]
print("live changes:", *live, sep="\n  ")
seq = [c[0] for c in live]
assert len(live) >= 2 and seq[0] == "opened" and seq[-1] == "resolved" and \
    set(seq[1:-1]) <= {"updated"}, f"not opened (updated)* resolved: {seq}"
assert {(c[1], c[2], c[3]) for c in live} == {(live[0][1], "local_flux", ip)}, \
    "changes for something else than local_flux of the service address"
assert live[0][4] == "active" and live[-1][4] == "resolved", "finding states"
assert last["final"] is True and last["active"]["local_flux"] == 0 and \
    last["findings"]["local_flux"] == 1, f"final summary: {last}"
assert sum(last["active"].values()) == 0 and sum(last["findings"].values()) == 1, \
    f"other findings in the final summary: {last}"
strip = lambda cs: [(t, i, k) for t, i, k, _, _ in cs if t != "updated"]
assert strip(again) == strip(live), f"the replay differs: {again}"
assert last2["final"] is True and last2["findings"] == last["findings"]
print("replay: the same changes, the same id")
EOF
	E2E_FAILED=1
fi

# --fail-on on the replay: the kinds decide; --allow makes it a look-alike.
for args in "local_flux:3" "any:3" "duplicate_ip,one_way:0" "any --allow $SERVICE_IP:0"; do
	rc=0
	# shellcheck disable=SC2086
	"$(ft_bin)" -r "$trace" --fail-on ${args%:*} >/dev/null || rc=$?
	e2e_expect "-r --fail-on ${args%:*} (exit)" "$rc" "${args##*:}"
done
e2e_end
