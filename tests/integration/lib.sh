# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Shared by the integration tests: a two-namespace veth lab and helpers to
# run fluxtrace in it. Source it; set FT_KEEP=1 to leave the lab up.
set -euo pipefail

FLUXTRACE=${FLUXTRACE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/fluxtrace}
NS_A=fta$$
NS_B=ftb$$
IF_A=ft-a$$
IF_B=ft-b$$
IP_A=10.77.0.1
IP_B=10.77.0.2
IP6_A=fd77::1
IP6_B=fd77::2
WORK=$(mktemp -d /tmp/fluxtrace-test.XXXXXX)
FT_PID=

skip() { echo "skip: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
	local rc=$?
	[[ -n $FT_PID ]] && kill -KILL "$FT_PID" 2>/dev/null
	if [[ ${FT_KEEP:-0} == 1 ]]; then
		echo "lab left up: namespaces $NS_A $NS_B, files in $WORK" >&2
		return $rc
	fi
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	rm -rf "$WORK"
	return $rc
}
trap cleanup EXIT

[[ $(id -u) -eq 0 ]] || skip "needs root"
[[ -x $FLUXTRACE ]] || fail "no $FLUXTRACE: run make first"

# Two namespaces joined by a veth pair, IPv4 and IPv6, static neighbours so
# no ARP/NDP happens unless a test asks for it.
lab_pair() {
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B"
	ip -n "$NS_A" addr add $IP_A/24 dev "$IF_A"
	ip -n "$NS_B" addr add $IP_B/24 dev "$IF_B"
	ip -n "$NS_A" addr add $IP6_A/64 dev "$IF_A" nodad
	ip -n "$NS_B" addr add $IP6_B/64 dev "$IF_B" nodad
	for ns in "$NS_A" "$NS_B"; do ip -n "$ns" link set lo up; done
	ip -n "$NS_A" link set "$IF_A" up
	ip -n "$NS_B" link set "$IF_B" up
	MAC_A=$(ip -n "$NS_A" -br link show "$IF_A" | awk '{print $3}')
	MAC_B=$(ip -n "$NS_B" -br link show "$IF_B" | awk '{print $3}')
	ip -n "$NS_A" neigh replace $IP_B lladdr "$MAC_B" dev "$IF_A" nud permanent
	ip -n "$NS_B" neigh replace $IP_A lladdr "$MAC_A" dev "$IF_B" nud permanent
	ip -n "$NS_A" neigh replace $IP6_B lladdr "$MAC_B" dev "$IF_A" nud permanent
	ip -n "$NS_B" neigh replace $IP6_A lladdr "$MAC_A" dev "$IF_B" nud permanent
}

# ft_start NS ARGS...: fluxtrace in NS, stdout to $WORK/out, stderr to
# $WORK/err; returns once it is tracing (or fails after 20 s). FT_ENV adds
# environment variables (e.g. FT_ENV=FLUXTRACE_NO_TCX=1).
ft_start() {
	local ns=$1
	shift
	: >"$WORK/err"
	ip netns exec "$ns" env ${FT_ENV:-} "$FLUXTRACE" "$@" >"$WORK/out" 2>"$WORK/err" &
	FT_PID=$!
	for _ in $(seq 200); do
		grep -q '^fluxtrace: tracing ' "$WORK/err" && return 0
		kill -0 "$FT_PID" 2>/dev/null || { cat "$WORK/err" >&2; fail "fluxtrace exited early"; }
		sleep 0.1
	done
	cat "$WORK/err" >&2
	fail "fluxtrace did not start tracing within 20 s"
}

# ft_stop: SIGINT, then wait (bounded) for the report; returns its status.
ft_stop() {
	local rc=0
	kill -INT "$FT_PID"
	for _ in $(seq 150); do
		kill -0 "$FT_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$FT_PID" 2>/dev/null && { kill -KILL "$FT_PID"; fail "fluxtrace ignored SIGINT"; }
	wait "$FT_PID" || rc=$?
	FT_PID=
	return $rc
}

# tcp_exchange NS_SERVER IP PORT NS_CLIENT: one short TCP request/response.
tcp_exchange() {
	local srv=$1 ip=$2 port=$3 cli=$4
	ip netns exec "$srv" timeout 10 socat -T 5 TCP-LISTEN:"$port",reuseaddr EXEC:'cat' &
	local spid=$!
	for _ in $(seq 50); do
		ip netns exec "$srv" ss -Hltn "sport = :$port" | grep -q . && break
		sleep 0.1
	done
	echo ping | ip netns exec "$cli" timeout 5 socat -T 2 - TCP:"$ip":"$port" >/dev/null
	wait "$spid" 2>/dev/null || true
}

# Lines of the --events output that mention PATTERN.
events_matching() { grep -E -- "$1" "$WORK/out" || true; }
