#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian chroots for tests: minimal (debootstrap minbase), from the archive
# this machine's apt uses, cached by release and package list.  Root only.
#   chroot.sh mirror [security]    the archive URL in /etc/apt/sources.list
#                                  and sources.list.d/*.{list,sources}
#                                  ("security": the security archive's)
#   chroot.sh path RELEASE [PKG...]
#                                  make once, then reuse, a RELEASE chroot
#                                  holding PKG...; prints its directory
#   chroot.sh copy RELEASE DEST [PKG...]
#                                  DEST: a fresh copy of that chroot
#   chroot.sh new RELEASE DEST [PKG...]
#                                  DEST: a new chroot, not cached
#   chroot.sh run DIR [-u USER] CMD...
#                                  CMD in DIR (as USER, made if missing)
#                                  with /proc, /sys and /dev mounted, in
#                                  mount and pid namespaces of its own: no
#                                  mount or process outlives CMD
#   chroot.sh remove DIR           delete a chroot made by copy or new
# Suites: RELEASE, and RELEASE-updates and RELEASE-security where the
# archive has them.  The cache is $HELLO_CACHE/chroots/RELEASE-HASH (HASH:
# of the package list); delete a directory there to have it rebuilt.
# Sourced, the script only defines the functions chroot_mirror and so on.
set -eu
chroot_cache=${HELLO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hello_kmalloc}
chroot_cache=$chroot_cache/chroots

