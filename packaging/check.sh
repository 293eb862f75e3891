#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make package-check`: hello-kmalloc-dkms as a Debian user gets it, and as
# Debian tests it, in a fresh copy of a cached bookworm chroot that starts
# with the 6.12 kernel and no headers.  Nothing is installed on this
# machine but deps.sh's prerequisites.
# In that order:
#   - the packages: make deb (lintian clean), one of a lower version, one
#     with a planted build failure (packaging/deb.sh)
#   - apt install with no headers: DKMS says so; apt purge
#   - the 6.1 and 6.12 headers, apt install: built and installed for both
#   - the headers of another kernel: DKMS builds it for that one too;
#     after the purge below, those headers go again
#   - apt purge leaves nothing (no source, DKMS entry, module, depmod line)
#   - the lower version upgraded to this one: only this one is left
#   - Debian's own test, /usr/lib/dkms/dkms-autopkgtest
#   - the package that fails to build: apt install says so; apt purge
#   - make install/uninstall, dkms-install/dkms-uninstall and
#     udev-install/udev-uninstall, staged
#   - the modules DKMS installed for 6.1 and 6.12, booted in their kernels
#     (`HELLO_KO_DIR=DIR bash tests/host/run.sh package`)
# Prints "ok"/"not ok" lines, ends with "N passed, N failed"; every
# check's output is in build/package-check/log.
# shellcheck disable=SC2016 # the checks' scripts expand in the chroot
set -eu
cd "$(dirname "$0")/.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
ktap_begin
ver=$(make -s hello-version)
prev=$ver~prev
# the kernels of tests/kernels (a row's last field: the image's meta
# package) whose headers come first; the chroot starts with the last one's
# image; the headers installed later
headers=
for k in 6.1 6.12; do
	args=
	row tests/kernels "$k" _ _ _ _ args
	image_meta=${args##* }
	headers="$headers ${image_meta/image/headers}"
done
later=linux-headers-cloud-amd64
abis=
out=$PWD/build/package-check
root=$out/root
log=$out/log

in_chroot() { bash tests/host/chroot.sh run "$root" "$@"; }
# check NAME SCRIPT: one result for SCRIPT, run by sh -e in the chroot
# in /root, with packaging/check-lib.sh and ver, prev, abis and later set
check() {
	local start=$SECONDS
	if in_chroot sh -ec "ver='$ver' prev='$prev' abis='$abis' later='$later'
		cd /root
		. ./check-lib.sh
		$2" >"$out/step.log" 2>&1; then
		result ok "$1"
	else
		result fail "$1" "$out/step.log"
	fi
	{ echo "### $1 ($((SECONDS - start)) s)"; cat "$out/step.log"; } >>"$log"
}

# the chroots: the packages' build and the user's; a killed run's first
chroots() {
	bash tests/host/chroot.sh remove "$out/build-root"
	bash tests/host/chroot.sh remove "$root"
}
chroots
rm -rf "$out"
mkdir -p "$out/debs"
trap chroots EXIT

changelog=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog)
result "$([ "$changelog" = "$ver" ] && echo ok || echo fail)" \
	"debian/changelog's version ($changelog) is Kbuild's hello_version ($ver)"

# --- the packages --------------------------------------------------------
deb=hello-kmalloc-dkms_${ver}_all.deb
start=$SECONDS
# one copy of the build chroot for the three
export HELLO_DEB_ROOT=$out/build-root
if bash packaging/deb.sh build/deb >"$out/deb.log" 2>&1; then
	result ok "make deb: build/deb/$deb, lintian clean at warning level"
	sed -n 's/^[IPX]: /# lintian: &/p' "$out/deb.log"
else
	result fail "make deb: build/deb/$deb, lintian clean at warning level" \
		"$out/deb.log"
	finish
fi
cp "build/deb/$deb" "$out/debs/new.deb"
for v in prev broken; do
	case $v in
	prev) vars=(HELLO_DEB_VERSION="$prev") ;;
	broken) vars=(HELLO_DEB_PLANT='s/^MODULE_LICENSE/#error planted build failure\n$&/m') ;;
	esac
	if env "${vars[@]}" HELLO_DEB_LINTIAN=0 bash packaging/deb.sh \
		"$out/$v" >"$out/$v.log" 2>&1; then
		cp "$out/$v"/hello-kmalloc-dkms_*.deb "$out/debs/$v.deb"
	else
		result fail "packaging/deb.sh: the $v package" "$out/$v.log"
		finish
	fi
