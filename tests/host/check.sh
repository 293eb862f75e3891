#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: for each Debian kernel, build the module with W=1 against its
# headers and boot the session and the suite in it.  Prints every case and
# ends with "N passed, N failed"; exits non-zero on any failure.
# HELLO_KERNELS may also name arm64 (cross-built from linux-source, booted
# in qemu's virt board: `make check-arm64`) and arm (32-bit, the W=1 build
# only).
set -eu
cd "$(dirname "$0")/../.."
kernels=${HELLO_KERNELS:-linux-image-amd64 linux-image-6.12-amd64}
# HELLO_BOOT_ARGS adds kernel arguments, e.g. hello.fuzz_ops=N
boot_args="init_on_alloc=0 slub_debug=FZPU ${HELLO_BOOT_ARGS:-}"
splat='BUG|WARNING|Oops|Call Trace|Redzone|Poison|KFENCE|UBSAN|Kernel panic|general protection'

# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh

bash tests/host/deps.sh

for meta in $kernels; do
	# per kind of kernel: where it comes from, make's cross-compile
	# variables and target for the module (arm's tree has no
	# Module.symvers, so its module is compiled, not linked), the machine
	# qemu emulates ('': not booted), the make target and directory of the
	# static test programs, and boot arguments of its own (the fuzzer's
	# operation count is sized to TCG's speed)
	args=$boot_args build=module-for made="module builds"
	case $meta in
	arm64)	fetch=tests/host/kernel-arm.sh qemu=arm64
		cross="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"
		bins=vm-bins-arm64 bindir=build/vm-arm64
		args="$args hello.fuzz_ops=${HELLO_FUZZ_OPS_ARM64:-1000000}"
		bash tests/host/deps.sh qemu-system-arm gcc-aarch64-linux-gnu \
			libc6-dev-arm64-cross ;;
	arm)	fetch=tests/host/kernel-arm.sh qemu='' bins='' bindir=''
		cross="ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-"
		build=object-for made="module compiles (not linked)" ;;
	*)	fetch=tests/host/kernel.sh qemu=x86_64 cross=''
		bins=vm-bins bindir=build/vm ;;
	esac
	echo "# == $meta: fetching kernel and headers"
	if ! info=$(bash "$fetch" "$meta"); then
		result fail "$meta: fetch kernel and headers"
		continue
	fi
	read -r abi vmlinuz kdir <<<"$info"
	out=build/$abi

	echo "# == $abi: building hello_kmalloc.ko (W=1)"
	mkdir -p "$out"
	# shellcheck disable=SC2086
	if make -s "$build" KDIR="$kdir" OUT="$out" $cross \
		>"$out.build.log" 2>&1 &&
		! grep -q 'warning:' "$out.build.log"; then
		result ok "$abi: $made with W=1 and 0 warnings"
	else
		cat "$out.build.log"
		result fail "$abi: $made with W=1 and 0 warnings"
		continue
	fi

	[ -n "$qemu" ] || continue	# built, not booted

	make -s "$bins"
	busybox=/bin/busybox
	[ "$qemu" = x86_64 ] || busybox=$(bash tests/host/busybox.sh "$qemu")
	HELLO_BUSYBOX=$busybox bash tests/host/initramfs.sh "$out/initrd.gz" \
		tests/guest/jobs/check.sh "$out/hello_kmalloc.ko" \
		"$bindir/suite" "$bindir/hello_test" "$bindir/fuzz" \
		"$bindir/stress" "$bindir/bench" tests/guest/session.sh
	echo "# == $abi: booting (TCG), the suite follows"
	HELLO_ARCH=$qemu bash tests/host/boot.sh "$vmlinuz" "$out/initrd.gz" \
		"$out/console.log" 600 "$args" | tee "$out/results.tap"
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

summary
