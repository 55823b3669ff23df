#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Events come from each hook with the right interface and L2 peer: XDP on
# ingress (default), tc ingress (--xdp-mode off), tc egress.
source "$(dirname "$0")/lib.sh"
lab_pair

ft_start "$NS_A" -i "$IF_A" --events --xdp-mode auto
tcp_exchange "$NS_A" $IP_A 8080 "$NS_B"
ft_stop

# The request arrives at XDP from B's MAC; the reply leaves at tc egress to B's MAC.
events_matching "^[0-9:.]+ xdp +$IF_A +in +new +tcp $IP_B:[0-9]+ > $IP_A:8080 \[S\] $MAC_B > $MAC_A request" |
	grep -q . || { cat "$WORK/out"; fail "no XDP 'new' event for the SYN from $MAC_B"; }
events_matching "^[0-9:.]+ tc_egress +$IF_A +out +path +tcp $IP_A:8080 > $IP_B:[0-9]+ \[S\.\] $MAC_A > $MAC_B reply" |
	grep -q . || { cat "$WORK/out"; fail "no tc_egress 'path' event for the SYN-ACK to $MAC_B"; }
grep -q "iface traced ifindex [0-9]* mac $MAC_A xdp tc_egress" "$WORK/out" ||
	fail "interface record does not show XDP and tc egress on $IF_A"

ft_start "$NS_A" -i "$IF_A" --events --xdp-mode off
tcp_exchange "$NS_A" $IP_A 8081 "$NS_B"
ft_stop
events_matching "^[0-9:.]+ tc_ingress +$IF_A +in +new +tcp $IP_B:[0-9]+ > $IP_A:8081 \[S\] $MAC_B > $MAC_A" |
	grep -q . || { cat "$WORK/out"; fail "no tc_ingress event with --xdp-mode off"; }
events_matching " xdp " | grep -q . && fail "XDP events although --xdp-mode off"
grep -q "iface traced ifindex [0-9]* mac $MAC_A tc_ingress tc_egress" "$WORK/out" ||
	fail "interface record does not show tc ingress and egress"
echo ok
