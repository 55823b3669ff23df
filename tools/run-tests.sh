#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Runs fluxtrace's test suites and prints one closing line
# "tests: N passed, N failed, N skipped".
#   tools/run-tests.sh BUILD [unit] [integration] [e2e]   (default: all three)
# Shell tests exit 0 (pass), 77 (skip, reason on stderr) or anything else (fail).
set -uo pipefail

build=$(realpath "${1:-build}")
shift || true
suites=("$@")
[[ ${#suites[@]} -eq 0 ]] && suites=(unit integration e2e)
top=$(cd "$(dirname "$0")/.." && pwd)
export FLUXTRACE="$build/fluxtrace" FT_BUILD="$build" FT_TOP="$top"

passed=0 failed=0 skipped=0
failures=()

run_unit() {
	local out synth
	out=$(mktemp)
	"$build/unit-tests" --jobs 1 2>&1 | tee "$out" | grep -vE '^\[----\]|^$' | tail -n 40
	synth=$(grep -a 'Synthesis:' "$out" | tail -1)
	rm -f "$out"
	if [[ -z $synth ]]; then
		failed=$((failed + 1)); failures+=("unit-tests (no result line)")
		return
	fi
	local t p f c
	t=$(sed -E 's/.*Tested: ([0-9]+).*/\1/' <<<"$synth")
	p=$(sed -E 's/.*Passing: ([0-9]+).*/\1/' <<<"$synth")
	f=$(sed -E 's/.*Failing: ([0-9]+).*/\1/' <<<"$synth")
	c=$(sed -E 's/.*Crashing: ([0-9]+).*/\1/' <<<"$synth")
	passed=$((passed + p)); failed=$((failed + f))
	skipped=$((skipped + t - p - f))
	[[ $f -gt 0 ]] && failures+=("unit-tests: $f failing ($c crashing)")
}

run_scripts() {
	local dir=$top/tests/$1 t rc log
	for t in "$dir"/test_*.sh; do
		[[ -e $t ]] || continue
		log=$(mktemp)
		timeout --kill-after=10 "${FT_TEST_TIMEOUT:-180}" bash "$t" >"$log" 2>&1
		rc=$?
		case $rc in
		0) passed=$((passed + 1)); echo "PASS $1/$(basename "$t")" ;;
		77) skipped=$((skipped + 1))
		    echo "SKIP $1/$(basename "$t"): $(grep -m1 '^skip:' "$log" || tail -1 "$log")" ;;
		*) failed=$((failed + 1)); failures+=("$1/$(basename "$t")")
		   echo "FAIL $1/$(basename "$t") (exit $rc):"; tail -n 30 "$log" | sed 's/^/    /' ;;
		esac
		rm -f "$log"
	done
}

for s in "${suites[@]}"; do
	case $s in
	unit) echo "== unit"; run_unit ;;
	integration | e2e) echo "== $s"; run_scripts "$s" ;;
	*) echo "run-tests: unknown suite '$s' (unit, integration, e2e)" >&2; exit 2 ;;
	esac
done

for f in "${failures[@]}"; do echo "failed: $f"; done
echo "tests: $passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
