#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: run.sh TIER...   (rows of tests/tiers)
# The one VM pipeline.  For each kernel of each tier: provide the kernel
# (tests/host/kernel.sh), build the module and the floor device with W=1
# and 0 warnings, build the guest programs for its arch, pack tests/guest
# into an initramfs, boot it under TCG with the tier's job, count the TAP
# results, decode how the VM ended and scan its console for the tier's
# reports.  Prints every case, ends with "N passed, N failed", exits
# non-zero on any failure.  Outputs in build/TIER/ID/.
#   HELLO_KERNELS="A B"   these kernels instead of the tier's
#   HELLO_BOOT_ARGS=...   more kernel arguments (the last word wins)
#   HELLO_LIMIT=S         another time limit for each boot
#   HELLO_KO_DIR=DIR      boot DIR/ID/hello_kmalloc.ko instead of building it
# shellcheck disable=SC2054 # commas in qemu options, not array separators
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
bash tests/host/deps.sh

# initramfs OUT ARCH BUSYBOX FILE...: BUSYBOX, tests/guest's init,
# scripts and jobs, the guest programs built for ARCH, and each FILE
initramfs() {
	local out=$1 arch=$2 busybox=$3 root
	shift 3
	root=$(mktemp -d)
	mkdir -p "$root"/{bin,dev,proc,sys,tmp}
	cp "$busybox" "$root/bin/busybox"
	cp tests/guest/init "$root/init"
	cp -r tests/guest/*.sh tests/guest/jobs "build/guest/$arch"/* "$@" \
		"$root/"
	(cd "$root" && find . | cpio --quiet -o -H newc | gzip -1) >"$out"
	rm -rf "$root"
}

# boot ARCH CPU IMAGE INITRD CONSOLE LIMIT ARGS: the job's output on
# stdout, the console in CONSOLE.  Returns 0 if the job ran to its end and
# passed, 1 if it failed, 2 if the VM died or hung (killed at LIMIT s).
#   x86_64: console ttyS0, the job's output on ttyS1, its status through
#           the isa-debug-exit port (qemu exits 2 * byte + 1)
#   arm64:  qemu's virt board: console on the PL011, the job's output on
#           virtio console hvc0, its status as a line "status N" on hvc1
# CPU tcg: 2 vCPUs, as qemu's default of 2 cores in one socket: the BIOS's
# MP table lists one CPU per socket, so a kernel without ACPI (tinyconfig)
# runs on one; mttcg: 2 vCPUs on 2 sockets, each on a host thread of its
# own (thread=multi, or qemu fails): both run at the same time, which
# KCSAN's watchpoints need; exact: 1 vCPU and -icount shift=0, so the
# guest clock advances one nanosecond per instruction.
boot() {
	local arch=$1 cpu=$2 image=$3 initrd=$4 log=$5 limit=$6 rc qemu
	local args="panic=-1 oops=panic panic_on_warn=1 $7" status accel=tcg
	status=$(mktemp)
	case $arch in
	x86_64)	qemu=(qemu-system-x86_64 -cpu max
		      -serial "file:$log" -serial stdio
		      -device isa-debug-exit,iobase=0xf4,iosize=0x04)
		args="console=ttyS0 $args" ;;
	arm64)	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a72
		      -serial "file:$log"
		      -device virtio-serial-device
		      -chardev stdio,id=out -device virtconsole,chardev=out
		      -chardev "file,id=status,path=$status"
		      -device virtconsole,chardev=status)
		args="console=ttyAMA0 hello.out=/dev/hvc0 hello.status=/dev/hvc1 $args" ;;
	esac
	case $cpu in
	tcg)	qemu+=(-smp 2) ;;
	mttcg)	qemu+=(-smp 2,sockets=2)
		accel=tcg,thread=multi ;;
	exact)	qemu+=(-smp 1 -icount shift=0,sleep=off) ;;
	esac
	rc=0
	timeout -k 5 "$limit" "${qemu[@]}" -accel "$accel" -m 1G -nographic \
		-no-reboot -monitor none -kernel "$image" -initrd "$initrd" \
		-append "$args" </dev/null || rc=$?
	if [ "$rc" = 0 ] && [ "$arch" = arm64 ]; then
		case $(tr -d '\r' <"$status" | sed -n 's/^status //p') in
		0) rc=1 ;;
		[1-9]*) rc=3 ;;
		esac
	fi
	rm -f "$status"
	case $rc in
	1) return 0 ;;
	3) return 1 ;;
	124) echo "# VM killed after ${limit}s: hung" ;;
	*) echo "# VM ended without reporting (status $rc): panic or crash" ;;
	esac
	return 2
}

# kernel TIER NAME: every case of one kernel in one tier
kernel() {
	local tier=$1 name=$2 arch karch cross debarch image packages info id
	local kdir cc out kbuild busybox=/bin/busybox vm
	read -r _ arch _ <<<"$(row tests/kernels "$name")" ||
		{ result fail "$name: a kernel of tests/kernels"; return; }
	read -r _ karch cross debarch image packages \
		<<<"$(row tests/arches "$arch")"
	# shellcheck disable=SC2086	# a word list
	bash tests/host/deps.sh $packages
	echo "# == $tier: $name: the kernel and its build tree"
	if ! info=$(bash tests/host/kernel.sh "$name"); then
		result fail "$name: kernel and build tree"
		return
	fi
	read -r id image kdir cc <<<"$info"
	out=build/$tier/$id
	mkdir -p "$out"
	kbuild=("ARCH=$karch")
	[ "$cross" = - ] || kbuild+=("CROSS_COMPILE=$cross")
	[ "$cc" = - ] || kbuild+=("CC=$cc")

	# a tree without Module.symvers (modules_prepare) cannot link it
	if [ "$image" = - ]; then
		if module_build . "$out/module" "$kdir" "${kbuild[@]}" \
			hello_kmalloc.o; then
			result ok "$id: module compiles (not linked) with W=1 and 0 warnings"
		else
			result fail "$id: module compiles (not linked) with W=1 and 0 warnings" "$out/module.log"
		fi
		return
	fi
	echo "# == $tier: $id: building the modules (W=1)"
	if [ -n "${HELLO_KO_DIR:-}" ]; then
		mkdir -p "$out/module"
		cp "$HELLO_KO_DIR/$id/hello_kmalloc.ko" "$out/module/"
	elif module_build . "$out/module" "$kdir" "${kbuild[@]}" modules; then
		result ok "$id: module builds with W=1 and 0 warnings"
	else
		result fail "$id: module builds with W=1 and 0 warnings" "$out/module.log"
		return
	fi
	if ! module_build tests/floor "$out/floor" "$kdir" "${kbuild[@]}" \
		modules; then
		result fail "$id: the floor device builds with W=1 and 0 warnings" "$out/floor.log"
		return
	fi
	make -s guest GUEST_ARCH="$arch"
	[ "$debarch" = "$(dpkg --print-architecture)" ] ||
		busybox=$(bash tests/host/busybox.sh "$debarch")
	initramfs "$out/initrd.gz" "$arch" "$busybox" \
		"$out/module/hello_kmalloc.ko" \
		"$out/floor/hello_floor.ko"

	echo "# == $tier: $id: booting (TCG, $cpu), job $job"
	boot "$arch" "$cpu" "$image" "$out/initrd.gz" "$out/console.log" \
		"$limit" "$args" | tee "$out/results.tap"
	vm=${PIPESTATUS[0]}
	tap_count "$out/results.tap"
	result "$([ "$missing" = 0 ] && [ "$reported" -gt 0 ] && echo ok || echo fail)" \
		"$id: every planned case reported ($missing missing)"
	result "$([ "$vm" -lt 2 ] && echo ok || echo fail)" \
		"$id: the VM finished its job and powered off"
	[ "$reports" = - ] || console_scan "$out/console.log" "$id" "$reports"
}

for tier in "$@"; do
	read -r _ kernels job limit cpu reports args <<<"$(row tests/tiers "$tier")" ||
		{ result fail "$tier: a tier of tests/tiers"; continue; }
	[ "$args" != - ] || args=
	args="hello.job=$job $args ${HELLO_BOOT_ARGS:-}"
	limit=${HELLO_LIMIT:-$limit}
	for name in ${HELLO_KERNELS:-${kernels//,/ }}; do
		kernel "$tier" "$name"
	done
done
summary
