#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: baseline.sh   (`make bench-baseline`; HELLO_KERNELS="A B" for some)
# Runs make check's exact row (tests/tiers: check-exact) with its gate off
# and writes the driver's own counts it printed into tests/bench-baseline:
# the rows of the kernels it ran replaced, the others kept.  What the
# driver may cost is a decision: review the diff it prints, commit it.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
tier=check-exact
file=tests/bench-baseline
rm -rf "build/$tier"
HELLO_BOOT_ARGS="hello.gate=0 ${HELLO_BOOT_ARGS:-}" \
	bash tests/host/run.sh "$tier" || exit
# the lines bench.c prints, indented or not by the job that ran it
new=$(cat "build/$tier"/*/results.tap | sed -n 's/^[[:space:]]*# baseline //p')
[ -n "$new" ] || { echo "baseline.sh: no counts in build/$tier" >&2; exit 1; }
old=$(mktemp)
trap 'rm -f "$old"' EXIT
cp "$file" "$old"
{
	grep '^#' "$old"
	grep -v '^#' "$old" | awk -v new="$new" '
		BEGIN { n = split(new, l, "\n")
			for (i = 1; i <= n; i++) { split(l[i], f, "\t"); ran[f[1]] = 1 } }
		!($1 in ran)'
	echo "$new"
} >"$file"
diff -u "$old" "$file" || true
echo "# $file: the counts above; commit them with the change they record"
