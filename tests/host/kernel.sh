#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernel.sh NAME   (a row of tests/kernels)
# Provides that kernel and a tree to build modules against, and prints
# "ID IMAGE KDIR": ID names the build (a Debian ABI, or NAME-VERSION),
# IMAGE is what qemu boots (- for a kernel only compiled for), KDIR the
# tree for M= builds (ROOT:PATH for a tree inside the chroot ROOT, where
# module_build then runs make).  Progress goes to stderr.
#   debian: the ABI the meta package depends on in RELEASE's archive today
#           (the chroot's package lists are a day old at most); its vmlinuz (found in
#           the file list of the image or of a package it depends on) is
#           cached, no initramfs built, and its headers installed in a
#           cached minimal chroot of RELEASE (tests/host/chroot.sh: that
#           release's gcc, headers and apt lists), never on this machine,
#           whatever release it runs: a kernel's headers depend on its
#           image, which would land in the host's /boot.  When the
#           archive has no headers for the meta package's ABI yet, the
#           newest ABI that has image and headers is taken, with a note.
#   source: Debian's linux-source, in the chroot of the pinned release
#           (tests/host/lib.sh; PACKAGE/RELEASE: of RELEASE, as apt
#           names it) with its compilers: `make BASE`, the
#           fragments appended and every line of them checked to survive
#           olddefconfig, built
#           out of tree (O=) with the row's make arguments, in the cache
#           under a key of what makes the build (source version, base,
#           fragments, compilers and pahole and their versions, make
#           arguments): a change to any of them builds anew, anything
#           else reuses.  A bootable
#           arch builds its image and modules (Module.symvers, for the
#           module to link); the others modules_prepare, enough to compile
#           it.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
name=$1
# the row's fields, and its arch's (row sets them)
declare arch make provider args karch cross image build
row tests/kernels "$name" _ arch make provider args ||
	{ echo "kernel.sh: no kernel $name in tests/kernels" >&2; exit 1; }
read -r pkg base frags <<<"$args"
row tests/arches "$arch" _ karch cross _ image _ _ build
# what a user of a release has to build a module (the headers come later)
chroot_packages="build-essential"

# in_release CMD...: CMD in the row's release's cached chroot ($root)
in_release() {
	bash tests/host/chroot.sh run "$root" "$@"
}
margs=()
[ -z "$make" ] || read -ra margs <<<"${make//,/ }"

