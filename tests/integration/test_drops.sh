#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Packets of a tracked flow that the stack drops after XDP saw them are
# reported once per flow and reason: rp_filter (the reverse path points
# elsewhere) and netfilter (a DROP rule); drops in other namespaces are not.
source "$(dirname "$0")/lib.sh"
lab_pair

# NS_A routes 10.99.0.0/24 out another interface, so strict rp_filter drops
# packets from 10.99.0.5 arriving on IF_A.
ip -n "$NS_A" link add ft-oth$$ type veth peer name ft-othp$$
ip -n "$NS_A" link set ft-oth$$ up
ip -n "$NS_A" link set ft-othp$$ up
ip -n "$NS_A" route add 10.99.0.0/24 dev ft-oth$$
ip netns exec "$NS_A" sysctl -qw net.ipv4.conf.all.rp_filter=1 "net.ipv4.conf.$IF_A.rp_filter=1"
ip -n "$NS_B" addr add 10.99.0.5/32 dev "$IF_B"
ip netns exec "$NS_A" iptables -A INPUT -p udp --dport 5555 -j DROP ||
	skip "iptables cannot add a rule here"

ft_start "$NS_A" -i "$IF_A" --events
grep -q 'not tracing drops' "$WORK/err" && skip "skb:kfree_skb cannot be attached on $(uname -r)"
ip netns exec "$NS_B" ping -c 3 -i 0.2 -W 1 -I 10.99.0.5 $IP_A >/dev/null 2>&1 || true
for _ in 1 2 3; do echo x | ip netns exec "$NS_B" socat -u - UDP:$IP_A:5555; done
# The same drops in NS_B must not show up in NS_A's trace.
ip netns exec "$NS_B" iptables -A OUTPUT -p udp --dport 6666 -j DROP
echo x | ip netns exec "$NS_B" socat -u - UDP:$IP_A:6666 2>/dev/null || true
sleep 0.5
ft_stop

rp=$(events_matching "kfree_skb +$IF_A +in +drop icmp 10\.99\.0\.5:[0-9]+ > $IP_A:[0-9]+ by rp_filter" | wc -l)
nf=$(events_matching "kfree_skb +$IF_A +in +drop udp $IP_B:[0-9]+ > $IP_A:5555 by netfilter" | wc -l)
[[ $rp -eq 1 ]] || { cat "$WORK/out"; fail "expected one rp_filter drop event, got $rp"; }
[[ $nf -eq 3 ]] || { cat "$WORK/out"; fail "expected one netfilter drop event per UDP flow (3), got $nf"; }
events_matching ":6666" | grep -q drop && fail "a drop from another namespace was reported"
echo ok
