# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Shared by the end-to-end tests (sourced). A test sources this file and one
# lab script from tools/lab/, then:
#   e2e_begin VARIANT            build the lab (skips, exit 77, without root)
#   e2e_trace TAG ROLE IFACES    start the real fluxtrace there (--json, -w)
#   e2e_traffic                  wait until each traces, then the lab's traffic
#   e2e_stop TAG...              SIGINT, collect the reports, replay the traces
#   e2e_check TAG RULE...        check a report with ftcheck.py (rules: see there)
#   e2e_end                      exit 0 if every check passed, 1 otherwise
# FT_KEEP=1 leaves the lab, the reports and the traces in place.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_TOP=${FT_TOP:-$(cd "$E2E_DIR/../.." && pwd)}
E2E_FAILED=0
# One-way verdicts need this long without an answer; the tests wait it out
# after the last unanswered request instead of hoping it has passed.
E2E_ONEWAY_AFTER=1

# e2e_need_tcx: skip a test that traces one interface with two fluxtrace
# runs at once. Without tcx (kernels before 6.6) tc programs are cls_bpf
# filters at one fixed handle and priority, and a second run takes the
# first one's for a stale leftover (README, "Running in production").
e2e_need_tcx() {
	"$(ft_bin)" --check 2>/dev/null | grep -q '^tc attach: *tcx' ||
		lab_skip "two fluxtrace runs on one interface need tcx links (kernel 6.6+)"
}

e2e_begin() {
	lab_start "$@"
	[[ -x $(ft_bin) ]] || lab_die "$(ft_bin) is missing: run 'make' first"
}

# e2e_trace TAG ROLE IFACES [ARGS...]: start fluxtrace (all of them load
# their programs at once; e2e_traffic waits until each is ready).
e2e_trace() {
	local tag=$1 role=$2 ifaces=$3
	shift 3
	ft_launch "$tag" "$role" "$ifaces" --json -w "$LAB_TMP/ft-$tag.trace" \
		--oneway-after "$E2E_ONEWAY_AFTER" "$@"
}

# e2e_traffic: once every fluxtrace traces, the lab's traffic.
e2e_traffic() {
	ft_wait "${!FT_PIDS[@]}"
	lab_traffic
}

# e2e_settle: let every request sent so far count as unanswered.
e2e_settle() { sleep "$E2E_ONEWAY_AFTER.2"; }

e2e_stop() {
	local tag
	for tag in "$@"; do
		ft_stop "$tag"
	done
	for tag in "$@"; do
		"$(ft_bin)" -r "$LAB_TMP/ft-$tag.trace" --json >"$LAB_TMP/ft-$tag.replay" \
			2>"$LAB_TMP/ft-$tag.replay.err" ||
			e2e_fail "$tag: replay failed: $(cat "$LAB_TMP/ft-$tag.replay.err")"
	done
}

e2e_fail() {
	printf '%s: FAIL: %s\n' "$LAB_NAME" "$*" >&2
	E2E_FAILED=1
}

# e2e_check TAG RULE...: the live report of TAG meets every rule, and its
# replay gives the same findings.
e2e_check() {
	local tag=$1
	shift
	local replay=()
	[[ -s $LAB_TMP/ft-$tag.replay ]] && replay=(--replay "$LAB_TMP/ft-$tag.replay")
	if ! "$LAB_PYTHON" "$E2E_DIR/ftcheck.py" "$(ft_out "$tag")" \
		--label "$LAB_NAME($LAB_VARIANT)/$tag" "${replay[@]}" "$@"; then
		E2E_FAILED=1
		if [[ -s $(ft_err "$tag") ]]; then
			lab_log "  fluxtrace's stderr ($tag):"
			sed 's/^/    /' "$(ft_err "$tag")" >&2
		fi
	fi
}

# e2e_rereduce TAG NEW ARGS...: reduce TAG's recorded trace again with other
# options (e.g. --allow) into report NEW, checked like any other.
e2e_rereduce() {
	local tag=$1 new=$2
	shift 2
	"$(ft_bin)" -r "$LAB_TMP/ft-$tag.trace" --json "$@" >"$LAB_TMP/ft-$new.out" \
		2>"$LAB_TMP/ft-$new.err" || e2e_fail "$new: fluxtrace -r $* failed"
}

