#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernel-arm.sh arm64|arm
# Cross-builds Debian's linux-source-6.1 into the cache and prints
# "NAME IMAGE KDIR" like tests/host/kernel.sh (NAME is ARCH-VERSION; IMAGE is -
# when nothing bootable was built):
#   arm64: tinyconfig + tests/configs/arm64-virt.config, the whole kernel (Image and
#          Module.symvers), for qemu -M virt;
#   arm:   multi_v7_defconfig, `make modules_prepare` only: enough to build
#          the module for 32-bit arm and see its warnings.
# A build is kept under the source version and a hash of what makes its
# .config (base config, fragment, compiler), so a change to any of them
# builds anew.  Fails if an option the fragment asks for does not survive
# olddefconfig.
set -eu
arch=$1
here=$(cd "$(dirname "$0")" && pwd)
cache=${HELLO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hello_kmalloc}/cross
case $arch in
arm64)	cross=aarch64-linux-gnu- gcc=gcc-aarch64-linux-gnu
	base=tinyconfig frag=$here/../configs/arm64-virt.config
	targets="Image modules" image=arch/arm64/boot/Image ;;
arm)	cross=arm-linux-gnueabihf- gcc=gcc-arm-linux-gnueabihf
	base=multi_v7_defconfig frag=
	targets=modules_prepare image= ;;
*)	echo "kernel-arm.sh: arm64 or arm, not $arch" >&2; exit 1 ;;
esac
bash "$here/deps.sh" linux-source-6.1 xz-utils flex bison bc libssl-dev \
	libelf-dev "$gcc" >&2
mkdir -p "$cache"
exec 9>"$cache/lock"
flock 9

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
src=$cache/linux-source-$ver
if [ ! -f "$src/.extracted" ]; then
	echo "# extracting linux-source $ver into $src" >&2
	find "$cache" -maxdepth 1 -name 'linux-source-*' -exec rm -rf {} +
	mkdir -p "$src"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$src" --strip-components=1
	touch "$src/.extracted"
fi
kmake() {
	nice -n 10 make -s -C "$src" ARCH="$arch" CROSS_COMPILE="$cross" "$@"
}

# a build is named by what makes its .config: base, fragment, compiler
key=$({ echo "$base"; if [ -n "$frag" ]; then cat "$frag"; fi
	"${cross}gcc" --version | head -n 1; } | sha256sum | cut -c1-12)
out=$cache/$arch-$ver-$key

if [ ! -f "$out/.built" ]; then
	echo "# building Linux $ver for $arch ($targets) in $out" >&2
	mkdir -p "$out"
	log=$out/config.log
	kmake O="$out" "$base" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
	if [ -n "$frag" ]; then
		cat "$frag" >>"$out/.config"	# later lines win
		kmake O="$out" olddefconfig >>"$log" 2>&1 ||
			{ cat "$log" >&2; exit 1; }
		lost=$(grep -E '^(CONFIG_|# CONFIG_.* is not set)' "$frag" |
			grep -vxF -f "$out/.config" || true)
		if [ -n "$lost" ]; then
			echo "kernel-arm.sh: options in $frag that did not" \
				"stick:" "$lost" >&2
			exit 1
		fi
	fi
	# shellcheck disable=SC2086
	kmake O="$out" -j"$(nproc)" $targets >&2
	touch "$out/.built"
fi
echo "$arch-$ver ${image:+$out/}${image:--} $out"
