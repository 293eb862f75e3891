#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: fuzz-vm.sh [SEED] [OPS]   (`make fuzz SEED=... OPS=...`)
# Boots the Debian 6.1 VM (HELLO_KERNEL=linux-image-6.12-amd64 for 6.12)
# running only tests/guest/fuzz.c: OPS operations (default 1000000) from SEED
# (default: a fresh one, printed).  Ends with "N passed, N failed".
set -eu
cd "$(dirname "$0")/../.."
seed=${1:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}
ops=${2:-1000000}
meta=${HELLO_KERNEL:-linux-image-amd64}
bash tests/host/deps.sh
make -s build/vm/fuzz
read -r abi vmlinuz kdir <<<"$(bash tests/host/kernel.sh "$meta")"
out=build/$abi
make -s module-for KDIR="$kdir" OUT="$out" >"$out.build.log" 2>&1 ||
	{ cat "$out.build.log"; exit 1; }
echo "/fuzz -s $seed -n $ops" >"$out/fuzz.job"
bash tests/host/initramfs.sh "$out/fuzz.gz" "$out/fuzz.job" "$out/hello_kmalloc.ko" \
	build/vm/fuzz
echo "# fuzz: $abi, seed $seed, $ops ops"
bash tests/host/boot.sh "$vmlinuz" "$out/fuzz.gz" "$out/fuzz-console.log" \
	$((300 + ops / 1000)) "init_on_alloc=0 slub_debug=FZPU" |
	tee "$out/fuzz.tap"
vm=${PIPESTATUS[0]}
pass=$(grep -ac '^ok ' "$out/fuzz.tap" || true)
fail=$(grep -ac '^not ok ' "$out/fuzz.tap" || true)
plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$out/fuzz.tap")
if [ "$vm" -gt 1 ] || [ $((pass + fail)) != "${plan:-x}" ]; then
	echo "not ok - the VM did not finish (console: $out/fuzz-console.log)"
	fail=$((fail + 1))
fi
splat='BUG|WARNING|Oops|Call Trace|Redzone|Poison|KFENCE|UBSAN|Kernel panic'
if sed -n '/hello-vm: job start/,$p' "$out/fuzz-console.log" |
	grep -E -A20 "$splat" >"$out/fuzz-splat.log"; then
	head -n 40 "$out/fuzz-splat.log" | sed 's/^/# /'
	echo "not ok - kernel splat in the console log"
	fail=$((fail + 1))
fi
echo "# fuzz: seed $seed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
