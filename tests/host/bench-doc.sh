#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: bench-doc.sh [TIER...]   (default bench-exact bench: `make bench`)
# Rewrites the measured tables of docs/performance.md from the last run of
# each TIER (run.sh with tests/guest/bench.c): an exact-mode tier's (cpu
# exact in tests/tiers) between the "exact tables" markers, another's
# between the "wall-clock tables" markers.  Per kernel of the run
# (build/TIER/ID/), in the order the run left them, the tables bench.c
# printed, each under the line it printed before it; a first line names
# the tier, the date and this script.  The wall-clock tables end with the
# first boot's chart (chart.sh's bench.svg), copied to docs/bench.svg.  A
# tier with no results changes nothing.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
doc=docs/performance.md
block=$(mktemp)
trap 'rm -f "$block"' EXIT
tiers=("$@")
[ $# -gt 0 ] || tiers=(bench-exact bench)
for tier in "${tiers[@]}"; do
	cpu=
	row tests/tiers "$tier" _ _ _ _ cpu ||
		{ echo "bench-doc.sh: no tier $tier" >&2; exit 1; }
	marker=wall-clock
	[ "$cpu" != exact ] || marker=exact
	first=1 chart_first=1
	for tap in build/"$tier"/*/results.tap; do
		[ -s "$tap" ] || continue
		read -r _ _ _ _ date <"$(dirname "$tap")/result"
		[ -z "$first" ] || echo "Tier \`$tier\` on $date, as" \
			"tests/host/bench-doc.sh copied it from the run's output:"
		first=
		echo
		echo "**$(basename "$(dirname "$tap")")**"
		# a table: the "# | ..." lines bench.c printed, indented or not,
		# after the comment line before them
		sed -n 's/^[[:space:]]*# //p' "$tap" | awk '
			/^\|/ {
				if (!intable) {
					print ""
					if (prev != "") { print prev; print "" }
				}
				print; intable = 1; next
			}
			{ prev = $0; intable = 0 }'
		chart=$(dirname "$tap")/bench.svg
		if [ "$marker" = wall-clock ] && [ -s "$chart" ] &&
			[ -n "$chart_first" ]; then
			cp "$chart" docs/bench.svg
			echo
			echo "![cost ratios and 2-thread speedups, one point per" \
				"round](bench.svg)"
			chart_first=
		fi
	done >"$block"
	[ -s "$block" ] || continue
	splice "$doc" "$marker tables" "$block"
	echo "# $doc: the $marker tables from build/$tier"
done
