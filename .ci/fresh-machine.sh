#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make ci-fresh`: run .ci/run as CI does on a new machine.  A green run on
# a machine that already has the packages and the kernel cache can hide a
# missing install step; this one cannot: a fresh clone of HEAD runs in a
# minimal Debian 12 chroot (debootstrap) holding only what a new machine
# starts with, with an empty ~/.cache.  Needs root and the Debian archive;
# about 40 minutes on 2 cores.  HELLO_FRESH_ROOT: where (rebuilt each run).
set -eu
cd "$(dirname "$0")/.."
root=${HELLO_FRESH_ROOT:-/var/tmp/hello_kmalloc-fresh}
base=gcc,make,git,perl,python3,cppcheck,clang-format,ca-certificates

unmount() {
	local d
	for d in dev/pts dev sys proc; do
		! mountpoint -q "$root/$d" || umount "$root/$d"
	done
}
trap unmount EXIT
unmount
if grep -q " $root/" /proc/mounts; then
	echo "fresh-machine: something is still mounted under $root" >&2
	exit 1
fi
rm -rf --one-file-system "$root"

bash tests/host/deps.sh debootstrap
debootstrap --variant=minbase --include="$base" bookworm "$root" \
	http://deb.debian.org/debian >"$root.debootstrap.log" 2>&1 ||
	{ tail -n 20 "$root.debootstrap.log" >&2; exit 1; }
# the same package sources as this machine (updates, security)
rm -f "$root/etc/apt/sources.list"
cp -a /etc/apt/sources.list* "$root/etc/apt/"
cp /etc/resolv.conf "$root/etc/"
for d in proc sys dev dev/pts; do
	mount --bind "/$d" "$root/$d"
done
git clone -q . "$root/root/hello_kmalloc"
echo "# fresh machine in $root: bash .ci/run on $(git rev-parse --short HEAD)"
chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	bash -c 'cd /root/hello_kmalloc && bash .ci/run'