# e2e_events TAG: the recorded trace of TAG as --events lines.
e2e_events() {
	"$(ft_bin)" -r "$LAB_TMP/ft-$1.trace" --events 2>/dev/null
}

e2e_end() {
	if [[ $E2E_FAILED -ne 0 ]]; then
		lab_log "$LAB_NAME ($LAB_VARIANT): FAILED (FT_KEEP=1 keeps the lab and the reports)"
		exit 1
	fi
	lab_log "$LAB_NAME ($LAB_VARIANT): passed"
	exit 0
}

# e2e_expect_event TAG WHAT REGEX...: some --events line of TAG's trace
# matches every REGEX (grep -E).
e2e_expect_event() {
	local tag=$1 what=$2 lines re
	shift 2
	lines=$(e2e_events "$tag")
	for re in "$@"; do
		lines=$(grep -E -- "$re" <<<"$lines" || true)
	done
	if [[ -z $lines ]]; then
		e2e_fail "$tag: no event shows $what (wanted: $*); the events were:"
		e2e_events "$tag" | sed 's/^/    /' >&2
	fi
}

# e2e_join NAME TAG...: the recorded traces of TAG... reduced together
# (fluxtrace -r A -r B ...) into the joined report NAME, text beside it.
# The namespaces share one host name, so the hosts are named after their
# trace files: linked as TAG.ft, each host is called TAG.
e2e_join() {
	local name=$1 tag args=()
	shift
	mkdir -p "$LAB_TMP/hosts"
	for tag in "$@"; do
		ln -sf "$LAB_TMP/ft-$tag.trace" "$LAB_TMP/hosts/$tag.ft"
		args+=(-r "$LAB_TMP/hosts/$tag.ft")
	done
	E2E_JOINED[$name]="$*"
	"$(ft_bin)" "${args[@]}" --json >"$LAB_TMP/ft-$name.out" 2>"$LAB_TMP/ft-$name.err" ||
		e2e_fail "$name: fluxtrace ${args[*]} failed: $(cat "$LAB_TMP/ft-$name.err")"
	"$(ft_bin)" "${args[@]}" >"$LAB_TMP/ft-$name.txt" 2>/dev/null || true
}
declare -A E2E_JOINED=()

# e2e_join_fail_on NAME KINDS STATUS: the joined reduction of NAME with
# --fail-on KINDS exits STATUS (3: an alarm of those kinds, 0: none).
e2e_join_fail_on() {
	local name=$1 kinds=$2 want=$3 tag args=() rc=0
	for tag in ${E2E_JOINED[$name]}; do
		args+=(-r "$LAB_TMP/hosts/$tag.ft")
	done
	"$(ft_bin)" "${args[@]}" --fail-on "$kinds" >/dev/null 2>&1 || rc=$?
	[[ $rc == "$want" ]] ||
		e2e_fail "$name: fluxtrace ${args[*]} --fail-on $kinds exited $rc, not $want"
}

# e2e_check_join NAME RULE...: the joined report NAME meets every rule
# (corr, no-corr, only: see ftcheck.py), and each host in it has exactly
# the findings and hints of its trace replayed alone.
e2e_check_join() {
	local name=$1 tag alone=()
	shift
	for tag in ${E2E_JOINED[$name]}; do
		alone+=("$LAB_TMP/ft-$tag.replay")
	done
	if ! "$LAB_PYTHON" "$E2E_DIR/ftcheck.py" "$LAB_TMP/ft-$name.out" \
		--label "$LAB_NAME($LAB_VARIANT)/$name" \
		--alone "$(IFS=,; echo "${alone[*]}")" "$@"; then
		E2E_FAILED=1
		lab_log "  the joined report ($name), as text:"
		sed 's/^/    /' "$LAB_TMP/ft-$name.txt" >&2
		sed 's/^/    stderr: /' "$LAB_TMP/ft-$name.err" >&2
	fi
}
