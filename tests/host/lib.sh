# shellcheck shell=bash disable=SC2034 # its variables are for those who source it
# SPDX-License-Identifier: GPL-2.0
# The host side's one copy of each shared piece, sourced by tests/host/*,
# lint/ and packaging/ (from the top of the tree):
#   cache                       where kernels, chroots and tools are kept
#   row TABLE KEY               the fields of TABLE's row KEY (tab/space
#                               separated, '#' comments), or fails
#   result ok|fail NAME [LOG]   one "ok - NAME" / "not ok - NAME", counted;
#                               a failure shows LOG's last lines
#   summary, finish             "N passed, N failed" (finish also exits)
#   tap_count FILE              adds FILE's TAP results to the counts (a
#                               "# SKIP" is neither passed nor failed);
#                               sets reported= and missing= (planned, not
#                               seen)
#   console_scan LOG ID NAMES   one case per report name (tests/reports):
#                               its regex matches nowhere after job start
#   module_build SRC OUT KDIR [MAKE ARGS]
#                               the kbuild module of SRC (its Kbuild, C
#                               files, include/) built in OUT against KDIR
#                               with W=1; fails on any warning or error.
#                               KDIR ROOT:PATH: make runs in the chroot
#                               ROOT (tests/host/chroot.sh), the top of
#                               this tree bound at its own path there
cache=${HELLO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hello_kmalloc}
tables=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

row() {
	awk -v key="$2" '!/^#/ && $1 == key { $1 = $1; print; found = 1 }
		END { exit !found }' "$1"
}

pass=0
fail=0
skipped=0
result() {
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok - $2"
	else
		fail=$((fail + 1))
		[ -z "${3:-}" ] || tail -n 60 "$3" | sed 's/^/# /'
		echo "not ok - $2"
	fi
}
summary() {
	local skips=
	[ "$skipped" = 0 ] || skips=", $skipped skipped"
	echo "$pass passed, $fail failed$skips"
	[ "$fail" = 0 ]
}
finish() {
	summary
	exit
}

tap_count() {
	local ok bad skip
	read -r ok bad skip missing < <(awk '
		/^1\.\.[0-9]+/ { planned += substr($1, 4) }
		/^ok .*# SKIP/ { skip++; next }
		/^ok / { ok++ }
		/^not ok / { bad++ }
		END { printf "%d %d %d %d\n", ok, bad, skip,
			planned - ok - bad - skip }' "$1")
	pass=$((pass + ok))
	fail=$((fail + bad))
	skipped=$((skipped + skip))
	reported=$((ok + bad + skip))
}

console_scan() {
	local log=$1 id=$2 name regex
	for name in ${3//,/ }; do
		regex=$(row "$tables/reports" "$name" | cut -d' ' -f2-) || {
			result fail "$id: report $name is in tests/reports"
			continue
		}
		if sed -n '/hello-vm: job start/,$p' "$log" | grep -Eq "$regex"
		then
			sed -n '/hello-vm: job start/,$p' "$log" |
				grep -E -B2 -A25 "$regex" | head -n 60 |
				sed 's/^/# /'
			result fail "$id: no $name report on the console"
		else
			result ok "$id: no $name report on the console"
		fi
	done
}

module_build() {
	local src=$1 out=$2 kdir=$3 f top root=
	shift 3
	rm -rf "$out"
	mkdir -p "$out"
	for f in "$src"/Kbuild "$src"/*.c "$src"/include; do
		[ ! -e "$f" ] || ln -s "$(realpath "$f")" "$out/"
	done
	set -- nice -n 10 make -C "${kdir#*:}" M="$(realpath "$out")" W=1 "$@"
	if [ "$kdir" != "${kdir#*:}" ]; then
		root=${kdir%%:*}
		top=$(realpath "$tables/..")
		mkdir -p "$root$top"
		# shellcheck disable=SC2016 # the inner shell expands them
		set -- unshare --mount --propagation private sh -c \
			'mount --bind "$1" "$2$1" && shift 2 && exec "$@"' \
			sh "$top" "$root" bash "$tables/host/chroot.sh" run \
			"$root" "$@"
	fi
	"$@" >"$out.log" 2>&1 && ! grep -Eiq '(warning|error):' "$out.log"
}
