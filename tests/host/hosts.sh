#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: hosts.sh   (`make check-hosts`)
# The verdict does not depend on the host.  make check-exact, run here and
# on each other Debian release of host_releases (tests/host/lib.sh): a
# cached chroot of that release stands in for the machine, with its own
# qemu and README's prerequisites (deps.sh --list) installed there, this tree
# and the cache at their own paths.  Each run's exact tables (instruction
# counts, the guest's copy-related CPU flags) must be this machine's,
# kernel by kernel, to within what two runs here differ by (same()).
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
ktap_begin
tier=check-exact
out=build/hosts
# shellcheck source=/dev/null
here=$(. /etc/os-release && echo "${VERSION_CODENAME:-this}")
rm -rf "$out"
mkdir -p "$out"

# run NAME CMD...: check-exact by CMD, a subtest with its cases; its
# tables by kernel in $out/NAME/ID
run() {
	local name=$1 tap status=0
	shift
	rm -rf "build/$tier"
	echo "# == check-exact on a $name host"
	"$@" bash tests/host/run.sh "$tier" >"$out/$name.log" 2>&1 || status=$?
	ktap_nest "check-exact on a $name host" "$out/$name.log" "$status"
	for tap in "build/$tier"/*/results.tap; do
		mkdir -p "$out/$name"
		grep -E '^# (\||copy-related)' "$tap" \
			>"$out/$name/$(basename "$(dirname "$tap")")"
	done
}

# same A B: the tables A and B alike, line by line: the same text, but
# that a count may differ by 0.5%, and the spread of the rounds (the last
# column) not at all.  Exact mode is not exact to the digit: two boots on
# one host differ by up to 0.1 instruction per op (2 in open+close's
# 10,000; the guest kernel still has randomness, and its boots diverge in
# early setup), while a host's other CPU moves a count by 5 to 25%.
# Prints the lines that differ.
same() {
	if [ ! -s "$1" ] || [ ! -s "$2" ]; then
		echo "no tables"
		return 1
	fi
	paste -d '\n' "$1" "$2" | awk -F'|' '
		NR % 2 { a = $0; next }
		{
			n = split(a, x, "|"); split($0, y, "|")
			bad = NF != n
			for (i = 1; i < n - 1 && !bad; i++) {
				u = x[i]; v = y[i]; sub(/%/, "", u); sub(/%/, "", v)
				if (u ~ /^ *[0-9.]+ *$/ && v ~ /^ *[0-9.]+ *$/)
					bad = (u > v ? u - v : v - u) > 0.005 * (u > v ? u : v)
				else
					bad = x[i] != y[i]
			}
			if (bad) { print "< " a; print "> " $0; differ = 1 }
		}
		END { exit differ }'
}

run "$here"
for release in $host_releases; do
	[ "$release" != "$here" ] || continue
	# shellcheck disable=SC2046 # a word list
	if ! root=$(bash tests/host/chroot.sh path "$release" \
		$(bash tests/host/deps.sh --list)); then
		result fail "a $release chroot to stand in for a host"
		continue
	fi
	run "$release" bash tests/host/chroot.sh run "$root" sh -c \
		'bash tests/host/deps.sh >&2 && exec "$@"' sh
	for f in "$out/$here"/*; do
		id=$(basename "$f")
		case="$id: the exact tables on a $release host are this $here host's"
		if same "$f" "$out/$release/$id" >"$out/$release-$id.diff"
		then
			result ok "$case"
		else
			result fail "$case" "$out/$release-$id.diff"
		fi
	done
done
summary
