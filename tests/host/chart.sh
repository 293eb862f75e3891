#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: chart.sh   (after `run.sh bench`; `make bench` runs both)
# From each boot's results in build/bench/ID/: the per-round ratios as a
# chart (bench.svg, drawn by tests/host/bench.gp; tests/host/bench-doc.sh
# copies it into docs/ with the tables).
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
for tap in build/bench/*/results.tap; do
	[ -s "$tap" ] || continue
	out=$(dirname "$tap")
	# bench.c's "# round ..." lines
	awk '$2 == "round" { print $3, $4, $7 }' "$tap" >"$out/rounds.dat"
	pinned gnuplot-nox gnuplot -e "data='$out/rounds.dat'; out='$out/bench.svg'" \
		tests/host/bench.gp
	echo "# chart: $out/bench.svg"
done
