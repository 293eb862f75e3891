#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian chroots for the tests, made by mmdebstrap from the archive this
# machine's apt uses: one per release in the cache, holding what its users
# asked for.  Nothing is installed on this machine.  As root, or as a user
# in a user namespace of its own (ns below).
#   chroot.sh mirror [security]    the Debian archive of this machine's apt
#                                  sources ("security": the security one),
#                                  or HELLO_MIRROR (HELLO_SECURITY_MIRROR)
#   chroot.sh path RELEASE [PKG...]
#                                  RELEASE's cached chroot, made once, its
#                                  package lists refreshed once a day, PKG...
#                                  installed if missing (no initramfs
#                                  made); prints its directory
#   chroot.sh copy RELEASE DEST [PKG...]
#                                  DEST: a copy of that chroot
#   chroot.sh new RELEASE DEST [PKG...]
#                                  DEST: a new chroot, not cached
#   chroot.sh run DIR [-u USER] CMD...
#                                  CMD in DIR (as USER, made if missing),
#                                  with /proc, /sys, /dev, this tree and the
#                                  cache at their own paths, in the current
#                                  directory if it is in one of them (and
#                                  USER may enter it; else in /), in
#                                  mount and pid namespaces of its own: no
#                                  mount or process outlives CMD
#   chroot.sh remove DIR           delete a chroot made by copy or new
# Suites: RELEASE, and RELEASE-updates and RELEASE-security where the
# archive has them.  The cache is $HELLO_CACHE/chroots/RELEASE; delete it
# to have it made anew.
set -eu
cache=${HELLO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hello_kmalloc}
top=$(cd "$(dirname "$0")/../.." && pwd)

# ns ARG...: unshare ARG...; for a user, in a new user namespace too,
# where the user is root and its subordinate IDs (/etc/subuid, newuidmap)
# are the others: a chroot's files belong to the user who made it, and
# only that user's runs enter it
ns() {
	if [ "$(id -u)" = 0 ]; then
		unshare "$@"
	else
		unshare --map-root-user --map-auto "$@"
	fi
}

# the URI of the first Debian source apt has lists of: the plain release's,
# or with "security" the security archive's; HELLO_MIRROR and
# HELLO_SECURITY_MIRROR, where set, instead (a host without Debian's apt)
chroot_mirror() {
	local given=HELLO_${1:+SECURITY_}MIRROR
	if [ -n "${!given:-}" ]; then
		echo "${!given}"
		return
	fi
	# shellcheck disable=SC2016 # apt's own $(FIELD)s
	apt-get indextargets --format '$(LABEL) $(RELEASE) $(REPO_URI)' |
		awk -v want="${1:-}" '
		want == "security" && $1 == "Debian-Security" ||
		want == "" && $1 == "Debian" && $2 !~ /[-\/]/ {
			sub(/\/+$/, "", $3); print $3; exit }' | grep . || {
		echo "chroot.sh: no ${1:+$1 }Debian archive in apt's lists" \
			"(apt-get update?)" >&2
		return 1
	}
}

# mmdebstrap RELEASE into DIR (which must not exist) with PKG...
chroot_make() {
	local release=$1 dir=$2 mirror security suite sources=() probe
	shift 2
	mirror=$(chroot_mirror)
	security=$(chroot_mirror security 2>/dev/null) || security=$mirror
	probe=$(mktemp)
	for suite in "$release" "$release-updates" "$release-security"; do
		case $suite in *-security) uri=$security ;; *) uri=$mirror ;; esac
		if /usr/lib/apt/apt-helper -qq download-file \
			"$uri/dists/$suite/Release" "$probe" >/dev/null 2>&1; then
			sources+=("deb $uri $suite main")
		fi
		rm -f "$probe"
	done
	echo "# chroot.sh: mmdebstrap $release from $mirror into $dir" >&2
	bash "$top/tests/host/deps.sh" >&2	# mmdebstrap, mount
	# A mirror that is a snapshot serves sid's Release (valid a week) past
	# its Valid-Until: in a test chroot replay protection buys nothing.
	# No daemon started by a package's scripts, ever.
	# shellcheck disable=SC2016 # the hook's shell expands $1
	ns --mount --propagation private --pid --fork --kill-child \
		mmdebstrap --mode=root --variant=apt \
		--skip=cleanup/apt/lists ${1:+--include="${*// /,}"} \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--customize-hook='printf "#!/bin/sh\nexit 101\n" \
			>"$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"' \
		"$release" "$dir" "${sources[@]}" >"$dir.log" 2>&1 ||
		{ tail -n 20 "$dir.log" >&2; return 1; }
}

chroot_missing() {
	local dir=$1 p
	shift
	for p in "$@"; do
		dpkg-query --admindir="$dir/var/lib/dpkg" -W \
			-f='${db:Status-Status}' "$p" 2>/dev/null |
			grep -qx installed || printf "%s " "$p"
	done
}

