#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: mutants.sh TIER   (`make mutants`: check; `make mutants-debug`,
#                          `make mutants-kcsan`)
# Plants each bug of tests/mutants/TIER.txt (NAME<TAB>a perl substitution
# on hello_kmalloc.c[<TAB>CASE]) in a copy of the tree and runs the tier
# there, on its first kernel (HELLO_MUTANT_KERNELS="A B" for others).  A
# mutant the tier does not catch by a named case (by a case whose name
# holds CASE, if given) is a test that cannot fail: a failure here.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
tier=$1
list=tests/mutants/$tier.txt
read -r _ kernels _ <<<"$(row tests/tiers "$tier")"
kernels=${HELLO_MUTANT_KERNELS:-${kernels%%,*}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
while IFS=$'\t' read -r name subst want; do
	case $name in '#'* | '') continue ;; esac
	rm -rf "$work/tree"
	mkdir "$work/tree"
	git ls-files -z | xargs -0 cp --parents -t "$work/tree"
	perl -0pi -e "$subst" "$work/tree/hello_kmalloc.c"
	if cmp -s hello_kmalloc.c "$work/tree/hello_kmalloc.c"; then
		result fail "mutant $name: the substitution matches nothing"
		continue
	fi
	echo "# mutant $name: make $tier"
	# the fuzzer finds its planted bugs in under 300 ops: 100000 will do
	if HELLO_KERNELS=$kernels HELLO_BOOT_ARGS=hello.fuzz_ops=100000 \
		bash "$work/tree/tests/host/run.sh" "$tier" \
		>"$work/$name.log" 2>&1; then
		result fail "mutant $name survived: no test failed"
	elif grep -q '^not ok - .*module builds' "$work/$name.log"; then
		result fail "mutant $name does not build: fix its substitution" \
			"$work/$name.log"
	else
		caught=$(grep -E '^not ok' "$work/$name.log" |
			grep -F -- "${want:-}" | head -n 3 |
			sed 's/^not ok [-0-9]* *//' | paste -sd ';')
		if [ -n "$caught" ]; then
			result ok "mutant $name caught by: $caught"
		else
			result fail "mutant $name: the tier failed but named no case${want:+ with \"$want\"}" \
				"$work/$name.log"
		fi
	fi
done <"$list"
summary
