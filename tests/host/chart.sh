#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: chart.sh   (after `run.sh bench`; `make bench` runs both)
# From each boot's results in build/bench/ID/: its tables as markdown
# (tables.md, for docs/performance.md) and the per-round ratios as a chart
# (bench.svg, drawn by tests/host/bench.gp; docs/bench.svg is a copy).
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
for tap in build/bench/*/results.tap; do
	[ -s "$tap" ] || continue
	out=$(dirname "$tap")
	# bench.c's "# | ..." and "# round ..." lines, indented or not
	sed -n 's/^[[:space:]]*# \(|.*\)$/\1/p' "$tap" >"$out/tables.md"
	awk '$2 == "round" { print $3, $4, $7 }' "$tap" >"$out/rounds.dat"
	pinned gnuplot-nox gnuplot -e "data='$out/rounds.dat'; out='$out/bench.svg'" \
		tests/host/bench.gp
	echo "# chart: $out/bench.svg, tables: $out/tables.md"
done
