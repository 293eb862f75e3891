#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernel-tools.sh   prints DIR, the kernel's own tools that this
# tree uses, from the pinned release's linux-source, kept in the cache (not
# the repo), at their paths in the kernel tree:
#   scripts/checkpatch.pl with spelling.txt and const_structs.checkpatch
#     beside it (where checkpatch looks for them), and .clang-format: lint
#   tools/testing/selftests/kselftest{,_harness}.h: the guest programs
#   tools/testing/kunit/: kunit.py parse, which reads the tiers' KTAP
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
pkg=linux-source-6.12
files="scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
.clang-format tools/testing/selftests/kselftest.h
tools/testing/selftests/kselftest_harness.h tools/testing/kunit"

root=$(bash tests/host/chroot.sh path "$pinned_release" "$pkg" xz-utils)
ver=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' "$pkg")
dir=$cache/kernel-tools/$pkg-$ver
if [ ! -d "$dir" ]; then
	# one extraction at a time (both lanes of .ci/run build the guest
	# programs at once): the others wait, then find it done
	mkdir -p "$cache/kernel-tools"
	exec 9>"$cache/kernel-tools/lock"
	flock 9
fi
if [ ! -d "$dir" ]; then
	tmp=$(mktemp -d "$cache/kernel-tools/.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "# kernel-tools: extracting from $pkg $ver" >&2
	for f in $files; do set -- "$@" "$pkg/$f"; done
	pinned "" tar -xJf "/usr/src/$pkg.tar.xz" -C "$tmp" \
		--strip-components=1 "$@"
	mv -T "$tmp" "$dir"
fi
echo "$dir"
