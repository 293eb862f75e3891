#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: coverage.sh TAP MODULE_DIR
# The coverage of hello_kmalloc.c by one VM run (tests/host/run.sh calls
# it for a module built with gcov): takes the gcov data out of the job's
# output TAP (tests/guest/gcov.sh), puts the .gcda beside the .gcno of the
# module's build in MODULE_DIR, and reports with gcovr and the gcov of the
# gcc that compiled the module.  Prints a KTAP document: the data came
# out, every line ran, every function ran (the gate: 100%); the line and
# branch numbers,
# the lines not run and the lines with a branch not taken as comments.
# HTML with every line's counts in build/coverage/index.html.  A line the
# preprocessor removed (the arm of an #ifdef this kernel does not compile)
# is no line for gcov and counts in neither direction.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
tap=$1 mod=$2
src=hello_kmalloc.c
html=build/coverage
ktap_begin
ktap_plan 3

# the .gcda is in the archive under the path the module was compiled at
mkdir -p build
tmp=$(mktemp -d "$PWD/build/coverage.XXXXXX")	# seen in the chroot too
trap 'rm -rf "$tmp"' EXIT
gcda=${src%.c}.gcda
sed -n '/^ *# gcov-data begin$/,/^ *# gcov-data end$/{/# gcov-data/d; s/^ *# //; p}' \
	"$tap" | base64 -d 2>/dev/null | tar -xz -C "$tmp" 2>/dev/null || true
if [ -f "$tmp/$(realpath "$mod")/$gcda" ]; then
	cp "$tmp/$(realpath "$mod")/$gcda" "$mod/"
	result ok "gcov data of $src came out of the VM"
else
	result fail "gcov data of $src came out of the VM"
	result fail "$src: every line ran"
	result fail "$src: every function ran"
	exit 0
fi

# gcov of the compiler's major version: "GCC: (Debian 12.2.0-14) 12.2.0"
major=$(pinned build-essential readelf -p .comment "$mod/${src%.c}.o" |
	sed -n 's/.*GCC: (.*) \([0-9]*\)\..*/\1/p' | head -n 1)
mkdir -p "$html"
# gcovr filters on the real path, which the build's symlink points to
filter=$(realpath "$mod/$src" | sed 's|[^[:alnum:]/_-]|\\&|g')
report() {
	# gcov-N comes with gcc-N
	pinned "gcovr gcc-$major" gcovr --gcov-executable "gcov-$major" \
		-r "$mod" --filter "$filter" \
		"$@" "$mod"
}
summary=$(report -s --txt "$tmp/lines.txt" --html-details "$html/index.html")
report -b --txt "$tmp/branches.txt"
printf '# %s\n' "${summary//$'\n'/$'\n'# }"
# all KIND: the summary says "KIND: 100.0% (N out of N)", N > 0
all() {
	grep -Eq "^$1: [0-9.]+% \(([1-9][0-9]*) out of \1\)" <<<"$summary"
}

# missing: the lines of a gcovr text report's Missing column ("5,8,10-12")
missing() {
	local r
	for r in $(awk -v f="$src" '$1 == f { print $5 }' "$1" | tr , ' '); do
		seq "${r%-*}" "${r#*-}"
	done
}
show() {
	local n
	for n in "$@"; do
		printf '#   %4d: %s\n' "$n" "$(sed -n "${n}p" "$mod/$src" |
			sed 's/^[[:space:]]*//')"
	done
}
lines=$(missing "$tmp/lines.txt" | paste -sd ' ')
branches=$(missing "$tmp/branches.txt" | paste -sd ' ')
if [ -n "$branches" ]; then
	echo "# lines with a branch not taken (docs/sanitizers.md says why):"
	# shellcheck disable=SC2086
	show $branches
fi
if all lines && [ -z "$lines" ]; then
	result ok "$src: every line ran"
else
	echo "# lines not run:"
	# shellcheck disable=SC2086
	show $lines
	result fail "$src: every line ran"
fi
if all functions; then
	result ok "$src: every function ran"
else
	echo "# see $html/index.html"
	result fail "$src: every function ran"
fi
echo "# coverage of $src, line by line: $html/index.html"
