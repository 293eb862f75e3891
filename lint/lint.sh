#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make lint`: the static checkers the kernel community uses, each a KTAP
# case "ok N ..." or "not ok N ..." (findings above it as "# " lines), then
# "N passed, N failed"; exits non-zero on any finding.
#
# Files are found with git (tracked and untracked-but-not-ignored), so new
# ones are covered without editing this script.  A C file that includes a
# libc header (<stdio.h>: a name with no directory) is userspace; any other
# C file or header is kernel code.
#
# LINT_CHECKS picks checkers (default: all of them):
#   checkpatch sparse w1 analyzer cppcheck shellcheck layout docs
# HELLO_KERNELS picks the kernels for sparse and W=1 (default: make check's).
set -eu
cd "$(dirname "$0")/.."
all="checkpatch sparse w1 analyzer cppcheck shellcheck layout docs"
checks=${LINT_CHECKS:-$all}
out=build/lint

# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
ktap_begin
row tests/tiers check _ kernels
kernels=${HELLO_KERNELS:-${kernels//,/ }}
wants() { case " ${checks//[[:space:]]/ } " in *" $1 "*) return 0 ;; esac; return 1; }
for c in $checks; do
	case " $all " in *" $c "*) ;; *) result fail "a checker named $c" ;; esac
done

files() {
	git ls-files --cached --others --exclude-standard -- "$@" | sort -u |
		while read -r f; do [ ! -f "$f" ] || echo "$f"; done
}
count() { echo $#; }
is_userspace() { grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<[^/>]+>' "$1"; }
kernel_c=
user_c=
for f in $(files '*.c' '*.h'); do
	if is_userspace "$f"; then user_c="$user_c $f"; else kernel_c="$kernel_c $f"; fi
done
user_src=$(for f in $user_c; do case $f in *.c) echo "$f" ;; esac; done)
scripts=$(for f in $(files); do
	case ${f##*/} in
	*.sh) echo "$f" ;;
	*.*) ;;
	*) if head -n 1 "$f" | grep -Eq '^#!.*[/ ](ba|da|a)?sh( |$)'; then
		echo "$f"
	fi ;;
	esac
done)
echo "# kernel C:$kernel_c"
echo "# userspace C:$user_c"
echo "# shell:" "$(echo "$scripts" | paste -sd ' ')"

mkdir -p "$out"
# every checker is the pinned release's (tests/host/lib.sh): the same
# verdict on every host
tools_pkgs="build-essential perl sparse cppcheck shellcheck clang-format"
tool() { pinned "$tools_pkgs" "$@"; }
tool true

# the kernel's checkpatch, and the selftest headers the guest programs use
tools=$(bash tests/host/kernel-tools.sh)
ksft=$tools/tools/testing/selftests

if wants checkpatch; then
	log=$out/checkpatch.log
	# the proof's models of kernel headers (tests/proof/include) take the
	# kernel macros' arguments, used or not
	models='' others=''
	for f in $kernel_c; do
		case $f in
		tests/proof/include/*) models="$models $f" ;;
		*) others="$others $f" ;;
		esac
	done
	# shellcheck disable=SC2086
	{ tool perl "$tools/scripts/checkpatch.pl" --strict --no-tree \
		--color=never -f $others
	  tool perl "$tools/scripts/checkpatch.pl" --strict --no-tree \
		--color=never --ignore MACRO_ARG_UNUSED -f $models
	} >"$log" 2>&1 || true
	# shellcheck disable=SC2086
	n=$(count $kernel_c)
	clean=$(grep -c '^total: 0 errors, 0 warnings, 0 checks' "$log" || true)
	if [ "$n" -gt 0 ] && [ "$clean" = "$n" ]; then
		result ok "checkpatch --strict: 0 errors/warnings/checks in $n files"
	else
		# the findings, each with its place, not the clean files
		grep -A 3 -E '^(ERROR|WARNING|CHECK):' "$log" >"$log.findings" ||
			cp "$log" "$log.findings"
		result fail "checkpatch --strict: $((n - clean)) of $n files with findings" "$log.findings"
	fi
	# advisory only, as in the kernel: a gate on it would fight checkpatch
	changed=0
	for f in $kernel_c $user_c; do
		changed=$((changed + $(tool clang-format --style="file:$tools/.clang-format" \
			"$f" | diff "$f" - | grep -c '^>' || true)))
	done
	echo "# advisory: the kernel's .clang-format would change $changed lines (make format shows them)"
fi

# The module built against each kernel's tree (module_build, W=1): with
# sparse (C=2 checks every file) and plain; any warning or error is a
# finding.  (tests/host/run.sh builds the floor device with W=1 too.)
for name in $kernels; do
	wants sparse || wants w1 || break
	if ! info=$(bash tests/host/kernel.sh "$name"); then
		result fail "$name: kernel build tree"
		continue
	fi
	read -r id _ kdir _ <<<"$info"
	for mode in sparse w1; do
		wants $mode || continue
		case $mode in
		sparse) flags="C=2 CHECK=sparse" what="sparse (C=2)" ;;
		w1) flags='' what="W=1 build" ;;
		esac
		# shellcheck disable=SC2086
		if module_build . "$out/$id-$mode" "$kdir" $flags modules; then
			result ok "$id: $what: 0 findings"
		else
			result fail "$id: $what: findings" "$out/$id-$mode.log"
		fi
	done
done

if wants analyzer; then
	log=$out/analyzer.log
	: >"$log"
	for f in $user_src; do
		tool gcc -fanalyzer -Wall -Wextra -O2 -pthread -isystem "$ksft" \
			-c "$f" -o /dev/null \
			>>"$log" 2>&1 || echo "$f: gcc failed" >>"$log"
	done
	# shellcheck disable=SC2086
	n=$(count $user_src)
	if [ ! -s "$log" ]; then
		result ok "gcc -fanalyzer: 0 findings in $n userspace C files"
	else
		result fail "gcc -fanalyzer: findings in userspace C" "$log"
	fi
fi

if wants cppcheck; then
	log=$out/cppcheck.log
	# variableScope wants declarations moved into inner blocks: kernel
	# style (which this C follows) declares at the top of the function.
	# The kernel's selftest headers are read for their macros, not judged.
	# shellcheck disable=SC2086
	if tool cppcheck -q --std=c11 --enable=warning,style,performance,portability \
		--suppress=variableScope --inline-suppr --error-exitcode=1 \
		-I "$ksft" --suppress="*:$ksft/*" \
		--template=gcc $user_src >"$log" 2>&1 && [ ! -s "$log" ]; then
		result ok "cppcheck: 0 findings in $(count $user_src) userspace C files"
	else
		result fail "cppcheck: findings in userspace C" "$log"
	fi
fi

if wants shellcheck; then
	log=$out/shellcheck.log
	# shellcheck disable=SC2086
	if tool shellcheck --format=gcc $scripts >"$log" 2>&1; then
		result ok "shellcheck: 0 findings in $(count $scripts) scripts"
	else
		result fail "shellcheck: findings" "$log"
	fi
fi

# script WHAT OK FAIL: lint/WHAT.sh, its output in $out/WHAT.log: the case
# "OK" when it exits 0, else "FAIL" with that log
script() {
	wants "$1" || return 0
	if bash "lint/$1.sh" >"$out/$1.log" 2>&1; then
		result ok "$1: $2"
	else
		result fail "$1: $3" "$out/$1.log"
	fi
}
script layout "README's Layout table matches the tree" \
	"README's Layout table and the tree differ"
script docs "every path, make target and link they name exists" \
	"names of things that do not exist"

summary && [ "$pass" -gt 0 ]
