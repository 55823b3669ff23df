#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Joining traces (-r A -r B): two hosts traced at once join cleanly; inputs
# that cannot be joined as given each give one clear line and never a
# crash: two traces of one host, a damaged trace among good ones. A
# version 1 trace beside a new one, a truncated one and traces apart in
# time are joined with one note each.
source "$(dirname "$0")/lib.sh"
lab_pair

# Both ends traced at once, each its own host.
for side in A B; do
	ns=NS_$side if=IF_$side
	ip netns exec "${!ns}" "$FLUXTRACE" -i "${!if}" -d 4 -w "$WORK/$side.ft" \
		>/dev/null 2>"$WORK/$side.err" &
	eval "PID_$side=$!"
done
for side in A B; do
	for _ in $(seq 200); do
		grep -q '^fluxtrace: tracing ' "$WORK/$side.err" && break
		sleep 0.1
	done
	grep -q '^fluxtrace: tracing ' "$WORK/$side.err" || fail "fluxtrace ($side) did not start"
done
tcp_exchange "$NS_A" $IP_A 8080 "$NS_B"
wait "$PID_A" "$PID_B" || fail "a recording failed: $(cat "$WORK"/[AB].err)"

# join FILE... : exit status, stdout and stderr kept in $WORK/j.{rc,out,err}.
join() {
	local args=() f rc=0
	for f in "$@"; do args+=(-r "$f"); done
	"$FLUXTRACE" "${args[@]}" --json >"$WORK/j.out" 2>"$WORK/j.err" || rc=$?
	echo "$rc" >"$WORK/j.rc"
	((rc < 128)) || fail "fluxtrace ${args[*]} crashed (status $rc): $(cat "$WORK/j.err")"
}
# expect RC LINES REGEX: status RC, LINES lines on stderr, the last matching REGEX.
expect() {
	local rc lines
	rc=$(cat "$WORK/j.rc")
	lines=$(grep -c . "$WORK/j.err" || true)
	[[ $rc == "$1" ]] || fail "status $rc, want $1; stderr: $(cat "$WORK/j.err")"
	[[ $lines == "$2" ]] || fail "$lines lines on stderr, want $2: $(cat "$WORK/j.err")"
	[[ $2 == 0 ]] || grep -Eq -- "$3" "$WORK/j.err" ||
		fail "stderr does not say /$3/: $(cat "$WORK/j.err")"
}
hosts_in() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["hosts"]), len(d["correlated"]))' "$WORK/j.out"; }

join "$WORK/A.ft" "$WORK/B.ft"
expect 0 0
[[ $(hosts_in) == "2 0" ]] || fail "want 2 hosts, no correlated finding: $(hosts_in)"
# Each host in the join reports what its trace alone reports.
"$FLUXTRACE" -r "$WORK/A.ft" --json >"$WORK/A.json" 2>/dev/null
python3 - "$WORK/j.out" "$WORK/A.json" <<'PY' || fail "host A differs from its trace alone"
import json, sys
joined, alone = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a = joined["hosts"][0]
assert a["asymmetry"] == alone["asymmetry"] and a["arp_flux"] == alone["arp_flux"]
assert a["interfaces"] == alone["interfaces"]
PY

# Two traces of one host: refused, naming both files and the interface.
cp "$WORK/A.ft" "$WORK/A-again.ft"
join "$WORK/A.ft" "$WORK/B.ft" "$WORK/A-again.ft"
expect 1 1 "A.ft and .*A-again.ft are traces of one host .*both trace $IF_A"

# A version 1 trace (no facts blocks) beside a new one: joined, with a note.
python3 - "$WORK/A.ft" "$WORK/A-v1.ft" <<'PY'
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
h = struct.unpack_from("<I", b, 12)[0]
out, off = bytearray(b[:h]), h
while off < len(b):
    magic, comp = b[off:off + 4], struct.unpack_from("<I", b, off + 12)[0]
    if magic != b"FTFA":
        out += b[off:off + 24 + comp]
    off += 24 + comp
struct.pack_into("<H", out, 8, 1)
struct.pack_into("<I", out, h - 4, zlib.crc32(bytes(out[:h - 4])))
open(sys.argv[2], "wb").write(out)
PY
join "$WORK/A-v1.ft" "$WORK/B.ft"
expect 0 1 "A-v1.ft: format version 1 records no host facts"
[[ $(hosts_in) == "2 0" ]] || fail "v1 beside v2: $(hosts_in)"

# A truncated trace among good ones: what was intact is joined, one note.
size=$(stat -c %s "$WORK/B.ft")
head -c $((size - 40)) "$WORK/B.ft" >"$WORK/B-cut.ft"
join "$WORK/A.ft" "$WORK/B-cut.ft"
expect 0 1 "B-cut.ft: offset [0-9]+: .*interrupted.*joining what was intact"
[[ $(hosts_in) == "2 0" ]] || fail "truncated: $(hosts_in)"

# A damaged trace among good ones: refused, one line naming it and where.
cp "$WORK/B.ft" "$WORK/B-bad.ft"
printf '\xff' | dd of="$WORK/B-bad.ft" bs=1 seek=$((size - 30)) conv=notrunc 2>/dev/null
join "$WORK/A.ft" "$WORK/B-bad.ft"
expect 1 1 "B-bad.ft: offset [0-9]+: "

# Traces an hour apart (one clock offset moved): joined, with a note.
python3 - "$WORK/B.ft" "$WORK/B-later.ft" <<'PY'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], "rb").read())
h = struct.unpack_from("<I", b, 12)[0]
struct.pack_into("<q", b, 144, struct.unpack_from("<q", b, 144)[0] + 3600 * 10**9)
struct.pack_into("<I", b, h - 4, zlib.crc32(bytes(b[:h - 4])))
open(sys.argv[2], "wb").write(b)
PY
join "$WORK/A.ft" "$WORK/B-later.ft"
expect 0 1 "do not overlap in time .*allowed skew 2.0 s"
"$FLUXTRACE" -r "$WORK/A.ft" -r "$WORK/B-later.ft" --skew 7200 >/dev/null 2>"$WORK/j.err" ||
	fail "--skew 7200 failed"
! grep -q . "$WORK/j.err" || fail "--skew 7200 still warns: $(cat "$WORK/j.err")"

# Options that do not fit a join: one usage line each.
for args in "-r - -r $WORK/B.ft" "-r $WORK/A.ft -r $WORK/B.ft --events" "-r $WORK/A.ft --skew 3"; do
	rc=0
	# shellcheck disable=SC2086
	"$FLUXTRACE" $args >/dev/null 2>"$WORK/j.err" </dev/null || rc=$?
	[[ $rc == 2 && $(grep -c . "$WORK/j.err") == 1 ]] ||
		fail "fluxtrace $args: status $rc: $(cat "$WORK/j.err")"
done
echo ok
