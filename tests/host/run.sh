#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: run.sh TIER...   (rows of tests/tiers)
# The one VM pipeline.  For each kernel of each tier: provide the kernel
# (tests/host/kernel.sh), build the module, the floor device and the tier's
# variants of the module with W=1 and 0 warnings (once per kernel and run),
# build the guest programs for its arch, pack tests/guest and
# tests/bench-baseline into an initramfs, boot it under TCG with the tier's
# job (told hello.kernel=ROW hello.cpu=CPU), count the TAP results, decode
# how the VM ended and scan its console for the tier's reports.  Prints
# every case, ends with "N passed, N failed", exits non-zero on any
# failure.  Outputs in build/TIER/ID/ (ID/result: "NAME PASSED FAILED
# SECONDS DATE" for that kernel); the modules in build/modules/ID/.
#   HELLO_KERNELS="A B"   these kernels instead of the tier's
#   HELLO_BOOT_ARGS=...   more kernel arguments (the last word wins)
#   HELLO_LIMIT=S         another time limit for each boot
#   HELLO_KO_DIR=DIR      boot DIR/ID/hello_kmalloc.ko instead of building it
#   HELLO_STOP_ON=TEXT    stop a VM as soon as the case TEXT has failed
#                         (stop_on below; a mutant needs no more)
# A module built with gcov (tests/tiers, module) has its coverage reported
# after the run (tests/host/coverage.sh).
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
	root=$out.root
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp}
	cp "$busybox" "$root/bin/busybox"
	cp tests/guest/init "$root/init"
	cp -r tests/guest/*.sh tests/guest/jobs "build/guest/$arch"/* "$@" \
		"$root/"
	# shellcheck disable=SC2016 # the chroot's shell expands them
	pinned cpio sh -c 'cd "$1" && find . | cpio --quiet -o -H newc |
		gzip -1' sh "$(realpath "$root")" >"$out"
	rm -rf "$root"
}

# variants: the names in the tier's table of variants, tests/variants/
variants() {
	[ "$variants" = - ] ||
		awk -F'\t' '!/^#/ && NF && !seen[$1]++ { print $1 }' \
			"tests/variants/$variants.txt"
}

# variant NAME OUT KDIR [MAKE ARGS]: the driver with the substitutions of
# NAME's rows in the tier's table applied in order, built in OUT and
# copied to OUT.ko; fails if a substitution changes nothing
variant() {
	local name=$1 out=$2 kdir=$3 src=$2.src v subst
	shift 3
	rm -rf "$src"
	mkdir -p "$src"
	cp -r Kbuild hello_kmalloc.c include "$src/"
	while IFS=$'\t' read -r v subst; do
		[ "$v" = "$name" ] || continue
		cp "$src/hello_kmalloc.c" "$out.orig"
		perl -0pi -e "$subst" "$src/hello_kmalloc.c"
		if cmp -s "$src/hello_kmalloc.c" "$out.orig"; then
			echo "variant $name: $subst changes nothing" >"$out.log"
			return 1
		fi
	done <"tests/variants/$variants.txt"
	module_build "$src" "$out" "$kdir" "$@" modules &&
		cp "$out/hello_kmalloc.ko" "$out.ko"
}

# boot ARCH MODEL CPU MEM IMAGE INITRD CONSOLE LIMIT ARGS: the job's
# output on stdout, the console in CONSOLE, MEM of memory (qemu -m), the
# guest's CPU qemu's MODEL (tests/arches).  Returns 0 if
# the job ran to its end and passed, 1 if it failed, 2 if the VM died or
# hung (killed at LIMIT s).
#   x86_64: console ttyS0 (unless ARGS name one: console=, earlycon=),
#           the job's output on ttyS1, its status through the
#           isa-debug-exit port (qemu exits 2 * byte + 1)
#   arm64:  qemu's virt board: console on the PL011, the job's output on
#           virtio console hvc0, its status as a line "status N" on hvc1
# CPU tcg: 2 vCPUs, as qemu's default of 2 cores in one socket: the BIOS's
# MP table lists one CPU per socket, so a kernel without ACPI (tinyconfig)
# runs on one; mttcg: 2 vCPUs on 2 sockets, each on a host thread of its
# own (thread=multi, or qemu fails): both run at the same time, which
# KCSAN's watchpoints need; exact: 1 vCPU and -icount shift=0, so the
# guest clock advances one nanosecond per instruction.
boot() {
	local arch=$1 model=$2 cpu=$3 mem=$4 image=$5 initrd=$6 log=$7 limit=$8
	local args="panic=-1 oops=panic panic_on_warn=1 $9" status accel=tcg rc
	local qemu
	status=$(mktemp)
	case $arch in
	x86_64)	qemu=(qemu-system-x86_64 -cpu "$model"
		      -serial "file:$log" -serial stdio
		      -device isa-debug-exit,iobase=0xf4,iosize=0x04)
		case " $args " in
		*" console="* | *" earlycon="*) ;;	# the tier's own
		*) args="console=ttyS0 $args" ;;
		esac
		# TCG offers no IA32_ARCH_CAPABILITIES, so Linux takes the
		# guest's Intel CPU for one Meltdown hits and isolates the
		# page tables (PTI): each system call then switches them, and
		# TCG flushes its TLB.  The fuzzer ran 3.3 times slower (6.1,
		# 200,000 ops: 7,730 ops/s with PTI, 25,652 without).  CPUs
		# sold today are not affected, and PTI is no part of what the
		# driver does.
		args="pti=off $args"
		# With 2 vCPUs under TCG, one can run code the other is
		# patching (text_poke_bp()) and die of a stale int3 ("Oops:
		# int3"), as Debian's 6.12 and 7.2 did at boot when
		# "sched_clock: Marking stable" turned __sched_clock_stable on
		# in hot code.  An unstable TSC keeps that key off from the
		# start; the clock is the HPET, found through ACPI (a
		# tinyconfig kernel has neither and counts jiffies, on one CPU
		# in this mode).  Not for mttcg, whose tinyconfig kernels run
		# on 2 CPUs: they keep the TSC, a finer clock than jiffies.
		[ "$cpu" != tcg ] || args="tsc=unstable $args" ;;
	arm64)	qemu=(qemu-system-aarch64 -M virt -cpu "$model"
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
	timeout -k 5 "$limit" "${qemu[@]}" -accel "$accel" -m "$mem" -nographic \
		-no-reboot -monitor none -kernel "$image" -initrd "$initrd" \
		-pidfile "${log%/*}/qemu.pid" -append "$args" </dev/null || rc=$?
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

# stop_on TEXT OUT: kills the VM booting in OUT (its qemu.pid) once its
# results.tap has a failed case whose line holds TEXT (any, for TEXT
# empty) or, for TEXT naming a console report case ("no NAME report ..."),
# once its console.log shows NAME's regex after the job's start; returns
# when the VM has ended (OUT/vm.ended) either way
stop_on() {
	local text=$1 out=$2 name within=- re=
	case $text in
	"no "*" report"*)
		name=${text#no }
		read -r _ within re <<<"$(row tests/reports "${name%% *}")" ;;
	esac
	# the report, and the string it must hold (tests/reports), if any
	reported() {
		sed -n '/hello-vm: job start/,$p' "$out/console.log" 2>/dev/null |
			grep -E -A80 -- "$re" | grep -qF -- "${within#-}"
	}
	while sleep 2 && [ ! -e "$out/vm.ended" ]; do
		if grep '^not ok' "$out/results.tap" 2>/dev/null |
			grep -qF -- "$text" || { [ -n "$re" ] && reported; }; then
			sleep 3		# the rest of the report
			echo "# stopping the VM: ${text:-a case} failed"
			kill "$(cat "$out/qemu.pid")" 2>/dev/null || true
			return
		fi
	done
}

# kernel TIER NAME: every case of one kernel in one tier (sets out=, its
# output directory)
declare -A built	# what this run has built: ID, ID/TABLE/VARIANT
kernel() {
	local tier=$1 name=$2 arch karch cross debarch image qemu model build info id
	local kdir mods kbuild busybox vm v kos make more line
	local mbuild=()
	if ! line=$(row tests/kernels "$name"); then
		result fail "$name: a kernel of tests/kernels"
		return
	fi
	read -r _ arch make _ <<<"$line"
	read -r _ karch cross debarch image qemu model build \
		<<<"$(row tests/arches "$arch")"
	[ "$qemu" = - ] || bash tests/host/deps.sh "$qemu"
	[ "$build" != - ] || build=
	echo "# == $tier: $name: the kernel and its build tree"
	if ! info=$(bash tests/host/kernel.sh "$name"); then
		result fail "$name: kernel and build tree"
		return
	fi
	read -r id image kdir <<<"$info"
	out=build/$tier/$id
	mkdir -p "$out"
	kbuild=("ARCH=$karch")
	[ "$cross" = - ] || kbuild+=("CROSS_COMPILE=$cross")
	if [ "$make" != - ]; then
		read -ra more <<<"${make//,/ }"
		kbuild+=("${more[@]}")
	fi
	[ "$module" = - ] || read -ra mbuild <<<"${module//,/ }"

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
	# built once a run, for every tier that boots this kernel with the
	# same module arguments
	mods=build/modules/$id/$module
	if [ -z "${built[$mods]:-}" ]; then
		echo "# == $tier: $id: building the modules (W=1)"
		if [ -n "${HELLO_KO_DIR:-}" ]; then
			mkdir -p "$mods/module"
			if ! cp "$HELLO_KO_DIR/$id/hello_kmalloc.ko" "$mods/module/"
			then
				result fail "$id: a module in $HELLO_KO_DIR/$id"
				return
			fi
		elif module_build . "$mods/module" "$kdir" "${kbuild[@]}" \
			"${mbuild[@]}" modules; then
			result ok "$id: module builds with W=1 and 0 warnings"
		else
			result fail "$id: module builds with W=1 and 0 warnings" "$mods/module.log"
			return
		fi
		if ! module_build tests/floor "$mods/floor" "$kdir" \
			"${kbuild[@]}" "${mbuild[@]}" modules; then
			result fail "$id: the floor device builds with W=1 and 0 warnings" "$mods/floor.log"
			return
		fi
		built[$mods]=1
	fi
	kos=("$mods/module/hello_kmalloc.ko" "$mods/floor/hello_floor.ko")
	for v in $(variants); do
		if [ -z "${built[$id/$variants/$v]:-}" ] &&
			! variant "$v" "$mods/$variants/$v" "$kdir" "${kbuild[@]}"
		then
			result fail "$id: variant $v: its substitutions apply, it builds with W=1 and 0 warnings" "$mods/$variants/$v.log"
			return
		fi
		built[$id/$variants/$v]=1
		kos+=("$mods/$variants/$v.ko")
	done
	pinned "build-essential ${build//,/ }" make -s guest GUEST_ARCH="$arch" \
		KSFT_DIR="$(bash tests/host/kernel-tools.sh)/tools/testing/selftests"
	busybox=$(bash tests/host/busybox.sh "$debarch")
	initramfs "$out/initrd.gz" "$arch" "$busybox" "${kos[@]}" \
		tests/bench-baseline

	echo "# == $tier: $id: booting (TCG, $cpu), job $job"
	rm -f "$out/results.tap" "$out/console.log" "$out/qemu.pid" \
		"$out/vm.ended"
	[ -z "${HELLO_STOP_ON+set}" ] || stop_on "$HELLO_STOP_ON" "$out" &
	boot "$arch" "$model" "$cpu" "$mem" "$image" "$out/initrd.gz" \
		"$out/console.log" "$limit" \
		"hello.kernel=$name hello.cpu=$cpu $args" | tee "$out/results.tap"
	vm=${PIPESTATUS[0]}
	: >"$out/vm.ended"
	wait
	tap_count "$out/results.tap"
	result "$([ "$missing" = 0 ] && [ "$reported" -gt 0 ] && echo ok || echo fail)" \
		"$id: every planned case reported ($missing missing)"
	result "$([ "$vm" -lt 2 ] && echo ok || echo fail)" \
		"$id: the VM finished its job and powered off"
	[ "$reports" = - ] || console_scan "$out/console.log" "$id" "$reports"
	if compgen -G "$mods/module/*.gcno" >/dev/null; then
		bash tests/host/coverage.sh "$id" "$out/results.tap" \
			"$mods/module" | tee "$out/coverage.tap"
		tap_count "$out/coverage.tap"
	fi
}

for tier in "$@"; do
	if ! line=$(row tests/tiers "$tier"); then
		result fail "$tier: a tier of tests/tiers"
		continue
	fi
	read -r _ kernels job limit cpu mem module reports variants args \
		<<<"$line"
	[ "$args" != - ] || args=
	args="hello.job=$job $args ${HELLO_BOOT_ARGS:-}"
	limit=${HELLO_LIMIT:-$limit}
	for name in ${HELLO_KERNELS:-${kernels//,/ }}; do
		p0=$pass f0=$fail start=$SECONDS out=
		kernel "$tier" "$name"
		echo "# == $tier: $name: $((SECONDS - start)) s"
		# what tests/host/kernels-doc.sh tabulates
		[ -z "$out" ] || echo "$name $((pass - p0)) $((fail - f0))" \
			"$((SECONDS - start)) $(date -u +%F)" >"$out/result"
	done
done
summary
