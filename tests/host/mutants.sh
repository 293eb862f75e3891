#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: mutants.sh TIER...   (`make mutants`: check and check-exact)
# For each TIER, plants each bug of tests/mutants/TIER.txt (NAME, a perl
# substitution, CASE, and the file it applies to: hello_kmalloc.c if left
# out) in a copy of the tree and runs the tier there: a VM tier
# (tests/tiers) on its first kernel (HELLO_MUTANT_KERNELS="A B" for
# others) with the driver of that file only, another as `make TIER`
# (proof).
# HELLO_MUTANTS="NAME..." plants only those.  The mutant is caught when
# the KTAP case named exactly CASE failed (the test meant to see that
# bug, not just any); a row whose CASE is no case of the tier's output
# fails loudly: renaming a case cannot disarm a mutant.  A run stops as
# soon as CASE has failed (run.sh's HELLO_STOP_ON).  Each run's log, VM
# consoles and build/TIER/*.log (CBMC's) are kept in
# build/mutants/TIER/NAME/.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
ktap_begin
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
	if row tests/tiers "$tier" _ kernels; then
		kernels=${HELLO_MUTANT_KERNELS:-${kernels%%,*}}
		run=(bash "$work/tree/tests/host/run.sh" "$tier")
		guest_build x86_64
	fi
	while IFS=$'\037' read -r name subst want file; do
		file=${file:-hello_kmalloc.c}
		case " ${HELLO_MUTANTS:-$name} " in *" $name "*) ;; *) continue ;; esac
		rm -rf "$work/tree"
		tree_copy "$work/tree"
		# the guest programs as built here: the copy's are up to date
		[ ! -d build/guest ] || cp -pr --parents build/guest "$work/tree"
		if ! substitute "$work/tree/$file" "$subst"; then
			result fail "mutant $name: its substitution applies"
			continue
		fi
		echo "# mutant $name: make $tier"
		# the fuzzer finds its planted bugs in under 300 ops: 100000 will do
		status=0
		HELLO_KERNELS=$kernels HELLO_DRIVERS=$(dirname "$file") \
			HELLO_BOOT_ARGS=hello.fuzz_ops=100000 \
			HELLO_STOP_ON=$want \
			"${run[@]}" >"$work/$name.log" 2>&1 || status=$?
		keep
		log=$work/$name.log
		echo "# mutant $name: exit status $status, failed:" \
			"$(results "$log" "not ok" | head -n 5 | paste -sd ';')"
		if failed "module builds with W=1 and 0 warnings" "$log"; then
			result fail "mutant $name builds" "$log"
		elif [ -n "$want" ] && failed "$want" "$log"; then
			result ok "mutant $name caught by $want"
		elif [ -z "$want" ] || ! results "$log" | grep -qxF -- "$want"
		then
			result fail "mutant $name names a case of $tier (${want:-none})" \
				"$log"
		else
			result fail "mutant $name caught by $want" "$log"
		fi
	done < <(rows "tests/mutants/$tier.txt")
done
summary
