#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A neighbour change produces exactly one event; a no-op update none; and
# changes in another network namespace none.
source "$(dirname "$0")/lib.sh"
lab_pair

ft_start "$NS_A" -i "$IF_A" --events
ip -n "$NS_A" neigh replace 10.77.0.9 lladdr 02:00:00:00:00:09 dev "$IF_A" nud permanent
ip -n "$NS_A" neigh replace 10.77.0.9 lladdr 02:00:00:00:00:09 dev "$IF_A" nud permanent
ip -n "$NS_A" neigh replace 10.77.0.9 lladdr 02:00:00:00:00:0a dev "$IF_A" nud permanent
ip -n "$NS_B" neigh replace 10.77.0.8 lladdr 02:00:00:00:00:08 dev "$IF_B" nud permanent
ip -n "$NS_A" neigh replace fd77::9 lladdr 02:00:00:00:00:19 dev "$IF_A" nud permanent
sleep 0.5
ft_stop

created=$(events_matching "neigh 10\.77\.0\.9 00:00:00:00:00:00 > 02:00:00:00:00:09 " | wc -l)
changed=$(events_matching "neigh 10\.77\.0\.9 02:00:00:00:00:09 > 02:00:00:00:00:0a PERMANENT > PERMANENT" | wc -l)
all=$(events_matching "neigh 10\.77\.0\.9 " | wc -l)
[[ $created -eq 1 && $changed -eq 1 && $all -eq 2 ]] ||
	{ cat "$WORK/out"; fail "expected one event for the new entry and one for the change, got $all"; }
events_matching "neigh 10\.77\.0\.8 " | grep -q . && fail "event from another network namespace"
events_matching "neigh fd77::9 00:00:00:00:00:00 > 02:00:00:00:00:19" | grep -q . ||
	{ cat "$WORK/out"; fail "no IPv6 neighbour event"; }
echo ok
