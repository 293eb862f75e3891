#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make package-check`: the ways hello_kmalloc gets installed, run on this
# machine for each Debian kernel (no module is loaded: building and
# installing is all they do).
#   - DKMS as root on the real system: dkms add, build, install, status,
#     remove; then `make dkms-install`, `dkms autoinstall` (what a new
#     kernel's postinst runs) and `make dkms-uninstall`
#   - `make install` / `make uninstall`, staged under INSTALL_MOD_PATH
#   - `make udev-install` / `make udev-uninstall`, staged under DESTDIR
# Prints "ok"/"not ok" lines and "N passed, N failed".  Puts the machine
# back as it found it, also on failure, and will not touch a hello_kmalloc
# DKMS install it did not make itself.
set -eu
cd "$(dirname "$0")/.."
metas=${HELLO_KERNELS:-6.1 6.12}
ver=$(sed -n 's/^hello_version *:= *//p' Kbuild)
mod=hello_kmalloc/$ver
src=/usr/src/hello_kmalloc-$ver
marker=.made-by-package-check
depmod_files="modules.alias modules.alias.bin modules.builtin.alias.bin
modules.builtin.bin modules.dep modules.dep.bin modules.devname
modules.softdep modules.symbols modules.symbols.bin"

# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
step() {	# step NAME CMD...: one result for one command
	local name=$1
	shift
	if "$@" >"$tmp/step.log" 2>&1; then
		result ok "$name"
	else
		result fail "$name" "$tmp/step.log"
	fi
}

[ "$(id -u)" = 0 ] || { result fail "runs as root (DKMS needs it)"; finish; }
bash tests/host/deps.sh dkms openssl kmod
abis=
for meta in $metas; do
	read -r abi _ _ <<<"$(bash tests/host/kernel.sh "$meta")"
	abis="$abis $abi"
