#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernel.sh NAME   (a row of tests/kernels)
# Provides that kernel and a tree to build modules against, and prints
# "ID IMAGE KDIR CC": ID names the build (a Debian ABI, or NAME-VERSION),
# IMAGE is what qemu boots (- for a kernel only compiled for), KDIR the
# tree for M= builds, CC the compiler a module for it must be built with
# (- for the arch's gcc).  Progress goes to stderr.
#   debian: the ABI the meta package depends on today; its vmlinuz is
#           cached (apt-get download, no initramfs build) and its headers
#           installed.
#   source: Debian's linux-source, `make BASE`, the fragment appended and
#           every line of it checked to survive olddefconfig, built out of
#           tree (O=) in the cache under a key of what makes the .config
#           (source version, base, fragment, compiler): a change to any of
#           them builds anew, anything else reuses.  CC, the row's
#           optional last argument, is the compiler (a Debian package of
#           that name, e.g. clang-19) instead of gcc.  A bootable arch builds
#           its image and modules (Module.symvers, for the module to
#           link); the others modules_prepare, enough to compile it.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
name=$1
read -r _ arch provider pkg base frag cc <<<"$(row tests/kernels "$name")" ||
	{ echo "kernel.sh: no kernel $name in tests/kernels" >&2; exit 1; }
read -r _ karch cross _ image packages <<<"$(row tests/arches "$arch")"
[ "$cross" != - ] || cross=
apt() { apt-get -q -o DPkg::Lock::Timeout=600 "$@" >&2; }

provide_debian() {
	local abi vmlinuz kdir tmp
	abi_of() {
		apt-cache depends "$pkg" 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-//p' | head -n 1
	}
	abi=$(abi_of)
	[ -n "$abi" ] || { apt update; abi=$(abi_of); }
	[ -n "$abi" ] || { echo "kernel.sh: no package $pkg" >&2; exit 1; }

	vmlinuz=$cache/kernels/$abi/vmlinuz
	if [ ! -s "$vmlinuz" ]; then
		echo "# fetching linux-image-$abi into $cache" >&2
		tmp=$(mktemp -d)
		trap 'rm -rf "$tmp"' EXIT
		chmod 777 "$tmp"	# apt-get download runs as _apt when it can
		(cd "$tmp" && apt download "linux-image-$abi" 2>/dev/null) ||
			(apt update && cd "$tmp" && apt download "linux-image-$abi")
		dpkg-deb --fsys-tarfile "$tmp"/linux-image-*.deb |
			tar -x -C "$tmp" "./boot/vmlinuz-$abi"
		mkdir -p "$(dirname "$vmlinuz")"
		mv "$tmp/boot/vmlinuz-$abi" "$vmlinuz"
	fi

	kdir=/usr/src/linux-headers-$abi
	if [ ! -f "$kdir/Makefile" ]; then
		echo "# installing linux-headers-$abi" >&2
		apt install -y --no-install-recommends "linux-headers-$abi" ||
			{ apt update && apt install -y --no-install-recommends \
				"linux-headers-$abi"; }
	fi
	echo "$abi $vmlinuz $kdir -"
}

provide_source() {
	local ver src key out targets log lost start ccbin
	# shellcheck disable=SC2086	# a word list
	bash tests/host/deps.sh "$pkg" xz-utils flex bison bc libssl-dev \
		libelf-dev $packages ${cc:-} >&2
	[ -n "${cc:-}" ] || cc=-
	ccbin=$cc
	[ "$cc" != - ] || ccbin=${cross}gcc
	[ "$frag" = - ] || frag=tests/configs/$frag
	ver=$(dpkg-query -W -f='${Version}' "$pkg")
	mkdir -p "$cache/source"
	exec 9>"$cache/source/lock"	# one builder at a time; others wait
	flock 9

	src=$cache/source/$pkg-$ver
	if [ ! -f "$src/.extracted" ]; then
		echo "# extracting $pkg $ver into $src" >&2
		find "$cache/source" -maxdepth 1 -name "$pkg-*" -exec rm -rf {} +
		mkdir -p "$src"
		tar -xJf "/usr/src/$pkg.tar.xz" -C "$src" --strip-components=1
		touch "$src/.extracted"
	fi
	kmake() {
		nice -n 10 make -s -C "$src" O="$out" ARCH="$karch" \
			CROSS_COMPILE="$cross" CC="$ccbin" "$@"
	}

	# a build is named by what makes its .config
	key=$({ echo "$base"
		if [ "$frag" != - ]; then grep -v '^#' "$frag"; fi
		"$ccbin" --version | head -n 1; } | sha256sum | cut -c1-12)
	out=$cache/kernels/$name-$ver-$key
	targets=modules_prepare
	[ "$image" = - ] || targets="${image##*/} modules"

	if [ ! -f "$out/.built" ]; then
		echo "# building $name: Linux $ver for $arch ($targets) in $out" >&2
		start=$SECONDS
		rm -rf "$out"
		mkdir -p "$out"
		log=$out/config.log
		kmake "$base" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
		if [ "$frag" != - ]; then
			cat "$frag" >>"$out/.config"	# later lines win
			kmake olddefconfig >>"$log" 2>&1 ||
				{ cat "$log" >&2; exit 1; }
			lost=$(grep -E '^(CONFIG_|# CONFIG_.* is not set)' "$frag" |
				grep -vxF -f "$out/.config" || true)
			if [ -n "$lost" ]; then
				echo "kernel.sh: options in $frag that did not" \
					"stick (a dependency?):" "$lost" >&2
				exit 1
			fi
		fi
		# shellcheck disable=SC2086
		kmake -j"$(nproc)" $targets >&2
		echo "# built $name in $((SECONDS - start)) s" >&2
		touch "$out/.built"
	fi
	[ "$image" = - ] || image=$out/$image
	echo "$name-$ver $image $out $cc"
}

case $provider in
debian) provide_debian ;;
source) provide_source ;;
*) echo "kernel.sh: $name: no provider $provider" >&2; exit 1 ;;
esac
