#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernel-tools.sh   prints DIR, a copy of the kernel's own style
# tools from Debian's linux-source-6.1, kept in the cache (not the repo):
# DIR/scripts/checkpatch.pl with spelling.txt and const_structs.checkpatch
# beside it (where checkpatch looks for them), and DIR/.clang-format.
set -eu
cd "$(dirname "$0")/.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
files="scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch .clang-format"

bash tests/host/deps.sh linux-source-6.1 perl >&2
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
dir=$cache/kernel-tools/linux-source-$ver
if [ ! -d "$dir" ]; then
	mkdir -p "$cache/kernel-tools"
	tmp=$(mktemp -d "$cache/kernel-tools/.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	src=/usr/src/linux-source-6.1
	# shellcheck disable=SC2086	# $files is a word list
	if (cd "$src" 2>/dev/null && cp --parents $files "$tmp"); then
		echo "# kernel-tools: copied from $src" >&2
	else
		echo "# kernel-tools: extracting from $src.tar.xz" >&2
		# shellcheck disable=SC2046,SC2086
		tar -xJf "$src.tar.xz" -C "$tmp" --strip-components=1 \
			$(printf 'linux-source-6.1/%s ' $files)
	fi
	mv -T "$tmp" "$dir"
fi
echo "$dir"
