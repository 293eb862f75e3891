#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make ci-fresh [HOST=bookworm|trixie]`: .ci/run as CI runs it on a new
# machine of that Debian release.  A green run on a machine that already
# has the packages and the cache can hide a missing install step; this one
# cannot: a fresh clone of HEAD runs in a minimal chroot of HOST made anew
# (chroot.sh new), holding only what a new machine starts with, with an
# empty cache.  Then one more case: the run left that machine as it was,
# but for README's prerequisites (tests/host/deps.sh) and what they depend
# on: no package removed, upgraded or downgraded, no other package
# installed by hand, /boot and /vmlinuz untouched.  Needs root and the
# Debian archive; about 65 minutes on 2 cores.  HELLO_FRESH_ROOT: where.
# Writes the run's times per tier to docs/ci-fresh-HOST.md (`--doc`: only
# that, from the last run's log).
set -eu
cd "$(dirname "$0")/.."
host=${HOST:-bookworm}
root=${HELLO_FRESH_ROOT:-/var/tmp/hello_kmalloc-fresh-$host}
base="gcc make git perl python3 cppcheck clang-format ca-certificates"
log=$root.log
kernels=$root/root/hello_kmalloc/build/ci

# host_case: the machine's state after the run ($root.after) against
# before: "ok - ..." if nothing changed but packages added as
# prerequisites or as their dependencies (apt's auto marks), and /boot
# untouched; else each change, and "not ok - ..."
host_case() {
	local changed case="the $host machine: nothing changed but the prerequisites and what they depend on added; /boot untouched"
	changed=$(diff "$root.before" "$root.after" | grep '^[<>] [PB] ' |
		awk -v ok=" $(bash tests/host/deps.sh --list) " '
		FNR == NR { if ($1 == "A") auto[$2] = 1; next }
		$1 == ">" && $2 == "P" {
			split($3, n, ":")
			if (auto[n[1]] || index(ok, " " n[1] " ")) next
		}
		{ print "# " $0 }' "$root.after" -) || true
	if [ -z "$changed" ]; then
		echo "ok - $case"
	else
		echo "$changed"
		echo "not ok - $case"
		return 1
	fi
}

# doc: docs/ci-fresh-HOST.md from the run's log, $root.result (its commit,
# start and seconds) and host_case
doc() {
	local commit start seconds verdict="unchanged but for the prerequisites"
	read -r commit start seconds <"$root.result"
	host_case >/dev/null || verdict="CHANGED (make ci-fresh lists how)"
	{
		echo "# make ci-fresh HOST=$host"
		echo
		echo "Written by \`make ci-fresh HOST=$host\` (.ci/fresh-machine.sh):"
		echo ".ci/run on a fresh clone of $commit in a new Debian $host"
		echo "chroot with an empty cache, started $start on the development"
		echo "machine (2 cores): $((seconds / 60)) min $((seconds % 60)) s, the new"
		echo "chroot included. The tiers run in two lanes side by side"
		echo "(.ci/run), as they ended: when each started, how long it took and"
		echo "its CPU time (user + system, every process it waited for):"
		echo
		echo "| tier | started at s | seconds | CPU s | result |"
		echo "|---|---:|---:|---:|---|"
		awk '/^### make [^:]+: started at [0-9]+ s$/ { at[$3] = $6 }
			/^# make [^:]+: CPU [0-9]+ s user, [0-9]+ s system$/ {
				cpu[$3] = $5 + $8 }
			/^### make [^:]+: .* in [0-9]+ s$/ {
				t = $3; r = $0
				sub(/^### make [^:]+: /, "", r); sub(/ in [0-9]+ s$/, "", r)
				printf "| %s | %s | %s | %s | %s |\n", substr(t, 1,
					length(t) - 1), at[t], $(NF - 1), cpu[t], r }' \
			"$log"
		echo
		if compgen -G "$kernels/kernels-*.log" >/dev/null; then
			echo "The kernels fetched or built in the background"
			echo "(build/ci/kernels-PROVIDER.log):"
			echo
			echo '```'
			grep -hE '^# (built [^ ]+ in|[^ ]+: [0-9]+ s, CPU)' \
				"$kernels"/kernels-*.log
			echo '```'
			echo
		fi
		echo "Then: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" |
			tail -n 1), and the host's packages and /boot: $verdict."
	} >"docs/ci-fresh-$host.md"
}
if [ "${1:-}" = --doc ]; then
	doc
	exit
fi

# the machine's state: its packages ("P NAME VERSION", "A NAME" for each
# installed as a dependency) and what /boot holds
state() {
	dpkg-query --admindir="$root/var/lib/dpkg" -W \
		-f='${db:Status-Status} ${Package}:${Architecture} ${Version}\n' |
		awk '$1 == "installed" { print "P", $2, $3 }'
	awk '/^Package:/ { p = $2 }
		/^Auto-Installed: 1/ { print "A", p }' \
		"$root/var/lib/apt/extended_states" 2>/dev/null
	(cd "$root" && find boot vmlinuz* initrd.img* -printf 'B %p %s %T@ %l\n' \
		2>/dev/null) | sort
}

start=$(date -u +%Y-%m-%dT%H:%MZ)
bash tests/host/chroot.sh remove "$root"
# shellcheck disable=SC2086 # a word list
bash tests/host/chroot.sh new "$host" "$root" $base
git clone -q . "$root/root/hello_kmalloc"
state >"$root.before"
echo "# fresh $host machine in $root: bash .ci/run on $(git rev-parse --short HEAD)"
status=0
# chroot.sh run binds the cache at its own path: the machine's own, empty,
# not this one's
mkdir -p "$root/root/.cache/hello_kmalloc"
HELLO_CACHE=$root/root/.cache/hello_kmalloc bash tests/host/chroot.sh run \
	"$root" bash -c 'cd /root/hello_kmalloc && bash .ci/run' | tee "$log" ||
	status=$?
state >"$root.after"

echo "$(git rev-parse --short HEAD) $start $SECONDS" >"$root.result"
p=0 f=1
host_case && p=1 f=0
doc
read -r rp _ rf _ <<<"$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" |
	tail -n 1)" || { rp=0 rf=1; }
echo "$((rp + p)) passed, $((rf + f)) failed"
[ "$status" = 0 ] && [ "$f" = 0 ]