# "deb URI SUITE COMPONENT..." for each enabled binary source apt uses
chroot_apt_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ ! -r "$f" ] || sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f"
	done | awk '$1 == "deb" && NF >= 3 { $1 = $1; print }'
	for f in /etc/apt/sources.list.d/*.sources; do
		[ ! -r "$f" ] || awk '
		function flush(  t, u, s, nt, nu, ns, i, j, deb) {
			nt = split(v["types"], t, " ")
			for (i = 1; i <= nt; i++)
				deb = deb || t[i] == "deb"
			if (deb && tolower(v["enabled"]) !~ /no/) {
				nu = split(v["uris"], u, " ")
				ns = split(v["suites"], s, " ")
				for (i = 1; i <= nu; i++)
					for (j = 1; j <= ns; j++)
						print "deb", u[i], s[j], v["components"]
			}
			split("", v)
		}
		/^#/ { next }
		/^[ \t]*$/ { flush(); next }
		/^[ \t]/ { v[key] = v[key] " " $0; next }
		{ key = tolower(substr($0, 1, index($0, ":") - 1))
		  v[key] = substr($0, index($0, ":") + 1) }
		END { flush() }' "$f"
	done | awk '{ $1 = $1; print }'
}

# The source of this machine's own release (VERSION_CODENAME), else the
# first with a plain suite name; with "security", the first security one.
# Prints "URI COMPONENT...".
chroot_source() {
	local codename
	# shellcheck source=/dev/null
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	chroot_apt_sources | awk -v want="${1:-}" -v c="$codename" '
		{ sub(/\/+$/, "", $2); line = $2
		  for (i = 4; i <= NF; i++) line = line " " $i }
		want == "security" && $3 ~ /(-security|\/updates)$/ {
			print line; found = 1; exit }
		want == "" && $3 == c { print line; found = 1; exit }
		want == "" && plain == "" && $3 !~ /[-\/]/ { plain = line }
		END { if (!found && plain != "") print plain }' | grep . || {
		echo "chroot.sh: no ${1:+$1 }Debian archive in /etc/apt/sources.list{,.d}" >&2
		return 1
	}
}

chroot_mirror() {
	local uri _
	read -r uri _ <<<"$(chroot_source "${1:-}")" && echo "$uri"
}

# debootstrap RELEASE into DIR (which must not exist), its apt sources,
# then PKG...
chroot_make() {
	local release=$1 dir=$2 mirror comps security suite sources
	shift 2
	read -r mirror comps <<<"$(chroot_source)"
	comps=${comps:-main}
	if [ -z "$(command -v debootstrap)" ]; then
		bash "$(dirname "${BASH_SOURCE[0]}")/deps.sh" debootstrap
	fi
	echo "# chroot.sh: debootstrap $release from $mirror into $dir" >&2
	debootstrap --variant=minbase --components="${comps// /,}" \
		"$release" "$dir" "$mirror" >"$dir.log" 2>&1 ||
		{ tail -n 20 "$dir.log" >&2; return 1; }
	sources="deb $mirror $release $comps"
	if wget -q --spider "$mirror/dists/$release-updates/Release"; then
		sources="$sources
deb $mirror $release-updates $comps"
	fi
	security=$(chroot_mirror security 2>/dev/null) || security=
	for suite in "$release-security" "$release/updates"; do
		if [ -n "$security" ] &&
			wget -q --spider "$security/dists/$suite/Release"; then
			sources="$sources
deb $security $suite $comps"
			break
		fi
	done
	echo "$sources" >"$dir/etc/apt/sources.list"
	# no daemons started by package scripts
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod 755 "$dir/usr/sbin/policy-rc.d"
	# A mirror that is a snapshot serves sid's Release (valid a week) past
	# its Valid-Until; in a test chroot replay protection buys nothing.
	echo 'Acquire::Check-Valid-Until "false";' \
		>"$dir/etc/apt/apt.conf.d/99valid-until"
	chroot_run "$dir" sh -ec 'apt-get update -qq
		apt-get dist-upgrade -y -qq
		[ $# = 0 ] || apt-get install -y -qq --no-install-recommends "$@"
		apt-get clean' sh "$@" >>"$dir.log" 2>&1 ||
		{ tail -n 20 "$dir.log" >&2; return 1; }
}

chroot_path() {
	local release=$1 key dir fd
	shift
	key=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
	dir=$chroot_cache/$release-$(echo "$release $key" | sha256sum | cut -c1-12)
	if [ ! -d "$dir" ]; then
		mkdir -p "$chroot_cache"
		exec {fd}>"$dir.lock"
		flock "$fd"
		if [ ! -d "$dir" ]; then
			rm -rf --one-file-system "$dir.new"
			chroot_make "$release" "$dir.new" "$@" ||
				{ rm -rf --one-file-system "$dir.new"; return 1; }
			echo "$release: ${key% }" >"$dir.new.packages"
			mv "$dir.new.log" "$dir.log"
			mv "$dir.new.packages" "$dir.packages"
			mv "$dir.new" "$dir"
		fi
		exec {fd}>&-
	fi
	echo "$dir"
}

chroot_copy() {
	local release=$1 dest=$2 src
	shift 2
	src=$(chroot_path "$release" "$@")
	[ ! -e "$dest" ] || { echo "chroot.sh: $dest exists" >&2; return 1; }
	cp -a "$src" "$dest"
}

chroot_new() {
	local release=$1 dest=$2
	shift 2
	[ ! -e "$dest" ] || { echo "chroot.sh: $dest exists" >&2; return 1; }
	chroot_make "$release" "$dest" "$@"
}

chroot_run() {
	local dir=$1 user=
	shift
	if [ "${1:-}" = -u ]; then
		user=$2
		shift 2
	fi
	[ -x "$dir/bin/sh" ] || { echo "chroot.sh: $dir: no chroot" >&2; return 1; }
	rm -f "$dir/etc/resolv.conf"
	cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
	# shellcheck disable=SC2016 # the inner shell expands them
	unshare --mount --propagation private --pid --fork --kill-child \
		sh -c '
		d=$1 user=$2
		shift 2
		# DIR a mount point: so is / in it, which a chroot.sh run in
		# there needs (unshare makes / private)
		mount --rbind "$d" "$d" &&
			mount -t proc proc "$d/proc" &&
			mount --rbind /sys "$d/sys" &&
			mount --rbind /dev "$d/dev" || exit 125
		home=/root
		[ -z "$user" ] || home=/home/$user
		set -- env -i HOME="$home" LANG=C.UTF-8 \
			PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin \
			DEBIAN_FRONTEND=noninteractive "$@"
		[ -n "$user" ] || exec chroot "$d" "$@"
		chroot "$d" sh -c "id -u $user >/dev/null 2>&1 || useradd -m $user" &&
			exec chroot "$d" runuser -u "$user" -- "$@"' \
		sh "$dir" "$user" "$@"
}

chroot_remove() {
	local dir=${1%/}
	[ -d "$dir" ] && [ -n "$dir" ] && [ "$dir" != / ] || return 0
	if grep -q " $dir/" /proc/mounts; then
		echo "chroot.sh: something is mounted under $dir" >&2
		return 1
	fi
	rm -rf --one-file-system "$dir" "$dir.log"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	cmd=${1:-}
	shift || true
	case $cmd in
	mirror|path|copy|new|run|remove) "chroot_$cmd" "$@" ;;
	*) sed -n '3,22s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
fi
