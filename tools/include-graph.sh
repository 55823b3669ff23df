#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The include graph of user/, by stage. Dependencies point one way:
#
#   main.c, cli   ->  live/  ->  render/ ; record/, reduce/  ->  explain/  ->  model/  ->  common/
#
# A file may include its own folder's headers and those of folders of a
# lower rank, never a higher one or a sibling of the same rank (record/
# and reduce/ know nothing of each other), and no file may reach itself.
#   tools/include-graph.sh           print the folder graph (edges with counts)
#   tools/include-graph.sh --check   also fail on a violation or a cycle
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A rank=([common]=0 [model]=1 [explain]=2 [reduce]=3 [record]=3 [render]=4 [live]=5 [.]=6)

folder() {	# user/reduce/flows.c -> reduce; user/main.c -> .
	local d=${1#user/}
	[[ $d == */* ]] && echo "${d%%/*}" || echo .
}

# "file included" pairs of quoted includes that resolve inside user/.
edges() {
	local f inc
	for f in user/*.[ch] user/*/*.[ch]; do
		while read -r inc; do
			[[ -f user/$inc ]] && echo "$f user/$inc"
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
	done
}

bad=0
mapfile -t pairs < <(edges)
for p in "${pairs[@]}"; do
	from=${p% *} to=${p#* }
	a=$(folder "$from") b=$(folder "$to")
	[[ -n ${rank[$a]:-} && -n ${rank[$b]:-} ]] || { echo "include-graph: unknown folder in $p" >&2; bad=1; continue; }
	if [[ $a != "$b" ]] && (( rank[$b] >= rank[$a] )); then
		echo "include-graph: $from includes $to: $b/ is not below $a/" >&2
		bad=1
	fi
done

# Folder edges with counts: what a newcomer reads.
for p in "${pairs[@]}"; do
	a=$(folder "${p% *}") b=$(folder "${p#* }")
	if [[ $a != "$b" ]]; then echo "$a -> $b"; fi
done | sort | uniq -c | awk '{ printf "  %-8s -> %-8s (%d includes)\n", $2, $4, $1 }'

# File-level cycles (within a folder the ranks do not forbid them).
cycle=$(printf '%s\n' "${pairs[@]}" | tsort 2>&1 >/dev/null | grep -m1 'input contains a loop' || true)
if [[ -n $cycle ]]; then
	echo "include-graph: an include cycle: $(printf '%s\n' "${pairs[@]}" | tsort 2>&1 >/dev/null | grep -v 'input contains a loop' | tr -d ' ' | sed 's/^tsort://' | paste -sd' ')" >&2
	bad=1
fi

if [[ ${1:-} == --check ]]; then
	(( bad == 0 )) || exit 1
	echo "include-graph: ${#pairs[@]} includes, one way, no cycle"
fi
