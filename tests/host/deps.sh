#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: deps.sh [PACKAGE...]   or   deps.sh --list
# Installs on this machine, if missing, what README lists as a host's
# prerequisites (below), and each PACKAGE of tests/arches' qemu column
# (as root; a user is told what to install); --list prints them all.
# Nothing else is ever installed here: every build, kernel, compiler and
# checker lives in a cached Debian chroot (tests/host/chroot.sh).
set -eu
# make and git run the tree, mmdebstrap makes the chroots, mount mounts in
# them, uidmap's newuidmap maps a user's subordinate IDs into them (and
# tests/arches names the qemu that boots each architecture)
need="make git mmdebstrap mount uidmap"
if [ "${1:-}" = --list ]; then
	# shellcheck source=tests/host/lib.sh
	. "$(dirname "$0")/lib.sh"
	# shellcheck disable=SC2046 # a word list
	echo "$need" $(rows "$tables/arches" | cut -d $'\037' -f6)
	exit
fi
missing=
for p in $need "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing prerequisites: install them as root:" \
		"apt-get install$missing" >&2
	exit 1
fi
echo "# installing the prerequisites:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends \
	$missing >&2
