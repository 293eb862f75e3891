#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make ci-fresh`: run .ci/run as CI does on a new machine.  A green run on
# a machine that already has the packages and the kernel cache can hide a
# missing install step; this one cannot: a fresh clone of HEAD runs in a
# minimal Debian 12 chroot holding only what a new machine starts with,
# with an empty ~/.cache.  The chroot is made anew every run (chroot.sh
# new: debootstrap from the archive this machine's apt uses; never the
# chroot cache).  Needs root and the Debian archive; about 40 minutes on 2
# cores.  HELLO_FRESH_ROOT: where.
set -eu
cd "$(dirname "$0")/.."
root=${HELLO_FRESH_ROOT:-/var/tmp/hello_kmalloc-fresh}
base="gcc make git perl python3 cppcheck clang-format ca-certificates"

bash tests/host/chroot.sh remove "$root"
# shellcheck disable=SC2086 # a word list
bash tests/host/chroot.sh new bookworm "$root" $base
git clone -q . "$root/root/hello_kmalloc"
echo "# fresh machine in $root: bash .ci/run on $(git rev-parse --short HEAD)"
bash tests/host/chroot.sh run "$root" \
	bash -c 'cd /root/hello_kmalloc && bash .ci/run'
