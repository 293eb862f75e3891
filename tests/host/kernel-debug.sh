#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: build.sh     prints "BZIMAGE KDIR" of the sanitizer kernel
# Builds Debian's linux-source-6.1 with tinyconfig + sanitizers.config
# (KASAN, kmemleak, lockdep, UBSAN, fault injection) and caches the built
# tree under $HELLO_CACHE/debug-kernel/<source version>-<fragment hash>, so
# only the first run pays (~8 min on 2 idle cores).  `make modules` runs too:
# it writes Module.symvers, which an out-of-tree module needs to link.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
frag=$here/../configs/sanitizers.config
cache=${HELLO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hello_kmalloc}

bash "$here/deps.sh" linux-source-6.1 bc flex bison libelf-dev \
	libssl-dev xz-utils >&2
src=/usr/src/linux-source-6.1.tar.xz
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$ver-$(sha256sum <"$frag" | cut -c1-12)
tree=$cache/debug-kernel/$key
mkdir -p "$cache/debug-kernel"

# one builder at a time (parallel `make mutants`, say); others wait for it
exec 9>"$cache/debug-kernel/.lock"
flock 9
if [ ! -f "$tree/.built" ]; then
	echo "# building the sanitizer kernel $key in $tree" >&2
	echo "# (first run only: about 8 minutes on 2 idle cores)" >&2
	start=$(date +%s)
	rm -rf "$tree"
	mkdir -p "$tree"
	tar -xJf "$src" -C "$tree" --strip-components=1
	cd "$tree"
	make -s tinyconfig >&2
	scripts/kconfig/merge_config.sh -m .config "$frag" >&2
	make -s olddefconfig >&2
	# every line of the fragment must have survived olddefconfig
	lost=$(grep -E '^(CONFIG_|# CONFIG_.* is not set)' "$frag" |
		grep -vxF -f .config || true)
	if [ -n "$lost" ]; then
		echo "build.sh: these options did not stick (dependency?):" >&2
		echo "$lost" >&2
		exit 1
	fi
	nice -n 10 make -s -j"$(nproc)" bzImage modules >&2
	echo "# sanitizer kernel built in $(($(date +%s) - start)) s" >&2
	touch .built
fi
echo "$tree/arch/x86/boot/bzImage $tree"
