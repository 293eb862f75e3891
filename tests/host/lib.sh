# shellcheck shell=bash disable=SC2034 # its variables are for those who source it
# SPDX-License-Identifier: GPL-2.0
# The host side's one copy of each shared piece, sourced by tests/host/*,
# lint/ and packaging/ (from the top of the tree):
#   cache                       where kernels, chroots and tools are kept
#   rows TABLE                  the rows of a table of tests/ ('#'
#                               comments; fields separated by tabs, one
#                               or more; a field may hold spaces; "-" is
#                               an empty field), fields joined by \037
#   keys TABLE                  the first field of each row
#   row TABLE KEY VAR...        the fields of TABLE's row KEY, KEY first,
#                               into the variables VAR... (the fields
#                               after the last VAR dropped), or fails
#   substitute FILE PERL        applies the perl substitution to FILE, or
#                               fails saying that it changes nothing
#   splice DOC NAME FILE        replaces what DOC holds between its lines
#                               "<!-- NAME begin -->" and "<!-- NAME end -->"
#                               with FILE (a doc's part a script writes)
#   ktap_begin                  a tier's output: one KTAP document
#                               (Documentation/dev-tools/ktap.rst)
#   ktap_plan N                 its plan "1..N", where N is known first
#   ktap_sub NAME               a subtest NAME of it, indented, numbered
#   ktap_sub_end NAME           from 1; ends it with its result line
#   result ok|fail NAME [LOG]   one "ok N NAME" / "not ok N NAME" in the
#                               current document, counted; a failure
#                               shows LOG's last lines
#   summary, finish             "N passed, N failed" (finish also exits)
#   tap_count FILE              adds the cases of the (K)TAP document in
#                               FILE to the counts: its leaves, at any
#                               depth (a "# SKIP" is neither passed nor
#                               failed); sets reported= and missing=
#                               (planned, not seen, summed over plans)
#   ktap_nest NAME FILE STATUS  FILE, another tier's output, as a subtest
#                               NAME, its cases counted; STATUS: its exit
#   results FILE [ok|not ok]    the names of FILE's results at any depth
#                               (only those of that status), one a line
#   failed NAME FILE            FILE has a result "not ok N NAME" (NAME
#                               empty: any)
#   console_scan LOG NAMES      one case per report name (tests/reports):
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
#   guest_build ARCH            the guest programs for ARCH (tests/arches),
#                               built in the pinned release, with the
#                               kernel's selftest headers
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

rows() {
	awk -F'\t+' '!/^#/ && NF {
		for (i = 1; i <= NF; i++)
			printf "%s%s", $i == "-" ? "" : $i, i < NF ? "\037" : "\n"
	}' "$1"
}

keys() {
	rows "$1" | cut -d $'\037' -f1
}

row() {
	local _row _rest
	_row=$(rows "$1" | awk -F'\037' -v key="$2" '$1 == key { print; exit }')
	[ -n "$_row" ] || return 1
	shift 2
	IFS=$'\037' read -r "$@" _rest <<<"$_row"
}

splice() {
	awk -v file="$3" -v m="$2" '
		$0 == "<!-- " m " begin -->" {
			print
			while ((getline l < file) > 0)
				print l
			skip = 1
			next
		}
		$0 == "<!-- " m " end -->" { skip = 0 }
		!skip' "$1" >"$1.new"
	mv "$1.new" "$1"
}

substitute() {
	cp "$1" "$1.orig"
	perl -0pi -e "$2" "$1"
	if cmp -s "$1" "$1.orig"; then
		echo "$2 changes nothing in $1"
		rm "$1.orig"
		return 1
	fi
	rm "$1.orig"
}

pass=0
fail=0
skipped=0
ktap_n=0		# the current document's last case number
ktap_indent=		# its indentation
ktap_parents=()		# for each open subtest: "N FAILED" of its parent

ktap_begin() {
	echo "${ktap_indent}KTAP version 1"
	ktap_n=0
}

ktap_plan() {
	echo "${ktap_indent}1..$1"
}

# ktap_push, ktap_pop: into a subtest (its own numbering, indented), and
# back to its parent's (ktap_pop sets f0 to the parent's failures then)
ktap_push() {
	ktap_parents+=("$ktap_n $fail")
	ktap_indent="$ktap_indent  "
	ktap_n=0
}

ktap_pop() {
	read -r ktap_n f0 <<<"${ktap_parents[-1]}"
	unset 'ktap_parents[-1]'
	ktap_indent=${ktap_indent%  }
}

ktap_sub() {
	ktap_push
	echo "${ktap_indent}KTAP version 1"
	echo "${ktap_indent}# Subtest: $1"
}

ktap_sub_end() {
	local f0
	ktap_pop
	ktap_n=$((ktap_n + 1))
	if [ "$fail" = "$f0" ]; then
		echo "${ktap_indent}ok $ktap_n $1"
	else
		echo "${ktap_indent}not ok $ktap_n $1"
	fi
}

