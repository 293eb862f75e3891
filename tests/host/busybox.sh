#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: busybox.sh DEB_ARCH   (arm64, armhf, ...)
# Prints the path of a static busybox for another architecture: Debian's
# busybox-static for DEB_ARCH, fetched once into the cache with apt-get
# download.  The package lists for DEB_ARCH are kept in the cache too, so
# the machine's apt configuration (its foreign architectures) is untouched.
set -eu
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/lib.sh"
arch=$1
cache=$cache/busybox-$arch
bin=$cache/busybox
if [ ! -x "$bin" ]; then
	echo "# fetching busybox-static:$arch into $cache" >&2
	mkdir -p "$cache/lists/partial" "$cache/apt"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	chmod 777 "$tmp"	# apt-get download runs as _apt when it can
	apt() {
		apt-get -q -o APT::Architecture="$arch" \
			-o APT::Architectures::="$arch" \
			-o Dir::State::Lists="$cache/lists" \
			-o Dir::Cache="$cache/apt" "$@" >&2
	}
	apt update
	(cd "$tmp" && apt download "busybox-static:$arch")
	dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/root"
	mv "$tmp/root/bin/busybox" "$bin"
	rm -rf "$cache/lists" "$cache/apt"
fi
echo "$bin"