done
abis=${abis# }
echo "# hello_kmalloc $ver (Kbuild), kernels: $abis"

# Someone else's hello_kmalloc in DKMS is not ours to remove.
if { dkms status hello_kmalloc 2>/dev/null | grep -q . || [ -e "$src" ]; } &&
	[ ! -e "$src/$marker" ]; then
	dkms status hello_kmalloc 2>/dev/null | sed 's/^/# /'
	result fail "no hello_kmalloc in DKMS but this check's own (make dkms-uninstall)"
	finish
fi

had_mok=$([ -e /var/lib/dkms/mok.key ] && echo y || echo n)
no_depmod=
for abi in $abis; do
	[ -e "/lib/modules/$abi/modules.dep" ] || no_depmod="$no_depmod $abi"
done
cleanup() {
	if dkms status "$mod" 2>/dev/null | grep -q .; then
		dkms remove "$mod" --all >/dev/null 2>&1 || true
	fi
	rm -rf "$src" "${tmp:-}"
	# depmod's files where there were none, the key DKMS made for signing
	for abi in $no_depmod; do
		for f in $depmod_files; do rm -f "/lib/modules/$abi/$f"; done
	done
	[ "$had_mok" = y ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
}
cleanup	# what a killed run may have left
tmp=$(mktemp -d)
trap cleanup EXIT

# A copy of the tree, so that builds leave nothing in the checkout.
tree=$tmp/tree
mkdir "$tree"
git ls-files -z --cached --others --exclude-standard |
	xargs -0 cp --parents -t "$tree"

# --- DKMS, step by step ----------------------------------------------------
step "make dkms-src: source in $src" make -s -C "$tree" dkms-src
touch "$src/$marker"
step "dkms.conf carries the version of Kbuild ($ver)" \
	grep -qx "PACKAGE_VERSION=\"$ver\"" "$src/dkms.conf"
step "dkms add $mod" dkms add "$mod"

modinfo_ok() {	# modinfo_ok FILE ABI: the fields a user sees
	[ "$(modinfo -F version "$1")" = "$ver" ] &&
		[ "$(modinfo -F license "$1")" = GPL ] &&
		[ -n "$(modinfo -F author "$1")" ] &&
		[ -n "$(modinfo -F description "$1")" ] &&
		modinfo -F vermagic "$1" | grep -q "^$2 "
}
for abi in $abis; do
	step "$abi: dkms build" dkms build "$mod" -k "$abi"
	ko=$(find "/var/lib/dkms/hello_kmalloc/$ver/$abi" \
		-name 'hello_kmalloc.ko*' 2>/dev/null | head -n 1)
	what="$abi: modinfo: version $ver, license, author, description, vermagic"
	if [ -n "$ko" ] && modinfo_ok "$ko" "$abi"; then
		result ok "$what"
	else
		modinfo "${ko:-/dev/null}" >"$tmp/modinfo.log" 2>&1 || true
		result fail "$what" "$tmp/modinfo.log"
	fi
	step "$abi: DKMS signed it for Secure Boot (modinfo signer)" \
		test -n "$(modinfo -F signer "${ko:-/dev/null}" 2>/dev/null)"
done
for abi in $abis; do
	step "$abi: dkms install" dkms install "$mod" -k "$abi"
	step "$abi: depmod knows it: modinfo -k $abi hello_kmalloc" \
		sh -c "modinfo -k '$abi' -n hello_kmalloc | grep -q '^/lib/modules/$abi/updates/dkms/'"
done
dkms status "$mod" 2>/dev/null | tee "$tmp/status" | sed 's/^/# /'
for abi in $abis; do
	step "$abi: dkms status says installed" \
		grep -q "^$mod, $abi, [^:]*: installed" "$tmp/status"
done
step "dkms remove $mod --all" dkms remove "$mod" --all
step "dkms status is empty again" sh -c "! dkms status '$mod' | grep -q ."
for abi in $abis; do
	step "$abi: the module is gone from /lib/modules and depmod" \
		sh -c "! modinfo -k '$abi' -n hello_kmalloc >/dev/null 2>&1"
done

# --- make dkms-install / dkms-uninstall, AUTOINSTALL -------------------------
first=${abis%% *}
last=${abis##* }
step "make dkms-install DKMS_KERNELS=$first" \
	make -s -C "$tree" dkms-install DKMS_KERNELS="$first"
touch "$src/$marker"
step "AUTOINSTALL: dkms autoinstall -k $last (a new kernel) installs it" \
	sh -c "dkms autoinstall -k '$last' && dkms status '$mod' | grep -q ', $last, .*installed'"
step "make dkms-uninstall removes it and its source" \
	sh -c "make -s -C '$tree' dkms-uninstall && ! dkms status '$mod' | grep -q . && [ ! -e '$src' ]"

# --- make install / uninstall, staged ---------------------------------------
root=$tmp/root
for abi in $abis; do
	kdir=/usr/src/linux-headers-$abi
	step "$abi: make install (staged): modinfo finds version $ver" sh -c "
		make -s -C '$tree' install KDIR='$kdir' INSTALL_MOD_PATH='$root' &&
		[ \"\$(modinfo -b '$root' -k '$abi' -F version hello_kmalloc)\" = '$ver' ]"
	step "$abi: make uninstall (staged): gone" sh -c "
		make -s -C '$tree' uninstall KDIR='$kdir' INSTALL_MOD_PATH='$root' &&
		! modinfo -b '$root' -k '$abi' hello_kmalloc >/dev/null 2>&1"
done

# --- udev, staged ------------------------------------------------------------
rule=$root/etc/udev/rules.d/60-hello_kmalloc.rules
step "make udev-install (staged) installs the rule" sh -c "
	make -s -C '$tree' udev-install DESTDIR='$root' &&
	grep -q 'GROUP=\"hello_kmalloc\", MODE=\"0660\"' '$rule'"
step "make udev-uninstall (staged) removes it" sh -c "
	make -s -C '$tree' udev-uninstall DESTDIR='$root' && [ ! -e '$rule' ]"

finish
