#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: deps.sh [PACKAGE...]
# Installs what the VM tests always need, and each PACKAGE, if missing.
set -eu
need="qemu-system-x86 busybox-static cpio gzip gcc make libc6-dev bc"
missing=
for p in $need "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "# installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends \
	$missing >&2
