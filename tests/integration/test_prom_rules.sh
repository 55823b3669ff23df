#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The shipped alerting rules (tools/prometheus/fluxtrace.rules.yml) are valid
# for Prometheus (promtool check rules) and pass their unit tests (promtool
# test rules: each alert fires on its series after its `for`, with its exact
# labels and annotations, and stays quiet on clean and resolved series).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skip: $*" >&2; exit 77; }
command -v promtool >/dev/null || skip "needs promtool (package prometheus: run 'make deps')"

dir=$top/tools/prometheus
out=$(promtool check rules "$dir/fluxtrace.rules.yml" 2>&1) || fail "promtool check rules: $out"
grep -q 'SUCCESS' <<<"$out" || fail "promtool check rules: $out"
# promtool resolves rule_files relative to the test file.
out=$(promtool test rules "$dir/fluxtrace.rules.test.yml" 2>&1) || fail "promtool test rules: $out"
grep -q 'SUCCESS' <<<"$out" || fail "promtool test rules: $out"

# Every finding kind of user/common/names.c (the one list of names) has a
# rule, except mac_changed, which is informational: a kind added there
# without an alert fails here.
kinds=$(sed -n 's/.*fluxtrace_findings_active{kind="\([a-z_]*\)"}.*/\1/p' \
	"$dir/fluxtrace.rules.yml" | sort)
want=$(sed -n '/^const char \*ft_kind_name(/,/^}/s/.*\[FT_KIND_[A-Z_]*\] = "\([a-z_]*\)".*/\1/p' \
	"$top/user/common/names.c" | grep -vx mac_changed | sort)
[[ -n $want ]] || fail "no kinds read from user/common/names.c"
[[ $kinds == "$want" ]] ||
	fail "rules cover kinds [$(tr '\n' ' ' <<<"$kinds")], names.c has [$(tr '\n' ' ' <<<"$want")]"
echo ok
