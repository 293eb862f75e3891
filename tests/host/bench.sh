#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: boot Debian 6.1 with its stock options (no slub_debug, no
# init_on_alloc=0) and run tests/guest/bench.c in it: /dev/hello0 against
# /dev/zero and /dev/null in one boot, the slab cost per open, 100,000 files
# open at once; also tests/floor's /dev/hello_floor (the bare user
# copy) against the same baselines.  Prints the TAP, the tables, and draws
# build/bench/bench.svg (README's docs/bench.svg is a copy of one).  Ends
# "N passed, N failed".
set -eu
cd "$(dirname "$0")/../.."
out=build/bench
splat='BUG|WARNING|Oops|Call Trace|KFENCE|UBSAN|Kernel panic|general protection'

bash tests/host/deps.sh gnuplot-nox
make -s build/vm/bench
read -r abi vmlinuz kdir <<<"$(bash tests/host/kernel.sh linux-image-amd64)"
make -s module-for KDIR="$kdir" OUT="build/$abi"
floor=build/$abi/bench-floor
mkdir -p "$floor" "$out"
ln -sf "$PWD/tests/floor/Kbuild" "$PWD/tests/floor/hello_floor.c" \
	"$floor/"
make -s -C "$kdir" M="$PWD/$floor" W=1 modules
bash tests/host/initramfs.sh "$out/initrd.gz" tests/guest/jobs/bench.sh \
	"build/$abi/hello_kmalloc.ko" "$floor/hello_floor.ko" build/vm/bench
echo "# == $abi: booting (TCG, stock options), the benchmark follows"
vm=0
bash tests/host/boot.sh "$vmlinuz" "$out/initrd.gz" "$out/console.log" 900 |
	tee "$out/results.tap" || vm=$?

# the tables, as markdown, for README and the notes
sed -n 's/^# \(|.*\)$/\1/p' "$out/results.tap" >"$out/tables.md"
awk '$2 == "round" { print $3, $4, $7 }' "$out/results.tap" >"$out/rounds.dat"
gnuplot -e "data='$out/rounds.dat'; out='$out/bench.svg'" tests/host/bench.gp
echo "# chart: $out/bench.svg (cp it to docs/bench.svg to update README)"

pass=$(grep -c '^ok ' "$out/results.tap" || true)
fail=$(grep -c '^not ok ' "$out/results.tap" || true)
if [ "$vm" = 2 ]; then
	echo "not ok - the VM finished the benchmark"
	fail=$((fail + 1))
fi
if sed -n '/hello-vm: job start/,$p' "$out/console.log" | grep -Eq "$splat"
then
	echo "not ok - no kernel splat in the console log"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