provide_debian() {
	local release=$pkg meta=$base abi want deb f vmlinuz kdir memo key
	# shellcheck disable=SC2086	# a word list
	root=$(bash tests/host/chroot.sh path "$release" $chroot_packages)
	# The answer depends only on the row and on the release's package
	# lists: the one found since they were last refreshed, if it is
	# still there (each tier asks, and apt-cache costs a CPU second)
	memo=$cache/kernels/$name.debian
	if [ "$memo" -nt "$root.updated" ] &&
		read -r key abi vmlinuz kdir <"$memo" &&
		[ "$key" = "$release/$meta" ] && [ -s "$vmlinuz" ] &&
		[ -f "$root$kdir/Makefile" ]; then
		echo "$abi $vmlinuz $root:$kdir"
		return
	fi
	has() {	# has PACKAGE: the release's archive has it
		in_release apt-cache show "$1" >/dev/null 2>&1
	}
	abi_of() {
		in_release apt-cache depends "$1" 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-//p' | head -n 1
	}
	older() {	# older ABI: the newest one before it with both packages
		local v='[0-9][0-9.]*(-[0-9]+)?(\+[a-z]+[0-9]+)?' flavour a
		flavour=$(echo "$1" | sed -E "s/^$v-//")
		{ echo "$1"; in_release apt-cache pkgnames linux-headers- |
			sed -En "s/^linux-headers-($v-$flavour)\$/\1/p"; } |
			sort -urV | sed "0,/^$1\$/d" | while read -r a; do
				if has "linux-headers-$a" && has "linux-image-$a"
				then echo "$a"; break; fi
			done
	}
	abi=$(abi_of "$meta")
	[ -n "$abi" ] || { echo "kernel.sh: $release has no $meta" >&2; exit 1; }
	# Mid-transition an image can reach the archive before its headers:
	# say so, and take the newest ABI of the same flavour that has both.
	if ! has "linux-headers-$abi"; then
		want=$abi
		abi=$(older "$want")
		[ -n "$abi" ] || { echo "kernel.sh: $release has no" \
			"linux-headers-$want, nor an older pair" >&2; exit 1; }
		echo "# $name: $release's $meta wants $want, whose headers are" \
			"not in the archive yet (mid-transition): testing $abi," \
			"the newest older ABI with image and headers" >&2
	fi

	vmlinuz=$cache/kernels/$abi/vmlinuz
	if [ ! -s "$vmlinuz" ]; then
		echo "# fetching the image of $abi ($release) into $cache" >&2
		# global: the EXIT trap runs after we return
		tmp=$(mktemp -d "$root/tmp/kernel.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		chmod 777 "$tmp"	# apt-get download runs as _apt when it can
		# the image, or (since 7.x) the package it depends on that
		# holds the vmlinuz: read each one's file list
		for deb in "linux-image-$abi" $(in_release apt-cache depends \
			"linux-image-$abi" |
			sed -n "s/^ *Depends: \(linux-.*-$abi\)\$/\1/p"); do
			rm -f "$tmp"/*.deb
			# shellcheck disable=SC2016 # the inner shell expands them
			in_release sh -c 'cd "$1" && apt-get -q download "$2"' \
				sh "${tmp#"$root"}" "$deb" >&2
			# one pass over the data (tar fails on a pattern it
			# does not find: the file found is what counts)
			dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" \
				--wildcards './boot/vmlinuz-*' \
				'./usr/lib/modules/*/vmlinuz' 2>/dev/null || true
			f=$(find "$tmp/boot" "$tmp/usr/lib/modules" -type f \
				-name 'vmlinuz*' 2>/dev/null | head -n 1)
			[ -n "$f" ] || continue
			mkdir -p "$(dirname "$vmlinuz")"
			mv "$f" "$vmlinuz"
			break
		done
		[ -s "$vmlinuz" ] || { echo "kernel.sh: no vmlinuz in" \
			"linux-image-$abi nor in what it depends on" >&2; exit 1; }
	fi

	kdir=/usr/src/linux-headers-$abi
	[ -f "$root$kdir/Makefile" ] || bash tests/host/chroot.sh path \
		"$release" "linux-headers-$abi" >/dev/null
	f=$(mktemp "$memo.XXXXXX")
	echo "$release/$meta $abi $vmlinuz $kdir" >"$f"
	mv -f "$f" "$memo"
	# a tree inside a chroot is ROOT:PATH (module_build builds there)
	echo "$abi $vmlinuz $root:$kdir"
}

provide_source() {
	local ver src key out targets log lost start cc=${cross}gcc f
	local frag=() packages ccver release=$pinned_release tools='' rustc=''
	# the lines of a fragment that set an option
	local options='^(CONFIG_|# CONFIG_.* is not set)'
	for f in ${frags//,/ }; do
		frag+=("tests/configs/$f")
	done
	case $pkg in */*) release=${pkg#*/} pkg=${pkg%/*} ;; esac
	# the compiler of CC=NAME is Debian's package NAME (gcc-12, clang-14);
	# so are RUSTC's and BINDGEN's, and rustc needs its library's source
	for f in "${margs[@]}"; do
		case $f in
		CC=*) cc=${f#CC=} ;;
		RUSTC=*) rustc=${f#*=} tools="$tools $rustc rust-src" ;;
		BINDGEN=*) tools="$tools ${f#*=}" ;;
		esac
	done
	# pahole (dwarves): the kernel records its version, and a module built
	# where another is installed (Debian's headers bring it into the same
	# chroot) warns, which a W=1 build with 0 warnings cannot have
	packages="$chroot_packages $pkg xz-utils flex bison bc libssl-dev \
		libelf-dev dwarves ${build//,/ }$tools"
	[ "$cc" = "${cross}gcc" ] || packages="$packages $cc"
	# shellcheck disable=SC2086 # a word list
	root=$(bash tests/host/chroot.sh path "$release" $packages)
	ver=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' \
		"$pkg")
	src=$cache/source/$pkg-$ver
	ccver=$(in_release "$cc" --version | head -n 1)
	[ -n "$ccver" ] || { echo "kernel.sh: no $cc in $root" >&2; exit 1; }
	[ -z "$rustc" ] || ccver="$ccver, $(in_release "$rustc" --version)"
	ccver="$ccver, pahole $(in_release pahole --version)"
	# a build is named by what makes it
	key=$({ echo "$base"
		[ "${#frag[@]}" = 0 ] || grep -hE "$options" "${frag[@]}"
		echo "$ccver"
		[ -z "$make" ] || echo "$make"; } | sha256sum | cut -c1-12)
	out=$cache/kernels/$name-$ver-$key
	targets=modules_prepare
	[ -z "$image" ] || targets="${image##*/} modules"
	# one builder at a time; others wait (not for a build that is done)
	if [ ! -f "$out/.built" ]; then
		mkdir -p "$cache/source"
		exec 9>"$cache/source/lock"
		flock 9
	fi

	if [ ! -f "$src/.extracted" ]; then
		echo "# extracting $pkg $ver into $src" >&2
		find "$cache/source" -maxdepth 1 -name "$pkg-*" -exec rm -rf {} +
		mkdir -p "$src"
		in_release tar -xJf "/usr/src/$pkg.tar.xz" -C "$src" \
			--strip-components=1
		touch "$src/.extracted"
	fi
	kmake() {
		in_release nice -n 10 make -s -C "$src" O="$out" ARCH="$karch" \
			CROSS_COMPILE="$cross" "${margs[@]}" "$@"
	}

	if [ ! -f "$out/.built" ]; then
		echo "# building $name: Linux $ver for $arch ($targets) in $out" >&2
		start=$SECONDS
		rm -rf "$out"
		mkdir -p "$out"
		log=$out/config.log
		kmake "$base" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
		if [ "${#frag[@]}" != 0 ]; then
			cat "${frag[@]}" >>"$out/.config"	# later lines win
			kmake olddefconfig >>"$log" 2>&1 ||
				{ cat "$log" >&2; exit 1; }
			lost=$(grep -hE "$options" "${frag[@]}" |
				grep -vxF -f "$out/.config" || true)
			if [ -n "$lost" ]; then
				echo "kernel.sh: options in ${frag[*]} that did" \
					"not stick (a dependency?):" "$lost" >&2
				exit 1
			fi
		fi
		# shellcheck disable=SC2086
		kmake -j"$(nproc)" $targets >&2
		echo "# built $name in $((SECONDS - start)) s" >&2
		touch "$out/.built"
	fi
	image=${image:+$out/$image}
	echo "$name-$ver ${image:--} $root:$out"
}

case $provider in
debian) provide_debian ;;
source) provide_source ;;
*) echo "kernel.sh: $name: no provider $provider" >&2; exit 1 ;;
esac
