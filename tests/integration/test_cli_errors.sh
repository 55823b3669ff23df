#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Command-line misuse gives one clear line on stderr and a non-zero exit,
# never a crash, a libbpf dump or a hang.
source "$(dirname "$0")/lib.sh"
lab_pair

# expect_error EXPECTED_STATUS PATTERN -- ARGS...: runs fluxtrace in NS_A.
expect_error() {
	local want=$1 pattern=$2 rc=0
	shift 3
	timeout 20 ip netns exec "$NS_A" "$FLUXTRACE" "$@" >"$WORK/o" 2>"$WORK/e" || rc=$?
	[[ $rc -eq $want ]] || { cat "$WORK/e"; fail "'$*': exit $rc, expected $want"; }
	[[ $(wc -l <"$WORK/e") -le 2 ]] || { cat "$WORK/e"; fail "'$*': more than a line or two"; }
	grep -qE -- "$pattern" "$WORK/e" || { cat "$WORK/e"; fail "'$*': message lacks '$pattern'"; }
	grep -q 'libbpf:' "$WORK/e" && fail "'$*': libbpf output leaked"
	return 0
}

expect_error 2 "unknown option '--bogus'.*fluxtrace -h" -- --bogus
expect_error 2 "bad -d '5x': give whole seconds" -- -d 5x
expect_error 2 "bad -d '-3'" -- -d -3
expect_error 2 "option '-d' needs a value" -- -d
expect_error 2 "bad --xdp-mode 'fast'" -- --xdp-mode fast
expect_error 2 "ringbuf-size '5000': must be a power of two" -- --ringbuf-size 5000
expect_error 2 "-r replays a trace" -- -r x.ft -i lo
expect_error 2 "bad --window '5x': give a duration from 1s to 31d, e.g. --window 30s, 5m or 1h" \
	-- --window 5x
expect_error 2 "bad --window '0s'" -- --window 0s
expect_error 2 "bad --window '32d'" -- --window 32d
expect_error 2 "bad --fail-on 'one_way,bogus': 'bogus' is no kind; give any or kinds from: .*duplicate_ip" \
	-- --fail-on one_way,bogus
expect_error 2 "bad --fail-on ','" -- --fail-on ,
expect_error 2 "--interval replays the lifecycle of one trace; give one -r" -- -r a.ft -r b.ft --interval 5
expect_error 2 "bad --filter 'host 10.0.0.1 adn port 80' at 15: expected 'and' or 'or'.*fluxtrace -h" \
	-- --filter 'host 10.0.0.1 adn port 80'
expect_error 2 "bad --filter '\(tcp' at 5: missing '\)'" -- --filter '(tcp'
expect_error 2 "more than 16 different primitives" -- --filter "$(seq -f 'port %g' 17 | paste -sd'|' | sed 's/|/ or /g')"
expect_error 2 "--filter applies only when tracing" -- -r x.ft --filter tcp
expect_error 1 "no interface 'eth9' in this network namespace \(have: .*$IF_A" -- -i eth9
expect_error 1 "$WORK/missing.ft" -- -r "$WORK/missing.ft"
mkdir -p "$WORK/ro" && chmod 0555 "$WORK/ro"
if ! touch "$WORK/ro/probe" 2>/dev/null; then
	expect_error 1 "cannot write '$WORK/ro/t.ft'.*-w" -- -i "$IF_A" -d 1 -w "$WORK/ro/t.ft"
fi
expect_error 1 "cannot write '/proc/t.ft'" -- -i "$IF_A" -d 1 -w /proc/t.ft
# Not root: a clear line, before anything is loaded.
if id nobody >/dev/null 2>&1; then
	rc=0
	ip netns exec "$NS_A" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all "$FLUXTRACE" -i "$IF_A" -d 1 2>"$WORK/e" || rc=$?
	[[ $rc -eq 1 ]] && grep -q "^fluxtrace: missing CAP_BPF (" "$WORK/e" || { cat "$WORK/e"; fail "unprivileged run: $rc"; }
fi
echo ok
