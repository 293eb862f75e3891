#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernels-doc.sh [TIER...]   (default check check-kernels check-sid)
# Rewrites the table of tested kernels in docs/kernels.md, between its
# "kernels table" markers, from the last runs of the TIERs (run.sh, the
# same job on different kernels): per kernel of theirs, in the order of
# tests/kernels, the newest build/TIER/ID/result, the compiler recorded in
# build/modules/ID/module/hello_kmalloc.ko and the cases it passed.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
tiers=${*:-check check-kernels check-sid}
doc=docs/kernels.md
table=$(mktemp)
trap 'rm -f "$table" "$table.names"' EXIT
{
	echo "| kernel | release | ABI | compiler | result | date |"
	echo "|---|---|---|---|---|---|"
	results=()
	for t in $tiers; do
		results+=(build/"$t"/*/result)
		kernels=
		row tests/tiers "$t" _ kernels
		tr , '\n' <<<"$kernels"
	done >"$table.names"
	keys tests/kernels | grep -xF -f "$table.names" |
	while read -r name; do
		provider='' args=''
		row tests/kernels "$name" _ _ _ provider args
		read -r release meta _ <<<"$args"
		[ "$provider" = debian ] || release=$provider meta=-
		# shellcheck disable=SC2012 # ls -t: the newest result
		res=$(ls -t "${results[@]}" 2>/dev/null |
			while read -r f; do
				read -r n _ <"$f"
				if [ "$n" = "$name" ]; then echo "$f"; break; fi
			done)
		if [ -z "$res" ]; then
			echo "| $name | $release | - | - | not run | - |"
			continue
		fi
		read -r _ ok bad secs date <"$res"
		id=$(basename "$(dirname "$res")")
		ko=build/modules/$id/module/hello_kmalloc.ko
		cc=$(pinned build-essential readelf -p .comment "$ko" 2>/dev/null |
			sed -n 's/.*GCC: (\([^)]*\)) \([^ ]*\).*/gcc \2 (\1)/p' |
			head -n 1)
		verdict="$ok passed, $bad failed"
		[ "$bad" = 0 ] || verdict="**$verdict**"
		echo "| $name | $release \`$meta\` | $id | ${cc:--} |" \
			"$verdict in ${secs} s | $date |"
	done
} >"$table"
splice "$doc" "kernels table" "$table"
cat "$table"
