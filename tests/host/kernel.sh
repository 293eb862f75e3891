#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernel.sh META_PACKAGE   (linux-image-amd64, linux-image-6.12-amd64)
# Finds the kernel ABI the Debian meta package points at, caches its vmlinuz
# (apt-get download + dpkg-deb: no initramfs build) and installs the matching
# headers.  Prints "ABI VMLINUZ KDIR".
set -eu
meta=$1
cache=${HELLO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hello_kmalloc}

abi_of() {
	apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-//p' | head -n 1
}
abi=$(abi_of)
if [ -z "$abi" ]; then
	apt-get update -qq >&2
	abi=$(abi_of)
fi
[ -n "$abi" ] || { echo "kernel.sh: no package $meta" >&2; exit 1; }

vmlinuz=$cache/kernels/$abi/vmlinuz
if [ ! -s "$vmlinuz" ]; then
	echo "# fetching linux-image-$abi into $cache" >&2
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	chmod 777 "$tmp"	# apt-get download runs as _apt when it can
	(cd "$tmp" && apt-get download -q "linux-image-$abi" >&2 2>/dev/null) ||
		(apt-get update -qq >&2 &&
		 cd "$tmp" && apt-get download -q "linux-image-$abi" >&2)
	dpkg-deb --fsys-tarfile "$tmp"/linux-image-*.deb |
		tar -x -C "$tmp" "./boot/vmlinuz-$abi"
	mkdir -p "$(dirname "$vmlinuz")"
	mv "$tmp/boot/vmlinuz-$abi" "$vmlinuz"
fi

kdir=/usr/src/linux-headers-$abi
if [ ! -f "$kdir/Makefile" ]; then
	echo "# installing linux-headers-$abi" >&2
	apt-get install -y -q --no-install-recommends "linux-headers-$abi" \
		>&2 || { apt-get update -qq >&2 && apt-get install -y -q \
		--no-install-recommends "linux-headers-$abi" >&2; }
fi
echo "$abi $vmlinuz $kdir"
