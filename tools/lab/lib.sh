# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Shared helpers for the fluxtrace labs (sourced, never run): network
# namespaces with unique names, veth pairs, bridges, static neighbours,
# background servers, fluxtrace runs, and the command line every lab script
# offers:
#
#   LAB.sh [run|setup|traffic|teardown] [VARIANT]
#     run       build the lab, trace it with fluxtrace (if built), send the
#               traffic, print fluxtrace's report(s), tear the lab down
#     setup     build the lab and leave it up (prints how to enter it)
#     traffic   send the lab's traffic into a lab left up (FT_LAB_ID=ID)
#     teardown  remove a lab left up (FT_LAB_ID=ID)
#
# Environment: FT_KEEP=1 leaves the lab (and its logs) up after `run` or a
# test; FT_LAB_ID=ID names the lab (default: the shell's pid); FT_BIN is
# the fluxtrace binary (default build/fluxtrace); FT_JSON=1 makes `run`
# print JSON instead of text.
#
# A lab script defines LAB_NAME, LAB_VARIANTS (first is the default),
# lab_describe, lab_setup, lab_traffic and lab_trace_points ("NS:IF,IF"
# per line: where fluxtrace watches), sources this file and ends with
# `lab_main "$@"`. Every namespace is named ftl<ID>-<role>; every interface
# name inside a namespace is fixed (eth0, ...), so the same names come back
# in every run and in fluxtrace's output.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_ROOT=$(cd "$LAB_DIR/../.." && pwd)
LAB_ID=${FT_LAB_ID:-$$}
LAB_PREFIX="ftl${LAB_ID}"
LAB_PKT="$LAB_DIR/pkt.py"
# Debian's own interpreter starts fastest (no version-manager shims).
LAB_PYTHON=$(command -v /usr/bin/python3 || command -v python3 || true)
LAB_TMP=""
LAB_VARIANT=""
LAB_PIDS=()
declare -A FT_PIDS=()

lab_log() { printf '%s\n' "$*" >&2; }
lab_die() { printf '%s: %s\n' "${LAB_NAME:-lab}" "$*" >&2; exit 1; }
# Exit code 77: the test harness counts this as skipped, not failed.
lab_skip() { printf 'SKIP: %s: %s\n' "${LAB_NAME:-lab}" "$*" >&2; exit 77; }

lab_require() {
	[[ $(id -u) -eq 0 ]] || lab_skip "needs root (network namespaces, BPF)"
	local t
	for t in ip python3 "$@"; do
		command -v "$t" >/dev/null || lab_skip "needs '$t' (run 'make deps')"
	done
	ip netns list >/dev/null 2>&1 || lab_skip "network namespaces are not available"
}

lab_tmpdir() {
	[[ -n $LAB_TMP ]] || LAB_TMP=$(mktemp -d "/tmp/${LAB_PREFIX}-${LAB_NAME:-lab}.XXXXXX")
}

# ns ROLE: the namespace name of a lab role.
ns() { printf '%s-%s' "$LAB_PREFIX" "$1"; }

# on ROLE CMD...: run CMD inside the role's namespace.
on() {
	local role=$1
	shift
	ip netns exec "$(ns "$role")" "$@"
}

# lab_sysctl ROLE KEY=VALUE...
lab_sysctl() {
	local role=$1
	shift
	on "$role" sysctl -qw "$@" >/dev/null
}

# lab_ns ROLE [ipv6]: a namespace with lo up and known defaults, set before
# any interface exists so that "default" reaches them all: no reverse-path
# filter, Linux's default ARP behaviour, and IPv6 off unless asked for (then
# without DAD, router solicitations or delayed MLD reports, so nothing but the
# lab's own traffic shows up once the lab is built).
lab_ns() {
	local role=$1 v6=${2:-} name
	name=$(ns "$role")
	ip netns add "$name" || lab_die "cannot create namespace $name"
	on "$role" ip link set lo up
	local c
	for c in all default; do
		lab_sysctl "$role" "net.ipv4.conf.$c.rp_filter=0" "net.ipv4.conf.$c.arp_ignore=0" \
			"net.ipv4.conf.$c.arp_announce=0" "net.ipv4.conf.$c.arp_filter=0" \
			"net.ipv4.conf.$c.send_redirects=0" "net.ipv4.conf.$c.accept_redirects=0"
		if [[ $v6 == ipv6 ]]; then
			lab_sysctl "$role" "net.ipv6.conf.$c.accept_dad=0" \
				"net.ipv6.conf.$c.router_solicitations=0" \
				"net.ipv6.conf.$c.accept_ra=0" \
				"net.ipv6.conf.$c.mldv1_unsolicited_report_interval=1" \
				"net.ipv6.conf.$c.mldv2_unsolicited_report_interval=1" \
				"net.ipv6.conf.$c.accept_redirects=0"
		else
			lab_sysctl "$role" "net.ipv6.conf.$c.disable_ipv6=1"
		fi
	done
}

