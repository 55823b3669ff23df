#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel's set of this host's MACs follows the links: a macvlan child's
# frames are this host's traffic through its lower device, under its new
# MAC once it changes, and its old MAC is another host's from then on; the
# same for the traced interface's own MAC.
source "$(dirname "$0")/lib.sh"
lab_pair

MV=ft-mv$$
MV_IP=10.77.0.3
MV_OLD=02:77:00:00:00:31
MV_NEW=02:77:00:00:00:32
A_NEW=02:77:00:00:00:41
ip -n "$NS_A" link add "$MV" link "$IF_A" address $MV_OLD type macvlan mode bridge
ip -n "$NS_A" addr add $MV_IP/24 dev "$MV" noprefixroute
ip -n "$NS_A" link set "$MV" up

wait_for() {
	for _ in $(seq 100); do grep -q -- "$1" "$WORK/err" && return 0; sleep 0.1; done
	cat "$WORK/err" >&2
	fail "no line '$1'"
}

# ping_via IP MAC: one ping from B to IP, its frames addressed to MAC.
ping_via() {
	ip -n "$NS_B" neigh replace "$1" lladdr "$2" dev "$IF_B" nud permanent
	ip netns exec "$NS_B" ping -c 1 -W 1 "$1" >/dev/null 2>&1 || true
}

# Nothing is in promiscuous mode here: a veth delivers every frame, and
# the stack drops those for other MACs, as a switch's flooding would.
ft_start "$NS_A" -i "$IF_A" --events --json -v
wait_for "local MAC $MV_OLD added"
ping_via $MV_IP $MV_OLD			# the macvlan, through its lower device
ip -n "$NS_A" link set dev "$MV" address $MV_NEW
wait_for "local MAC $MV_NEW added"
wait_for "local MAC $MV_OLD removed"
ping_via $MV_IP $MV_NEW			# the macvlan's new MAC
ping_via 10.77.0.4 $MV_OLD		# its old MAC: nobody's here any more
ip -n "$NS_A" link set dev "$IF_A" address $A_NEW
wait_for "$IF_A: MAC changed to $A_NEW"
wait_for "local MAC $MAC_A removed"
ping_via $IP_A $A_NEW			# the traced interface's new MAC
ping_via 10.77.0.5 "$MAC_A"		# its old MAC
kill -0 "$FT_PID" || fail "fluxtrace died"
ft_stop

requests() { events_matching " in .* icmp $IP_B:[0-9]+ > $1:.* > $2 request"; }
[[ $(requests $MV_IP $MV_OLD | wc -l) -eq 1 ]] ||
	{ cat "$WORK/out"; fail "the macvlan's request through $IF_A is missing"; }
[[ $(requests $MV_IP $MV_NEW | wc -l) -eq 1 ]] ||
	{ cat "$WORK/out"; fail "the macvlan's request to its new MAC is missing"; }
[[ $(requests $IP_A $A_NEW | wc -l) -eq 1 ]] ||
	{ cat "$WORK/out"; fail "the request to $IF_A's new MAC is missing"; }
events_matching "10\.77\.0\.[45]" | grep -q . &&
	{ cat "$WORK/out"; fail "a frame for an old MAC was tracked as this host's"; }
other=$(tail -n 1 "$WORK/out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["other_host"])')
[[ $other -eq 2 ]] || { cat "$WORK/out"; fail "other_host is $other, not 2 (two pings to old MACs)"; }
echo ok
