#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 4 with the client's firewall on path B, traced on both ends: the
# requests leave the client by eth0 and reach the server on eth0, the
# replies leave the server by eth1 and reach the client on eth1, where the
# firewall drops them. Joined: one return_path_around naming both hosts
# and both paths, for the TCP and the UDP flow (flows=2).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$E2E_TOP/tools/lab/asym-routing.sh"

e2e_begin firewall
e2e_trace client client eth0,eth1
e2e_trace server server eth0,eth1
e2e_traffic
e2e_settle
e2e_stop client server

grep -q 'not tracing drops' "$(ft_err client)" &&
	lab_skip "skb:kfree_skb cannot be attached on $(uname -r)"
for tag in client server; do
	e2e_check "$tag" allow-asym allow-flux "counter lost_events=0"
done
e2e_join joined client server
e2e_check_join joined \
	"corr kind=return_path_around client.ip=$CLIENT_IP server.ip=$SERVER_IP
	 server.port=$SERVICE_PORT flows=2
	 parts=client/client/eth0+eth1/$CLIENT_MAC0+$CLIENT_MAC1,server/server/eth0+eth1/$SERVER_MAC0+$SERVER_MAC1
	 hosts.*.request_interfaces=eth0 hosts.*.reply_interfaces=eth1
	 summary~='leave client by eth0 and reach server on eth0; the replies leave server by eth1 and reach client on eth1'" \
	only
e2e_end
