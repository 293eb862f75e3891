#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernel-tools.sh   prints DIR, a copy of the kernel's own style
# tools from the pinned release's linux-source-6.1, kept in the cache (not
# the repo):
# DIR/scripts/checkpatch.pl with spelling.txt and const_structs.checkpatch
# beside it (where checkpatch looks for them), and DIR/.clang-format.
set -eu
cd "$(dirname "$0")/.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
files="scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch .clang-format"

root=$(bash tests/host/chroot.sh path "$pinned_release" linux-source-6.1 \
	xz-utils)
ver=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' \
	linux-source-6.1)
dir=$cache/kernel-tools/linux-source-$ver
if [ ! -d "$dir" ]; then
	mkdir -p "$cache/kernel-tools"
	tmp=$(mktemp -d "$cache/kernel-tools/.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "# kernel-tools: extracting from linux-source-6.1 $ver" >&2
	# shellcheck disable=SC2046,SC2086	# $files is a word list
	pinned "" tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tmp" \
		--strip-components=1 $(printf 'linux-source-6.1/%s ' $files)
	mv -T "$tmp" "$dir"
fi
echo "$dir"