result() {
	ktap_n=$((ktap_n + 1))
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "${ktap_indent}ok $ktap_n $2"
	else
		fail=$((fail + 1))
		[ -z "${3:-}" ] || tail -n 60 "$3" | sed "s/^/$ktap_indent# /"
		echo "${ktap_indent}not ok $ktap_n $2"
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

# A document opens at its version line and closes at the first result
# line less indented, its parent's: a case with nested results is counted
# through them (as kunit.py counts), a case without any is a leaf.
tap_count() {
	local ok bad skip
	read -r ok bad skip missing < <(awk '
		function indent() { match($0, /^ */); return RLENGTH }
		# close the documents deeper than d; 1 if one had no leaf
		function close_to(d,   empty) {
			empty = 0
			while (top > 0 && depth[top] > d) {
				if (plan[top] != "")
					missing += plan[top] - results[top]
				empty = leaves[top] == 0
				leaves[top - 1] += leaves[top]
				top--
			}
			return empty
		}
		/^ *K?TAP version [0-9]+$/ {
			close_to(indent() - 1)
			depth[++top] = indent()
			plan[top] = ""
			results[top] = leaves[top] = 0
			next
		}
		/^ *1\.\.[0-9]+/ {
			if (top && depth[top] == indent() && plan[top] == "") {
				sub(/^ *1\.\./, "")
				plan[top] = $0 + 0
			}
			next
		}
		/^ *(not )?ok / {
			d = indent()
			nested = top && depth[top] > d
			if (close_to(d) == 0 && nested)
				parent = 1
			else
				parent = 0
			if (top && depth[top] == d)
				results[top]++
			if (parent)
				next
			leaves[top]++
			if ($0 ~ /^ *not ok /) bad++
			else if ($0 ~ /# SKIP/) skip++
			else ok++
		}
		END {
			close_to(-1)
			printf "%d %d %d %d\n", ok, bad, skip, missing
		}' "$1")
	pass=$((pass + ok))
	fail=$((fail + bad))
	skipped=$((skipped + skip))
	reported=$((ok + bad + skip))
}

results() {
	awk -v want="${2:-}" '
		/^ *(not )?ok [0-9]+/ {
			status = $0 ~ /^ *not / ? "not ok" : "ok"
			if (want != "" && status != want)
				next
			sub(/^ *(not )?ok [0-9]+ */, "")
			sub(/ *#.*$/, "")
			print
		}' "$1" 2>/dev/null
}

failed() {
	if [ -z "$1" ]; then
		grep -Eq '^ *not ok ' "$2" 2>/dev/null
	else
		results "$2" "not ok" | grep -qxF -- "$1"
	fi
}

ktap_nest() {
	local f0 before=$fail
	ktap_push
	sed "s/^/$ktap_indent/" "$2"
	tap_count "$2"
	if [ "$reported" = 0 ]; then
		# no case: its result line is the case, as kunit.py counts it
		ktap_pop
		result fail "$1"
		return
	fi
	ktap_sub_end "$1"
	# a tier that failed without saying which case
	[ "$3" = 0 ] || [ "$fail" != "$before" ] || result fail "$1 exits 0"
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
	local log=$1 name within regex job found others case
	job=$(sed -n '/hello-vm: job start/,$p' "$log")
	for name in ${2//,/ }; do
		if ! row "$tables/reports" "$name" _ within regex; then
			result fail "report $name is in tests/reports"
			continue
		fi
		case="no $name report on the console"
		if [ -z "$within" ]; then
			found=$(grep -E -B2 -A25 "$regex" <<<"$job" || true)
		else
			case="no $name report with $within on the console"
			found=$(report_blocks "$regex" "$within" <<<"$job")
			others=$(sed -n 's/^other //p' <<<"$found")
			found=$(sed -n 's/^block //p' <<<"$found")
			[ -z "$others" ] ||
				awk -v name="$name" -v within="$within" \
					-v pre="$ktap_indent" '
					{ n += $1; line[NR] = $0 }
					END {
						printf "%s# %d %s reports without %s" \
							" (listed, not failing):\n", \
							pre, n, name, within
						for (i = 1; i <= NR; i++)
							print pre "#   " line[i]
					}' <<<"$others"
		fi
		if [ -n "$found" ]; then
			head -n 60 <<<"$found" | sed "s/^/$ktap_indent# /"
			result fail "$case"
		else
			result ok "$case"
		fi
	done
}

guest_build() {
	local build='' ksft
	row "$tables/arches" "$1" _ _ _ _ _ _ _ build
	ksft=$(bash "$tables/host/kernel-tools.sh")/tools/testing/selftests
	pinned "build-essential ${build//,/ }" make -s guest GUEST_ARCH="$1" \
		KSFT_DIR="$ksft"
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
	for f in "$src"/Kbuild "$src"/*.[ch] "$src"/*.rs "$src"/include; do
		[ ! -e "$f" ] || ln -s "$(realpath "$f")" "$out/"
	done
	bash "$tables/host/chroot.sh" run "${kdir%%:*}" nice -n 10 \
		make -C "${kdir#*:}" M="$(realpath "$out")" W=1 "$@" \
		>"$out.log" 2>&1 && ! grep -Eiq '(warning|error):' "$out.log"
}