# lab_veth ROLE1 IF1 MAC1 ROLE2 IF2 MAC2: a cable between two namespaces.
lab_veth() {
	ip link add "$2" netns "$(ns "$1")" address "$3" type veth \
		peer name "$5" netns "$(ns "$4")" address "$6" ||
		lab_die "cannot create veth $1/$2 <-> $4/$5"
	on "$1" ip link set "$2" up
	on "$4" ip link set "$5" up
}

# lab_switch ROLE: a namespace holding one plain learning bridge, br0
# (no STP, no multicast snooping: frames are forwarded at once).
lab_switch() {
	lab_ns "$1"
	on "$1" ip link add br0 type bridge stp_state 0 mcast_snooping 0 forward_delay 0
	on "$1" ip link set br0 up
}

# lab_plug SWITCH ROLE IF MAC: ROLE's interface IF, cabled to a port of
# SWITCH's bridge; the port is named ROLE.IF in the switch namespace. The
# switch knows the MAC from the start (static FDB entry): a frame is never
# flooded to every port because the bridge has not learned its
# destination yet, which would depend on what happened to be sent first.
lab_plug() {
	local sw=$1 role=$2 ifname=$3 mac=$4 port="$2.$3"
	[[ ${#port} -le 15 ]] || lab_die "port name $port is longer than 15 characters"
	lab_veth "$role" "$ifname" "$mac" "$sw" "$port" "$(lab_port_mac "$mac")"
	on "$sw" ip link set "$port" master br0
	on "$sw" bridge fdb replace "$mac" dev "$port" master static
}

# The switch side of a cable gets a MAC derived from the host's (first byte
# 0x06), so the two are easy to tell apart and never collide.
lab_port_mac() { printf '06:%s' "${1#*:}"; }

# lab_addr ROLE IF ADDR/LEN...: addresses without their prefix route when
# the lab adds its own routes (LAB_NOPREFIXROUTE=1), never with IPv6 DAD.
lab_addr() {
	local role=$1 ifname=$2 a
	shift 2
	for a in "$@"; do
		local extra=()
		[[ $a == *:* ]] && extra+=(nodad)
		[[ ${LAB_NOPREFIXROUTE:-0} == 1 ]] && extra+=(noprefixroute)
		on "$role" ip addr add "$a" dev "$ifname" "${extra[@]}" ||
			lab_die "cannot add $a to $role/$ifname"
	done
}

# lab_neigh ROLE IF IP MAC: a permanent neighbour entry, so no ARP/NDP
# happens behind the lab's back.
lab_neigh() {
	on "$1" ip neigh replace "$3" lladdr "$4" dev "$2" nud permanent ||
		lab_die "cannot add neighbour $3 on $1/$2"
}

# lab_mac ROLE IF: an interface's MAC address.
lab_mac() { on "$1" cat "/sys/class/net/$2/address"; }

# lab_bg ROLE LOG CMD...: run CMD in the background inside ROLE; output in
# $LAB_TMP/LOG; stopped at cleanup.
lab_bg() {
	local role=$1 log=$2
	shift 2
	lab_tmpdir
	ip netns exec "$(ns "$role")" "$@" >"$LAB_TMP/$log" 2>&1 &
	LAB_PIDS+=($!)
}

# lab_wait_for FILE PATTERN SECONDS [PID]: wait until FILE has a line
# matching PATTERN; fail after SECONDS or when PID has exited.
lab_wait_for() {
	local file=$1 pattern=$2 secs=$3 pid=${4:-} i
	for ((i = 0; i < secs * 20; i++)); do
		grep -qE "$pattern" "$file" 2>/dev/null && return 0
		if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.05
	done
	return 1
}

# lab_serve ROLE [--tcp PORTS] [--udp PORTS]: TCP/UDP echo servers in ROLE,
# returns once they listen.
lab_serve() {
	local role=$1
	shift
	lab_tmpdir
	local ready="$LAB_TMP/serve-$role.ready"
	# Bounded even if nothing stops it; a lab left up keeps it for a day.
	local life=600
	[[ ${FT_KEEP:-0} == 1 ]] && life=86400
	lab_bg "$role" "serve-$role.log" "$LAB_PYTHON" "$LAB_PKT" serve "$@" --ready "$ready" \
		--timeout "$life"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -e $ready ]] && return 0
		sleep 0.05
	done
	lab_die "echo server in $role did not start: $(cat "$LAB_TMP/serve-$role.log")"
}

# pkt ROLE ARGS...: tools/lab/pkt.py inside ROLE (frames, clients).
pkt() {
	local role=$1
	shift
	on "$role" "$LAB_PYTHON" "$LAB_PKT" "$@"
}

# --- fluxtrace -------------------------------------------------------------

ft_bin() {
	local bin=${FT_BIN:-${FLUXTRACE:-$LAB_ROOT/build/fluxtrace}}
	[[ $bin == /* ]] || bin="$PWD/$bin"
	printf '%s' "$bin"
}

# ft_launch TAG ROLE IFACES [ARGS...]: start fluxtrace in ROLE on IFACES.
# Output: $LAB_TMP/ft-TAG.{out,err}. SIGINT is restored to its default:
# bash ignores it in background jobs.
ft_launch() {
	local tag=$1 role=$2 ifaces=$3 bin
	shift 3
	bin=$(ft_bin)
	[[ -x $bin ]] || lab_die "$bin not found: run 'make' first"
	lab_tmpdir
	(
		trap - INT
		exec ip netns exec "$(ns "$role")" "$bin" -i "$ifaces" "$@"
	) >"$LAB_TMP/ft-$tag.out" 2>"$LAB_TMP/ft-$tag.err" &
	FT_PIDS[$tag]=$!
}

# ft_wait TAG...: wait (bounded) until each has printed its readiness line.
ft_wait() {
	local tag
	for tag in "$@"; do
		lab_wait_for "$LAB_TMP/ft-$tag.err" '^fluxtrace: tracing ' \
			"${FT_READY_TIMEOUT:-30}" "${FT_PIDS[$tag]}" && continue
		lab_log "fluxtrace ($tag) did not report 'tracing' in time; its stderr:"
		sed 's/^/  /' "$LAB_TMP/ft-$tag.err" >&2
		lab_die "fluxtrace ($tag) failed to start"
	done
}

# ft_start TAG ROLE IFACES [ARGS...]: ft_launch, then ft_wait.
ft_start() {
	ft_launch "$@"
	ft_wait "$1"
}

# ft_stop TAG: SIGINT, then wait (bounded) for the report; fails unless
# fluxtrace exits 0.
ft_stop() {
	local tag=$1 pid=${FT_PIDS[$1]} i rc=0
	kill -INT "$pid" 2>/dev/null || true
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		unset "FT_PIDS[$tag]"
		lab_die "fluxtrace ($tag) did not exit within 15 s of SIGINT"
	fi
	wait "$pid" || rc=$?
	unset "FT_PIDS[$tag]"
	if [[ $rc -ne 0 ]]; then
		sed 's/^/  /' "$LAB_TMP/ft-$tag.err" >&2
		lab_die "fluxtrace ($tag) exited with status $rc"
	fi
}

ft_out() { printf '%s' "$LAB_TMP/ft-$1.out"; }
ft_err() { printf '%s' "$LAB_TMP/ft-$1.err"; }

# --- life cycle ------------------------------------------------------------

lab_namespaces() {
	ip netns list 2>/dev/null | awk -v p="$LAB_PREFIX-" 'index($1, p) == 1 { print $1 }'
}

# Removes the lab's namespaces (ending what runs in them) and its logs.
lab_teardown() {
	local n
	for n in $(lab_namespaces); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
		ip netns del "$n" 2>/dev/null || true
	done
	rm -rf "/tmp/$LAB_PREFIX-${LAB_NAME:-lab}".*
}

lab_cleanup() {
	local rc=$? pid tag
	for tag in "${!FT_PIDS[@]}"; do
		kill -KILL "${FT_PIDS[$tag]}" 2>/dev/null || true
	done
	# A lab left up keeps its servers; teardown ends them with the namespace.
	if [[ ${FT_KEEP:-0} != 1 ]]; then
		for pid in "${LAB_PIDS[@]}"; do
			kill -TERM "$pid" 2>/dev/null || true
		done
		for pid in "${LAB_PIDS[@]}" "${FT_PIDS[@]}"; do
			wait "$pid" 2>/dev/null || true
		done
	fi
	if [[ ${FT_KEEP:-0} == 1 ]]; then
		lab_log "FT_KEEP=1: lab left up: $(lab_namespaces | tr '\n' ' ')"
		lab_log "  enter:  ip netns exec $(ns ROLE) bash"
		lab_log "  remove: FT_LAB_ID=$LAB_ID $LAB_DIR/${LAB_NAME:-lab}.sh teardown"
		[[ -n $LAB_TMP ]] && lab_log "  logs:   $LAB_TMP"
	else
		lab_teardown
	fi
	return "$rc"
}

# lab_start [VARIANT]: check the variant, trap cleanup, build the lab.
lab_start() {
	LAB_VARIANT=${1:-${LAB_VARIANTS%% *}}
	[[ " $LAB_VARIANTS " == *" $LAB_VARIANT "* ]] ||
		lab_die "unknown variant '$LAB_VARIANT' (one of: $LAB_VARIANTS)"
	lab_require "${LAB_TOOLS[@]}"
	[[ -z $(lab_namespaces) ]] || lab_die "a lab named $LAB_PREFIX exists: tear it down first"
	trap lab_cleanup EXIT
	lab_tmpdir
	lab_setup
}

# lab_trace_run: the `run` command: trace every trace point while the
# traffic runs, then print each report.
lab_trace_run() {
	local points tag=0 p fmt=()
	points=$(lab_trace_points)
	[[ ${FT_JSON:-0} == 1 ]] && fmt=(--json)
	for p in $points; do
		ft_launch "t$tag" "${p%%:*}" "${p#*:}" --oneway-after 1 "${fmt[@]}"
		tag=$((tag + 1))
	done
	ft_wait "${!FT_PIDS[@]}"
	lab_traffic
	# Requests still unanswered a second after the traffic are one-way.
	sleep 1.2
	tag=0
	for p in $points; do
		ft_stop "t$tag"
		printf '\n=== fluxtrace in %s (%s) ===\n' "${p%%:*}" "${p#*:}"
		cat "$(ft_out "t$tag")"
		tag=$((tag + 1))
	done
}

# The usage text is the lab script's own header: its topology and story.
lab_usage() {
	printf 'usage: %s [run|setup|traffic|teardown] [VARIANT]   (variants: %s)\n\n' \
		"$0" "$LAB_VARIANTS"
	awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0"
	printf '\nFT_KEEP=1 leaves the lab up; FT_LAB_ID=ID names it; FT_JSON=1: JSON reports.\n'
}

# lab_main "$@": the command line, only when the lab script is run (not
# when a test sources it).
lab_main() {
	[[ ${BASH_SOURCE[1]} == "$0" ]] || return 0
	local cmd=${1:-run}
	shift || true
	case $cmd in
	run)
		lab_start "$@"
		lab_describe
		if [[ -x $(ft_bin) ]]; then
			lab_trace_run
		else
			lab_log "($(ft_bin) not built: traffic only)"
			lab_traffic
		fi
		;;
	setup)
		FT_KEEP=1
		lab_start "$@"
		lab_describe
		lab_log "lab $LAB_NAME ($LAB_VARIANT) is up; send its traffic with:"
		lab_log "  FT_LAB_ID=$LAB_ID $0 traffic $LAB_VARIANT"
		;;
	traffic)
		[[ -n ${FT_LAB_ID:-} ]] || lab_die "set FT_LAB_ID to the id printed by setup"
		[[ -n $(lab_namespaces) ]] || lab_die "no lab with id $LAB_ID is up"
		LAB_VARIANT=${1:-${LAB_VARIANTS%% *}}
		lab_tmpdir
		trap 'rm -rf "$LAB_TMP"' EXIT
		lab_traffic
		;;
	teardown)
		[[ -n ${FT_LAB_ID:-} ]] || lab_die "set FT_LAB_ID to the id printed by setup"
		lab_teardown
		;;
	-h | --help | help)
		lab_usage
		;;
	*)
		lab_usage >&2
		exit 2
		;;
	esac
}
