#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make deb`: hello-kmalloc-dkms_VERSION_all.deb, the source package and
# the .changes in OUT, built by an unprivileged user in a copy of a cached
# chroot of the pinned release (tests/host/chroot.sh) from the files of
# this tree git does not ignore (tracked or not, as `make lint` takes
# them), then checked by lintian there: an error or a warning fails, the
# rest is printed.  The machine gets nothing installed.  Root only.
# Usage: deb.sh [OUT]            OUT: build/deb
# For packaging/check.sh, a package that differs from the tree's:
#   HELLO_DEB_VERSION=V          Kbuild and the changelog of the copy say V
#   HELLO_DEB_PLANT=PERL         a perl substitution on hello_kmalloc.c
#   HELLO_DEB_LINTIAN=0          no lintian
#   HELLO_DEB_ROOT=DIR           build in DIR, that chroot's copy made by
#                                the first build that names it, kept for
#                                the next (the caller removes it)
# shellcheck disable=SC2016 # '$1' and '$HOME': the chroot's shell expands them
set -eu
cd "$(dirname "$0")/.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
out=$(realpath -m "${1:-build/deb}")
# the build's own dependencies are debian/control's (apt-get build-dep);
# these are in the cached chroot so that a build seldom downloads
chroot_pkgs="build-essential debhelper dh-dkms lintian"
ver=${HELLO_DEB_VERSION:-$(make -s hello-version)}
src=hello-kmalloc-$ver

work=$(mktemp -d "${TMPDIR:-/var/tmp}/hello-deb.XXXXXX")
root=${HELLO_DEB_ROOT:-$work/root}
if [ -n "${HELLO_DEB_ROOT:-}" ]; then
	trap 'rm -rf "$work"' EXIT
else
	trap 'bash tests/host/chroot.sh remove "$root"; rm -rf "$work"' EXIT
fi
# shellcheck disable=SC2086
[ -d "$root" ] ||
	bash tests/host/chroot.sh copy "$pinned_release" "$root" $chroot_pkgs
tree=$root/tmp/$src
tree_copy "$tree"
if [ -n "${HELLO_DEB_VERSION:-}" ]; then
	sed -i "s/^hello_version *:=.*/hello_version := $ver/" "$tree/Kbuild"
	sed -i "1s/([^)]*)/($ver)/" "$tree/debian/changelog"
fi
[ -z "${HELLO_DEB_PLANT:-}" ] ||
	perl -0pi -e "$HELLO_DEB_PLANT" "$tree/hello_kmalloc.c"

run() { bash tests/host/chroot.sh run "$root" "$@"; }
run sh -ec 'id -u builder >/dev/null 2>&1 || useradd -m builder
	rm -rf /home/builder/hello-kmalloc*
	mv "/tmp/$1" /home/builder/
	chown -R builder: /home/builder
	cd "/home/builder/$1"
	apt-get build-dep -qq -y ./ >/dev/null ||
		{ apt-get update -qq && apt-get build-dep -qq -y ./; }' sh "$src"
run -u builder sh -ec 'cd "$HOME/$1" && dpkg-buildpackage -us -uc' \
	sh "$src" >"$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/hello-kmalloc*
cp "$work/build.log" "$root/home/builder"/hello-kmalloc*_"$ver"* "$out/"
ls "$out"/hello-kmalloc*
[ "${HELLO_DEB_LINTIAN:-1}" != 0 ] || exit 0
lintian="lintian --fail-on error,warning --display-info --pedantic"
echo "# $lintian"
run -u builder sh -c "$lintian"' "$HOME"/hello-kmalloc_*.changes' |
	tee "$out/lintian.txt"
exit "${PIPESTATUS[0]}"
