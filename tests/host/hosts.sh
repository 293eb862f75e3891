#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: hosts.sh   (`make check-hosts`)
# The verdict does not depend on the host.  make check-exact, run here and
# on each other Debian release of host_releases (tests/host/lib.sh): a
# cached chroot of that release stands in for the machine, with its own
# qemu and README's prerequisites (deps.sh --list) installed there, this tree
# and the cache at their own paths.  Each run's exact tables (instruction
# counts, the guest's copy-related CPU flags) must be identical to this
# machine's, kernel by kernel.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
tier=check-exact
out=build/hosts
# shellcheck source=/dev/null
here=$(. /etc/os-release && echo "${VERSION_CODENAME:-this}")
rm -rf "$out"
mkdir -p "$out"

# run NAME CMD...: check-exact by CMD; its counts, and its tables by kernel
# in $out/NAME/ID
run() {
	local name=$1 tap
	shift
	rm -rf "build/$tier"
	echo "# == check-exact on a $name host"
	"$@" bash tests/host/run.sh "$tier" | tee "$out/$name.log" | grep -v '^ok'
	tap_count "$out/$name.log"
	for tap in "build/$tier"/*/results.tap; do
		mkdir -p "$out/$name"
		grep -E '^# (\||copy-related)' "$tap" \
			>"$out/$name/$(basename "$(dirname "$tap")")"
	done
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
		if cmp -s "$f" "$out/$release/$id" 2>/dev/null; then
			result ok "$id: the exact tables on a $release host are this $here host's"
		else
			diff "$f" "$out/$release/$id" >"$out/$release-$id.diff" 2>&1 || true
			result fail "$id: the exact tables on a $release host are this $here host's" \
				"$out/$release-$id.diff"
		fi
	done
done
summary
