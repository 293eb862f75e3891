#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: initramfs.sh OUT.cpio.gz JOB [FILE...]
# A gzip'd newc cpio: static busybox, tests/guest/init as /init, JOB as /job, and
# each FILE in / under its own name.  HELLO_BUSYBOX names another busybox
# (for another architecture: tests/host/busybox.sh); /bin/busybox by default.
set -eu
out=$1 job=$2
shift 2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp}
cp "${HELLO_BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
cp "$(dirname "$0")/../guest/init" "$root/init"
cp "$job" "$root/job"
for f in "$@"; do
	cp "$f" "$root/"
done
chmod 755 "$root/init"
(cd "$root" && find . | cpio --quiet -o -H newc | gzip -1) >"$out"
