#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make mutants`: plant each bug of tests/mutants/check.txt in a copy of the
# tree and run the VM suite on it (6.1 only; HELLO_MUTANT_KERNELS=arm64 for
# the arm64 VM).  A mutant the suite does not catch is a test that cannot
# fail: that is a failure here.
# Usage: mutants.sh [LIST [CHECK]]   CHECK defaults to tests/host/check.sh
set -eu
cd "$(dirname "$0")/../.."
list=${1:-tests/mutants/check.txt}
check=${2:-tests/host/check.sh}
kernels=${HELLO_MUTANT_KERNELS:-linux-image-amd64}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
while IFS=$'\t' read -r name subst; do
	case $name in '#'* | '') continue ;; esac
	rm -rf "$work/tree"
	mkdir "$work/tree"
	git ls-files -z | xargs -0 cp --parents -t "$work/tree"
	perl -0pi -e "$subst" "$work/tree/hello_kmalloc.c"
	if cmp -s hello_kmalloc.c "$work/tree/hello_kmalloc.c"; then
		echo "not ok - mutant $name: substitution matched nothing"
		fail=$((fail + 1))
		continue
	fi
	echo "# mutant $name: running the suite"
	# the fuzzer finds its planted bugs in under 300 ops: 100000 will do
	if HELLO_KERNELS=$kernels \
		HELLO_BOOT_ARGS=hello.fuzz_ops=100000 bash "$work/tree/$check" \
		>"$work/$name.log" 2>&1; then
		echo "not ok - mutant $name survived: no test failed"
		fail=$((fail + 1))
	elif grep -q '^not ok - .*module builds' "$work/$name.log"; then
		echo "not ok - mutant $name does not build: fix its substitution"
		fail=$((fail + 1))
	else
		caught=$(grep -E '^not ok' "$work/$name.log" | head -n 3 |
			sed 's/^not ok [-0-9]* *//' | paste -sd ';')
		if [ -n "$caught" ]; then
			echo "ok - mutant $name caught by: $caught"
			pass=$((pass + 1))
		else
			tail -n 5 "$work/$name.log" | sed 's/^/# /'
			echo "not ok - mutant $name: the check failed but named no case"
			fail=$((fail + 1))
		fi
	fi
done <"$list"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