done
bash tests/host/chroot.sh remove "$HELLO_DEB_ROOT"
unset HELLO_DEB_ROOT
echo "# the packages: $((SECONDS - start)) s"
start=$SECONDS

# --- the chroot ----------------------------------------------------------
# the image the meta package depends on today, in that release
image=$(pinned "" apt-cache depends "$image_meta" 2>/dev/null |
	sed -n 's/^ *Depends: //p' | head -n 1)
echo "# the chroot: $pinned_release, openssl, $image (cached; the first run makes it)"
if ! bash tests/host/chroot.sh copy "$pinned_release" "$root" openssl "$image" \
	>>"$log" 2>&1; then
	result fail "a copy of the $pinned_release chroot with $image" "$log"
	finish
fi
cp packaging/check-lib.sh "$root/root/"
cp -r "$out/debs" "$root/root/"
tree_copy "$root/root/tree"
# The release's chroot holds the headers (and images) the module builds
# use: the copy keeps the one image and none of them.  It never boots: like
# every cached chroot it makes no initramfs (tests/host/chroot.sh).
in_chroot sh -ec 'apt-get update -qq
	old=$(dpkg-query -W -f="\${db:Status-Status} \${Package}\n" \
		"linux-headers-*" "linux-kbuild-*" "linux-image-*" 2>/dev/null |
		while read -r s p; do
			[ "$s" != installed ] || [ "$p" = "$1" ] || echo "$p"
		done)
	[ -z "$old" ] || apt-get purge -y -qq $old' sh "$image" >>"$log" 2>&1
echo "# the chroot ready: $((SECONDS - start)) s"

check "no headers: apt install ./$deb says DKMS skipped ${image#linux-image-}" '
	apt_install ./debs/new.deb | tee /tmp/out
	must "DKMS says the headers are missing" grep -q \
		"headers for this kernel do not seem to be installed" /tmp/out
	must "nothing built" [ -z "$(find /lib/modules -name "$name.ko*")" ]'
check "no headers: apt purge leaves nothing" '
	apt-get purge -y -q $pkg
	nothing_left'

# shellcheck disable=SC2086 # a word list
abis=$(in_chroot sh -ec 'apt-get install -y -q --no-install-recommends "$@" >&2
	for m; do
		dpkg-query -W -f="\${Depends}\n" "$m" |
			sed "s/^linux-headers-//; s/[ ,].*//"
	done' sh $headers 2>>"$log" | xargs)
booted=$abis
check "the 6.1 and 6.12 headers ($abis): apt install ./$deb builds and installs it for both" '
	apt_install ./debs/new.deb
	installed $ver $abis'
check "DKMS signed both for Secure Boot (modinfo signer)" '
	for abi in $abis; do
		must "$abi: signer" [ -n "$(modinfo -k $abi -F signer $name)" ]
	done'
# the modules to boot, as busybox insmod takes them (uncompressed)
check "the modules DKMS installed, uncompressed for booting in $out/ko/ABI/" '
	for abi in $abis; do
		f=$(modinfo -k $abi -n $name)
		echo "$abi: $f"
		mkdir -p /tmp/ko/$abi
		case $f in
		*.xz) xz -dc $f ;;
		*.zst) zstd -dc $f ;;
		*.gz) gzip -dc $f ;;
		*) cat $f ;;
		esac >/tmp/ko/$abi/$name.ko
	done'
sed -n 's|^\([^ ]*: /lib/modules/.*\)|# \1|p' "$out/step.log"
[ ! -d "$root/tmp/ko" ] || cp -r "$root/tmp/ko" "$out/ko"

later_abi=$(in_chroot apt-cache depends "$later" |
	sed -n 's/^ *Depends: linux-headers-//p' | head -n 1)
check "headers of another kernel ($later_abi) installed later: DKMS builds it for that one too" '
	apt_install $later
	installed $ver $abis '"$later_abi"

check "apt purge leaves nothing: no /usr/src tree, no /var/lib/dkms entry, no module under /lib/modules, depmod clean" '
	apt-get purge -y -q $pkg
	nothing_left'
# that kernel's headers go again: the checks below build for each of the
# two booted kernels (a third build each proves nothing more)
in_chroot apt-get purge -y -qq "$later" "linux-headers-$later_abi" \
	>>"$log" 2>&1

check "upgrade from $prev: only $ver is left, built and installed for each kernel" '
	apt_install ./debs/prev.deb
	installed $prev $abis
	apt_install ./debs/new.deb
	installed $ver $abis'