chroot_path() {
	local release=$1 dir fd missing no_initramfs=/usr/sbin/update-initramfs
	shift
	dir=$cache/chroots/$release
	missing=$(chroot_missing "$dir" "$@")
	if [ ! -d "$dir" ] || [ -n "$missing" ] ||
		[ ! -L "$dir$no_initramfs" ] ||
		[ -z "$(find "$dir.updated" -mmin -1440 2>/dev/null)" ]; then
		mkdir -p "$cache/chroots"
		exec {fd}>"$dir.lock"
		flock "$fd"
		if [ ! -d "$dir" ]; then
			ns rm -rf --one-file-system "$dir.new"
			chroot_make "$release" "$dir.new" ||
				{ ns rm -rf --one-file-system "$dir.new"; return 1; }
			mv "$dir.new.log" "$dir.log"
			mv "$dir.new" "$dir"
			touch "$dir.updated"
		fi
		# the archive moves: lists older than a day are refreshed
		if [ -z "$(find "$dir.updated" -mmin -1440 2>/dev/null)" ]; then
			chroot_run "$dir" apt-get -qq update >>"$dir.log" 2>&1 ||
				{ tail -n 20 "$dir.log" >&2; return 1; }
			touch "$dir.updated"
		fi
		# No initramfs in the cache's chroots, before any package: a
		# kernel's headers can pull its image in (bookworm's 6.12,
		# trixie's), whose install made one twice, and the tests boot
		# their own.  A chroot made by new stands in for a machine.
		# shellcheck disable=SC2016 # sh's $1
		[ -L "$dir$no_initramfs" ] || chroot_run "$dir" sh -ec '
			dpkg-divert --quiet --local --rename --add "$1"
			ln -s /bin/true "$1"' sh "$no_initramfs"
		missing=$(chroot_missing "$dir" "$@")
		if [ -n "$missing" ]; then
			echo "# chroot.sh: installing in $release: $missing" >&2
			# first what a run killed mid-install left unconfigured
			# shellcheck disable=SC2016,SC2086 # sh's $@; a word list
			chroot_run "$dir" sh -c 'dpkg --configure -a &&
				apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
				--no-install-recommends "$@"' sh $missing \
				>>"$dir.log" 2>&1 ||
				{ tail -n 20 "$dir.log" >&2; return 1; }
			chroot_run "$dir" apt-get clean
		fi
		exec {fd}>&-
	fi
	echo "$dir"
}

chroot_copy() {
	local release=$1 dest=$2 src fd
	shift 2
	src=$(chroot_path "$release" "$@")
	[ ! -e "$dest" ] || { echo "chroot.sh: $dest exists" >&2; return 1; }
	# not while chroot_path installs in it: a copy of a half-done dpkg
	exec {fd}>"$src.lock"
	flock -s "$fd"
	ns cp -a "$src" "$dest"
	exec {fd}>&-
}

chroot_new() {
	local release=$1 dest=$2
	shift 2
	[ ! -e "$dest" ] || { echo "chroot.sh: $dest exists" >&2; return 1; }
	chroot_make "$release" "$dest" "$@"
}

chroot_run() {
	local dir=$1 user='' resolv
	shift
	if [ "${1:-}" = -u ]; then
		user=$2
		shift 2
	fi
	[ -x "$dir/bin/sh" ] || { echo "chroot.sh: $dir: no chroot" >&2; return 1; }
	# this machine's resolver, through a file of this run's own (DIR may
	# be / itself, run from inside, and other runs may enter it now)
	resolv=$(mktemp "$dir/etc/resolv.conf.XXXXXX")
	cp -L /etc/resolv.conf "$resolv"
	chmod 644 "$resolv"
	mv -f "$resolv" "$dir/etc/resolv.conf"
	mkdir -p "$cache"
	mkdir -p "$dir$top" "$dir$cache"
	# shellcheck disable=SC2016 # the inner shell expands them
	ns --mount --propagation private --pid --fork --kill-child sh -c '
		d=$1 user=$2 top=$3 cache=$4 cwd=$5
		shift 5
		# DIR a mount point: so is / in it, which a chroot.sh run in
		# there needs (unshare makes / private)
		mount --rbind "$d" "$d" &&
			mount --bind "$top" "$d$top" &&
			mount --bind "$cache" "$d$cache" &&
			mount -t proc proc "$d/proc" &&
			mount --rbind /sys "$d/sys" &&
			mount --rbind /dev "$d/dev" || exit 125
		case $cwd/ in
		"$top"/* | "$cache"/*) ;;
		*) cwd=/ ;;
		esac
		home=/root
		[ -z "$user" ] || home=/home/$user
		set -- env -i HOME="$home" LANG=C.UTF-8 \
			PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin \
			DEBIAN_FRONTEND=noninteractive HELLO_CACHE="$cache" \
			sh -c "cd \"\$0\" 2>/dev/null || cd /; exec \"\$@\"" \
			"$cwd" "$@"
		[ -n "$user" ] || exec chroot "$d" "$@"
		chroot "$d" sh -c "id -u $user >/dev/null 2>&1 || useradd -m $user" &&
			exec chroot "$d" runuser -u "$user" -- "$@"' \
		sh "$dir" "$user" "$top" "$cache" "$PWD" "$@"
}

chroot_remove() {
	local dir=${1%/}
	[ -d "$dir" ] && [ -n "$dir" ] && [ "$dir" != / ] || return 0
	if grep -q " $dir/" /proc/mounts; then
		echo "chroot.sh: something is mounted under $dir" >&2
		return 1
	fi
	ns rm -rf --one-file-system "$dir" "$dir.log"
}

cmd=${1:-}
shift || true
case $cmd in
path|copy|new|run|remove)
	ns true 2>/dev/null || { echo "chroot.sh: making the chroots and" \
		"mounting in them needs root, or a user namespace: a user needs" \
		"subordinate IDs in /etc/subuid and /etc/subgid, and uidmap" >&2
		exit 1; }
esac
case $cmd in
mirror|path|copy|new|run|remove) "chroot_$cmd" "$@" ;;
*) sed -n '/^set -eu$/q; 3,$s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
