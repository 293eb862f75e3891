#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: for each Debian kernel, build the module with W=1 against its
# headers and boot the session and the suite in it.  Prints every case and
# ends with "N passed, N failed"; exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."
kernels=${HELLO_KERNELS:-linux-image-amd64 linux-image-6.12-amd64}
# HELLO_BOOT_ARGS adds kernel arguments, e.g. hello.fuzz_ops=N
boot_args="init_on_alloc=0 slub_debug=FZPU ${HELLO_BOOT_ARGS:-}"
splat='BUG|WARNING|Oops|Call Trace|Redzone|Poison|KFENCE|UBSAN|Kernel panic|general protection'

pass=0
fail=0
result() {	# result ok|fail NAME
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok - $2"
	else
		fail=$((fail + 1))
		echo "not ok - $2"
	fi
}

bash vm/deps.sh
make -s vm-bins

for meta in $kernels; do
	echo "# == $meta: fetching kernel and headers"
	if ! info=$(bash vm/kernel.sh "$meta"); then
		result fail "$meta: fetch kernel and headers"
		continue
	fi
	read -r abi vmlinuz kdir <<<"$info"
	out=build/$abi

	echo "# == $abi: building hello_kmalloc.ko (W=1)"
	if make -s module-for KDIR="$kdir" OUT="$out" >"$out.build.log" 2>&1 &&
		! grep -q 'warning:' "$out.build.log"; then
		result ok "$abi: module builds with W=1 and 0 warnings"
	else
		cat "$out.build.log"
		result fail "$abi: module builds with W=1 and 0 warnings"
		continue
	fi

	bash vm/initramfs.sh "$out/initrd.gz" tests/guest-check.sh \
		"$out/hello_kmalloc.ko" build/vm/suite build/vm/hello_test \
		build/vm/fuzz build/vm/stress build/vm/bench \
		tests/session.sh
	echo "# == $abi: booting (TCG), the suite follows"
	bash vm/boot.sh "$vmlinuz" "$out/initrd.gz" "$out/console.log" 600 \
		"$boot_args" | tee "$out/results.tap"
	vm=${PIPESTATUS[0]}	# boot.sh's status, not tee's

	# count the VM's cases; a plan that was not met is one more failure
	ok=0 bad=0 missing=0
	eval "$(awk '
		/^1\.\.[0-9]+/ { planned += substr($1, 4) }
		/^ok / { ok++ }
		/^not ok / { bad++ }
		END { printf "ok=%d bad=%d missing=%d\n", ok, bad,
		      planned - ok - bad }' "$out/results.tap")"
	pass=$((pass + ok))
	fail=$((fail + bad))
	result "$([ "$missing" = 0 ] && [ "$ok" -gt 0 ] && echo ok || echo fail)" \
		"$abi: every planned case reported ($missing missing)"
	result "$([ "$vm" = 0 ] || [ "$vm" = 1 ] && echo ok || echo fail)" \
		"$abi: the VM finished its job and powered off"
	if sed -n '/hello-vm: job start/,$p' "$out/console.log" |
		grep -Eq "$splat"; then
		sed -n '/hello-vm: job start/,$p' "$out/console.log" |
			grep -E -A20 "$splat" | head -n 60 | sed 's/^/# /'
		result fail "$abi: no kernel splat in the console log"
	else
		result ok "$abi: no kernel splat in the console log"
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
