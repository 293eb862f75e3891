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
#                               its regex matches nowhere after job start;
#                               for a name with a WITHIN string, no report
#                               holds it, and the others are listed
#   pinned_release              the Debian release every build, checker
#                               and guest program comes from, whatever
#                               the host runs
#   host_releases               the Debian releases README names as hosts
#   pinned PKGS CMD...          CMD in that release's cached chroot
#                               (tests/host/chroot.sh), with the word list
#                               PKGS installed there
#   tree_copy DEST              the files of this tree that git does not
#                               ignore (tracked or not), with their times,
#                               copied into the directory DEST
#   module_build SRC OUT KDIR [MAKE ARGS]
#                               the kbuild module of SRC (its Kbuild, C
#                               files, include/) built in OUT against KDIR
#                               with W=1; fails on any warning or error.
#                               KDIR is ROOT:PATH: make runs in the chroot
#                               ROOT, where this tree is at its own path
cache=${HELLO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hello_kmalloc}
tables=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pinned_release=bookworm
# the Debian releases a user's machine may run: make check-hosts proves
# that the verdict is the same on each
host_releases="bookworm trixie"

pinned() {
	local root
	# shellcheck disable=SC2086 # a word list
	root=$(bash "$tables/host/chroot.sh" path "$pinned_release" $1) &&
		shift && bash "$tables/host/chroot.sh" run "$root" "$@"
}

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

# report_blocks REGEX WITHIN: the reports on stdin, each from its REGEX
# line to the frame of '=' that closes it (80 lines at most): each line of
# those that hold the fixed string WITHIN as "block LINE", the first line
# of the others as "other N TITLE" (N of them, their console time dropped)
report_blocks() {
	re=$1 awk -v within="$2" '
		function close_block() {
			if (lines && held) printf "%s", text
			else if (lines) titles[title]++
			lines = held = 0
		}
		function add() {
			text = text "block " $0 "\n"
			held = held || index($0, within)
			if (++lines > 80 || $0 ~ /==========/) close_block()
		}
		$0 ~ ENVIRON["re"] {
			close_block()
			title = $0
			sub(/^\[[^]]*\] /, "", title)
			text = ""
			add()
			next
		}
		lines { add() }
		END {
			close_block()
			for (t in titles)
				printf "other %d %s\n", titles[t], t | "sort -k2rn"
		}'
}

console_scan() {
	local log=$1 id=$2 name within regex job found others case
	job=$(sed -n '/hello-vm: job start/,$p' "$log")
	for name in ${3//,/ }; do
		read -r within regex <<<"$(row "$tables/reports" "$name" |
			cut -d' ' -f2-)" || {
			result fail "$id: report $name is in tests/reports"
			continue
		}
		case="$id: no $name report on the console"
		if [ "$within" = - ]; then
			found=$(grep -E -B2 -A25 "$regex" <<<"$job" || true)
		else
			case="$id: no $name report with $within on the console"
			found=$(report_blocks "$regex" "$within" <<<"$job")
			others=$(sed -n 's/^other //p' <<<"$found")
			found=$(sed -n 's/^block //p' <<<"$found")
			[ -z "$others" ] ||
				awk -v name="$name" -v within="$within" '
					{ n += $1; line[NR] = $0 }
					END {
						printf "# %d %s reports without %s" \
							" (listed, not failing):\n", \
							n, name, within
						for (i = 1; i <= NR; i++)
							print "#   " line[i]
					}' <<<"$others"
		fi
		if [ -n "$found" ]; then
			head -n 60 <<<"$found" | sed 's/^/# /'
			result fail "$case"
		else
			result ok "$case"
		fi
	done
}

tree_copy() {
	local dest
	mkdir -p "$1"
	dest=$(realpath "$1")
	(cd "$tables/.." && git ls-files -z --cached --others --exclude-standard |
		xargs -0 cp -p --parents -t "$dest")
}

module_build() {
	local src=$1 out=$2 kdir=$3 f
	shift 3
	rm -rf "$out"
	mkdir -p "$out"
	for f in "$src"/Kbuild "$src"/*.c "$src"/include; do
		[ ! -e "$f" ] || ln -s "$(realpath "$f")" "$out/"
	done
	bash "$tables/host/chroot.sh" run "${kdir%%:*}" nice -n 10 \
		make -C "${kdir#*:}" M="$(realpath "$out")" W=1 "$@" \
		>"$out.log" 2>&1 && ! grep -Eiq '(warning|error):' "$out.log"
}
