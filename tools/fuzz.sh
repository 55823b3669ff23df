#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Fuzzes the trace reader with libFuzzer for a bounded time.
#   tools/fuzz.sh [BUILD]          build BUILD/fuzz/fuzz_tracefile and run it
#   tools/fuzz.sh --seeds [BUILD]  rewrite tests/fuzz/seeds/ with the trace writer
# FUZZ_SECONDS (default 60) bounds the run. Exits non-zero when the fuzzer
# finds a crash, leak, hang or oversized allocation; the input that caused
# it is left in BUILD/fuzz/artifacts/ (replay: BUILD/fuzz/fuzz_tracefile FILE).
set -euo pipefail

make_seeds=0
if [[ ${1:-} == --seeds ]]; then
	make_seeds=1
	shift
fi
build=${1:-${BUILD:-build}}
seconds=${FUZZ_SECONDS:-60}
clang=${CLANG:-clang}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if ! [[ $seconds =~ ^[0-9]+$ ]] || (( seconds < 1 )); then
	echo "fuzz: FUZZ_SECONDS must be a positive number of seconds, not '$seconds'" >&2
	exit 2
fi
if ! command -v "$clang" >/dev/null; then
	echo "fuzz: $clang not found; run 'make deps'" >&2
	exit 2
fi

out=$build/fuzz
bin=$out/fuzz_tracefile
mkdir -p "$out/corpus" "$out/artifacts"

# The checksums are not enforced in this build: the fuzzer gets past them.
if ! "$clang" -std=gnu11 -g -O1 -Wall -Wextra -Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -Iinclude -Iuser \
	tests/fuzz/fuzz_tracefile.c user/record/reader.c user/record/writer.c \
	user/record/facts.c user/model/facts.c -lz -o "$bin"; then
	echo "fuzz: building $bin failed (libFuzzer comes with libclang-rt-14-dev; run 'make deps')" >&2
	exit 2
fi

if (( make_seeds )); then
	rm -f tests/fuzz/seeds/*
	mkdir -p tests/fuzz/seeds
	FT_FUZZ_MAKE_SEEDS=tests/fuzz/seeds "$bin"
	ls -l tests/fuzz/seeds
	exit 0
fi

# The format's markers help the fuzzer build plausible files.
printf '%s\n' '"FLUXTRC\x0a"' '"FTBK"' '"FTEN"' '"FTFA"' '"\x01\x00\x01\x00"' \
	'"\x02\x00\x02\x00"' > "$out/tracefile.dict"

# -malloc_limit_mb: no input may make the reader allocate much (its largest
# buffer is about 3 MB); -timeout: none may make it spin. timeout(1) bounds
# the whole run even if libFuzzer itself stalls.
echo "fuzz: running $bin for ${seconds}s (corpus $out/corpus)" >&2
status=0
timeout --kill-after=10 $((seconds + 120)) \
	"$bin" -max_total_time="$seconds" -timeout=10 -malloc_limit_mb=16 -rss_limit_mb=1024 \
	-max_len=65536 -dict="$out/tracefile.dict" -artifact_prefix="$out/artifacts/" \
	-print_final_stats=1 "$out/corpus" tests/fuzz/seeds 2> "$out/fuzz.log" || status=$?
if (( status != 0 )); then
	tail -n 80 "$out/fuzz.log" >&2
	echo "fuzz: the trace reader failed (exit $status); input in $out/artifacts/," \
	     "full log in $out/fuzz.log" >&2
	exit 1
fi
grep -E '^(Done|stat::(number_of_executed_units|new_units_added|peak_rss_mb))' "$out/fuzz.log" >&2 || true
echo "fuzz: no crash in ${seconds}s" >&2
