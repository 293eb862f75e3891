#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: mutants.sh TIER...   (`make mutants`: check and check-exact)
# For each TIER, plants each bug of tests/mutants/TIER.txt (NAME<TAB>a perl
# substitution on hello_kmalloc.c[<TAB>CASE]) in a copy of the tree and
# runs the tier there: a VM tier (tests/tiers) on its first kernel
# (HELLO_MUTANT_KERNELS="A B" for others), another as `make TIER` (proof).
# HELLO_MUTANTS="NAME..." plants only those.  A mutant the tier does not
# catch by a named case is a test that cannot fail: a failure here.  With
# CASE, the case whose name holds CASE must be one that failed (the report
# meant to see that bug, not just any test).  A run stops as soon as that
# case (any case, for a row without one) has failed (run.sh's
# HELLO_STOP_ON).  Each run's log, VM consoles and build/TIER/*.log
# (CBMC's) are kept in build/mutants/TIER/NAME/.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# keep: the log and the consoles of mutant $name's run
keep() {
	local f d=build/mutants/$tier/$name
	rm -rf "$d"
	mkdir -p "$d"
	cp "$work/$name.log" "$d/"
	for f in "$work"/tree/build/"$tier"/*.log; do
		[ ! -f "$f" ] || cp "$f" "$d/"
	done
	for f in "$work"/tree/build/"$tier"/*/console.log; do
		[ ! -f "$f" ] || cp "$f" "$d/$(basename "$(dirname "$f")").console.log"
	done
}
for tier in "$@"; do
	kernels=
	run=(make -s -C "$work/tree" "$tier")
	if row tests/tiers "$tier" >/dev/null; then
		read -r _ kernels _ <<<"$(row tests/tiers "$tier")"
		kernels=${HELLO_MUTANT_KERNELS:-${kernels%%,*}}
		run=(bash "$work/tree/tests/host/run.sh" "$tier")
		pinned build-essential make -s guest
	fi
	while IFS=$'\t' read -r name subst want; do
		case $name in '#'* | '') continue ;; esac
		case " ${HELLO_MUTANTS:-$name} " in *" $name "*) ;; *) continue ;; esac
		rm -rf "$work/tree"
		tree_copy "$work/tree"
		# the guest programs as built here: the copy's are up to date
		[ ! -d build/guest ] || cp -pr --parents build/guest "$work/tree"
		perl -0pi -e "$subst" "$work/tree/hello_kmalloc.c"
		if cmp -s hello_kmalloc.c "$work/tree/hello_kmalloc.c"; then
			result fail "mutant $name: the substitution matches nothing"
			continue
		fi
		echo "# mutant $name: make $tier"
		# the fuzzer finds its planted bugs in under 300 ops: 100000 will do
		status=0
		HELLO_KERNELS=$kernels HELLO_BOOT_ARGS=hello.fuzz_ops=100000 \
			HELLO_STOP_ON=$want \
			"${run[@]}" >"$work/$name.log" 2>&1 || status=$?
		keep
		if [ "$status" = 0 ]; then
			result fail "mutant $name survived: no test failed"
		elif grep -q '^not ok - .*module builds' "$work/$name.log"; then
			result fail "mutant $name does not build: fix its substitution" \
				"$work/$name.log"
		else
			caught=$(grep -E '^not ok' "$work/$name.log" |
				sed 's/^not ok [-0-9]* *//')
			if [ -n "$want" ]; then
				if grep -qF -- "$want" <<<"$caught"; then
					result ok "mutant $name caught by: $(grep -F -m 1 -- "$want" <<<"$caught")"
				else
					result fail "mutant $name: not caught by $want, only by: $(head -n 3 <<<"$caught" | paste -sd ';')" \
						"$work/$name.log"
				fi
			elif [ -n "$caught" ]; then
				caught=$(head -n 3 <<<"$caught" | paste -sd ';')
				result ok "mutant $name caught by: $caught"
			else
				result fail "mutant $name: the tier failed but named no case" \
					"$work/$name.log"
			fi
		fi
	done <"tests/mutants/$tier.txt"
done
summary
