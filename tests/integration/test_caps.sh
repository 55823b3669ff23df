#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Least privilege: a non-root user holding exactly CAP_BPF, CAP_PERFMON and
# CAP_NET_ADMIN (as ambient capabilities, the way the systemd unit grants
# them) traces a lab and gets its finding; without any one of the three,
# fluxtrace stops at once with a line naming the missing capability, and
# --check says which are present and which are missing.
source "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
lab_pair

# A copy every user may run, wherever the build directory lives.
bindir=$(mktemp -d)
chmod 755 "$bindir"
install -m 0755 "$FLUXTRACE" "$bindir/fluxtrace"
trap 'rm -rf "$bindir"; cleanup' EXIT

as_nobody() {	# as_nobody CAPS CMD...: uid/gid 65534 with exactly CAPS
	local caps=$1
	shift
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps="-all,$caps" \
		--ambient-caps="-all,$caps" --bounding-set="-all,$caps" "$@"
}
cat >"$bindir/ft-nobody" <<WRAP
#!/bin/sh
exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+bpf,+perfmon,+net_admin \
	--ambient-caps=-all,+bpf,+perfmon,+net_admin --bounding-set=-all,+bpf,+perfmon,+net_admin \
	"$bindir/fluxtrace" "\$@"
WRAP
chmod 755 "$bindir/ft-nobody"

# With the three: a UDP request to a closed port is answered by an ICMP
# port unreachable, a one_way finding the user must see.
FLUXTRACE=$bindir/ft-nobody ft_start "$NS_A" -i "$IF_A" --json --oneway-after 1
grep -q 'missing CAP' "$WORK/err" && fail "with all three capabilities: $(cat "$WORK/err")"
echo x | ip netns exec "$NS_A" socat -u - UDP:$IP_B:7777
sleep 1.5
ft_stop || fail "fluxtrace as a user with CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN failed: $(cat "$WORK/err")"
python3 - "$WORK/out" "$IP_B" <<'PY' || fail "no one_way finding for the UDP request: $(cat "$WORK/out")"
import json, sys
doc = json.loads(open(sys.argv[1]).read().splitlines()[-1])
ok = [f for f in doc["asymmetry"] if f["kind"] == "one_way" and f["server"]["ip"] == sys.argv[2]
      and f["server"]["port"] == 7777]
sys.exit(0 if len(ok) == 1 else 1)
PY

# Without one of them: one line naming it, exit 1, before touching anything.
for cap in bpf perfmon net_admin; do
	rest=$(printf '+%s\n' bpf perfmon net_admin | grep -vx "+$cap" | paste -sd,)
	name=CAP_${cap^^}
	rc=0
	ip netns exec "$NS_A" bash -c "$(declare -f as_nobody); as_nobody '$rest' '$bindir/fluxtrace' -i '$IF_A' -d 1" \
		>"$WORK/out" 2>"$WORK/err" || rc=$?
	[[ $rc -eq 1 ]] || fail "without $name: exit $rc, want 1"
	[[ $(wc -l <"$WORK/err") -eq 1 ]] || fail "without $name: not one line: $(cat "$WORK/err")"
	grep -q "^fluxtrace: missing $name (" "$WORK/err" || fail "without $name: $(cat "$WORK/err")"
	ip netns exec "$NS_A" bash -c "$(declare -f as_nobody); as_nobody '$rest' '$bindir/fluxtrace' --check" \
		>"$WORK/out" 2>&1 || true
	grep -q "$name MISSING" "$WORK/out" || fail "--check without $name: $(cat "$WORK/out")"
done
as_nobody +bpf,+perfmon,+net_admin "$bindir/fluxtrace" --check >"$WORK/out" 2>&1 ||
	fail "--check with the three capabilities: $(cat "$WORK/out")"
grep -q "CAP_BPF present, CAP_PERFMON present, CAP_NET_ADMIN present" "$WORK/out" ||
	fail "--check does not list the capabilities: $(cat "$WORK/out")"
echo ok
