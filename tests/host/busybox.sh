#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: busybox.sh DEB_ARCH   (amd64, arm64, armhf, ...)
# Prints the path of a static busybox for DEB_ARCH: the pinned release's
# busybox-static (tests/host/lib.sh), fetched once into the cache with
# apt-get download in that release's chroot.  The package lists for
# DEB_ARCH are kept in the cache too, so that the chroot's own apt
# configuration (its architectures) is untouched.  One fetch at a time:
# the others wait for it.
set -eu
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/lib.sh"
arch=$1
dir=$cache/busybox-$pinned_release-$arch
bin=$dir/busybox
if [ ! -x "$bin" ]; then
	mkdir -p "$cache"
	exec 9>"$dir.lock"
	flock 9
fi
if [ ! -x "$bin" ]; then
	echo "# fetching $pinned_release's busybox-static:$arch into $dir" >&2
	rm -rf "$dir"
	mkdir -p "$dir/lists/partial" "$dir/apt" "$dir/deb"
	apt() {
		pinned "" apt-get -q -o APT::Sandbox::User=root \
			-o APT::Architecture="$arch" \
			-o APT::Architectures::="$arch" \
			-o Dir::State::Lists="$dir/lists" \
			-o Dir::Cache="$dir/apt" "$@" >&2
	}
	apt update
	(cd "$dir/deb" && apt download "busybox-static:$arch")
	dpkg-deb -x "$dir"/deb/busybox-static_*.deb "$dir/root"
	mv "$dir/root/bin/busybox" "$bin"
	rm -rf "$dir/lists" "$dir/apt" "$dir/deb" "$dir/root"
fi
echo "$bin"
