#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: proof.sh   (`make proof`)
# CBMC proves hello_kmalloc.c's contract against the kernel model of
# tests/proof/ (docs/proof.md): each harness tests/proof/NAME.c, two at a
# time, in a trixie chroot (CBMC 6.6; bookworm has none); with
# HELLO_STOP_ON="NAME: ..." (run.sh's), only NAME's.  One case per
# property: "ok N NAME: PROPERTY", or "not ok" after the counterexample's
# pos, count and left (bytes not copied).  CBMC's log with the whole
# counterexample trace: build/proof/NAME.log.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
ktap_begin
out=build/proof
top=$(pwd)
# --unwind 65: the harnesses' loops over the 64-byte buffer; kmalloc()
# fails as malloc() does (--malloc-*); --refine-arrays: write's proof in a
# fifth of the time
cbmc=(nice -n 10 cbmc -I "$top/tests/proof/include" -I "$top/include"
	-D 'KBUILD_MODNAME="hello_kmalloc"'
	--bounds-check --pointer-check --pointer-overflow-check
	--signed-overflow-check --unsigned-overflow-check --conversion-check
	--memory-leak-check --malloc-may-fail --malloc-fail-null
	--unwind 65 --unwinding-assertions
	--slice-formula --refine-arrays --trace)

# prove NAME: CBMC on tests/proof/NAME.c, its log and seconds in $out
prove() {
	local start=$SECONDS
	bash tests/host/chroot.sh run "$root" "${cbmc[@]}" "$top/tests/proof/$1.c" \
		>"$out/$1.log" 2>&1 || true
	echo $((SECONDS - start)) >"$out/$1.seconds"
}

# cases LOG NAME: "ok<TAB>PROPERTY" or "fail<TAB>PROPERTY" for each result
# in LOG, a failure after "#<TAB>counterexample (LOG): ..." (the last pos,
# count and left of its trace)
cases() {
	awk -v name="$2" '
		NR == FNR {
			if (/^Trace for /)
				id = substr($3, 1, length($3) - 1)
			else if (id != "" && match($0, /^  (pos|count|left)=[^ ]+/)) {
				split(substr($0, 3, RLENGTH - 2), kv, "=")
				sub(/[a-z]+$/, "", kv[2])
				v[id, kv[1]] = kv[2]
			}
			next
		}
		/^\[[^]]+\] / {
			id = substr($0, 2, index($0, "]") - 2)
			what = substr($0, length(id) + 4)
			where = id
			sub(/\..*/, "", where)
			if (what ~ /^line [0-9]+ /) {
				where = where " line " $3
				what = substr(what, length($3) + 7)
			}
			status = what
			sub(/.*: /, "", status)
			sub(/: [A-Z]+$/, "", what)
			if (id !~ /\.assertion\./)
				what = where ": " what
			if (index(what, name ": ") != 1)
				what = name ": " what
			if (status == "SUCCESS") {
				print "ok\t" what
				next
			}
			cex = ""
			split("pos count left", keys, " ")
			for (k = 1; k <= 3; k++)
				if ((id, keys[k]) in v)
					cex = cex " " keys[k] "=" v[id, keys[k]]
			print "#\tcounterexample (" FILENAME "):" cex
			print "fail\t" what
		}' "$1" "$1"
}

root=$(bash tests/host/chroot.sh path trixie cbmc gcc libc6-dev)
rm -rf "$out"
mkdir -p "$out"
names=$(cd tests/proof && for f in *.c; do echo "${f%.c}"; done)
# HELLO_STOP_ON="NAME: ..." (mutants.sh): only that case's harness matters
stop=${HELLO_STOP_ON:-}
! grep -qx "${stop%%:*}" <<<"$names" || names=${stop%%:*}
for name in $names; do
	[ "$(jobs -pr | wc -l)" -lt 2 ] || wait -n
	prove "$name" &
done
wait
for name in $names; do
	log=$out/$name.log
	if ! grep -q '^\*\* Results:' "$log"; then
		result fail "$name: the module builds against the kernel model" "$log"
		continue
	fi
	echo "# $name: $(grep -c '^\[' "$log") properties," \
		"$(cat "$out/$name.seconds") s"
	while IFS=$'\t' read -r status what; do
		case $status in
		'#') echo "# $what" ;;
		*) result "$status" "$what" ;;
		esac
	done < <(cases "$log" "$name")
done
summary