# Debian's test takes the package from an apt source
{
	dpkg-deb -f "$out/debs/new.deb"
	echo "Filename: ./new.deb"
	echo "Size: $(stat -c %s "$out/debs/new.deb")"
	echo "SHA256: $(sha256sum <"$out/debs/new.deb" | cut -d' ' -f1)"
} >"$root/root/debs/Packages"
check "Debian's test: /usr/lib/dkms/dkms-autopkgtest passes for each kernel" '
	echo "deb [trusted=yes] file:/root/debs ./" \
		>/etc/apt/sources.list.d/hello.list
	apt-get update -qq
	mkdir -p /tmp/autopkgtest
	cd /tmp/autopkgtest
	/usr/lib/dkms/dkms-autopkgtest $pkg | tee /tmp/out
	for abi in $abis; do
		must "PASS $abi" grep -qx "I: PASS $abi" /tmp/out
	done'

check "a package that does not build: apt install fails and shows DKMS's error" '
	apt-get purge -y -q $pkg
	nothing_left
	if apt_install ./debs/broken.deb >/tmp/out 2>&1; then
		cat /tmp/out
		echo "FAILED: apt install succeeded"
		exit 1
	fi
	cat /tmp/out
	must "apt shows that the module build failed" \
		grep -q "Bad return status for module build" /tmp/out
	must "make.log has the planted error" grep -q "planted build failure" \
		/var/lib/dkms/$name/$ver/build/make.log'
check "after the failed build: no module, only the package unconfigured; apt purge leaves nothing" '
	must "no module" [ -z "$(find /lib/modules -name "$name.ko*")" ]
	must "dkms status: installed for no kernel" \
		sh -c "! dkms status $name | grep -q installed"
	dpkg --audit | tee /tmp/audit
	must "dpkg --audit names the package, and it alone" \
		[ "$(grep -o "^ [a-z0-9.+-]* " /tmp/audit | xargs)" = $pkg ]
	must "apt-get check: dependencies hold" apt-get check
	apt-get purge -y -q $pkg
	nothing_left'

# --- by hand, as on other distributions: staged, and DKMS in the chroot ---
for abi in $booted; do
	check "$abi: make install (staged): modinfo finds version $ver; make uninstall: gone" '
		cd /root/tree
		kdir=/usr/src/linux-headers-'"$abi"' abi='"$abi"'
		make -s install KDIR=$kdir INSTALL_MOD_PATH=/tmp/stage
		must "version $ver" \
			[ "$(modinfo -b /tmp/stage -k $abi -F version $name)" = $ver ]
		make -s uninstall KDIR=$kdir INSTALL_MOD_PATH=/tmp/stage
		must "gone" \
			sh -c "! modinfo -b /tmp/stage -k $abi $name >/dev/null 2>&1"'
done
check "make dkms-install DKMS_KERNELS=${abis%% *}, dkms autoinstall -k (a new kernel) for the others; make dkms-uninstall: nothing left" '
	cd /root/tree
	make -s dkms-install DKMS_KERNELS=${abis%% *}
	for abi in ${abis#* }; do
		dkms autoinstall -k $abi
	done
	installed $ver $abis
	make -s dkms-uninstall
	must "no source" [ ! -e /usr/src/$name-$ver ]
	must "dkms status empty" [ -z "$(dkms status $name)" ]
	must "no module" [ -z "$(find /lib/modules -name "$name.ko*")" ]'
check "make udev-install (staged) installs the rule; make udev-uninstall removes it" '
	cd /root/tree
	rule=/tmp/stage/etc/udev/rules.d/60-hello_kmalloc.rules
	make -s udev-install DESTDIR=/tmp/stage
	must "group hello_kmalloc, mode 0660" \
		grep -q "GROUP=\"hello_kmalloc\", MODE=\"0660\"" $rule
	make -s udev-uninstall DESTDIR=/tmp/stage
	must "removed" [ ! -e $rule ]'

# --- the modules DKMS built, booted --------------------------------------
echo "# HELLO_KO_DIR=$out/ko bash tests/host/run.sh package"
start=$SECONDS
status=0
HELLO_KO_DIR=$out/ko bash tests/host/run.sh package >"$out/vm.log" 2>&1 ||
	status=$?
ktap_nest "the modules DKMS installed ($booted), booted" "$out/vm.log" \
	"$status"
echo "# the VMs: $((SECONDS - start)) s"
finish
