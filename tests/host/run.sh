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
#   HELLO_DRIVERS="A B"   these drivers (tests/tiers) instead of the tier's
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

# variant NAME TABLE OUT KDIR [MAKE ARGS]: the driver with the
# substitutions of NAME's rows in tests/variants/TABLE.txt applied in
# order, built in OUT and copied to OUT.ko; fails if one changes nothing
variant() {
	local name=$1 table=$2 out=$3 kdir=$4 src=$3.src v subst
	shift 4
	rm -rf "$src"
	mkdir -p "$src"
	cp -r Kbuild hello_kmalloc.c include "$src/"
	while IFS=$'\037' read -r v subst; do
		[ "$v" = "$name" ] || continue
		substitute "$src/hello_kmalloc.c" "$subst" >"$out.log" ||
			return 1
	done < <(rows "tests/variants/$table.txt")
	module_build "$src" "$out" "$kdir" "$@" modules &&
		cp "$out/hello_kmalloc.ko" "$out.ko"
}

# driver_build DRIVER OUT KDIR [MAKE ARGS]: the driver DRIVER (tests/tiers:
# a directory, or TABLE:NAME, a variant) built in OUT as hello_kmalloc.ko,
# its log in OUT.log
driver_build() {
	local driver=$1 out=$2 kdir=$3
	shift 3
	case $driver in
	*:*) variant "${driver#*:}" "${driver%%:*}" "$out" "$kdir" "$@" ;;
	*) module_build "$driver" "$out" "$kdir" "$@" modules ;;
	esac
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
# results.tap has a failed case named TEXT (any, for TEXT empty) or, for
# TEXT naming a console report case ("no NAME report ..."),
# once its console.log shows NAME's regex after the job's start (and 3 s
# more, for the rest of the report); returns when the VM has ended
# (OUT/vm.ended) either way.  It looks twice a second: the VM runs on
# until then, and a mutant's run needs nothing after its case.
stop_on() {
	local text=$1 out=$2 name within=- re=
	case $text in
	"no "*" report"*)
		name=${text#no }
		row tests/reports "${name%% *}" _ within re ;;
	esac
	# the report, and the string it must hold (tests/reports), if any
	reported() {
		sed -n '/hello-vm: job start/,$p' "$out/console.log" 2>/dev/null |
			grep -E -A80 -- "$re" | grep -qF -- "${within#-}"
	}
	while sleep 0.5 && [ ! -e "$out/vm.ended" ]; do
		if failed "$text" "$out/results.tap" ||
			{ [ -n "$re" ] && reported && sleep 3; }; then
			echo "# stopping the VM: ${text:-a case} failed"
			kill "$(cat "$out/qemu.pid")" 2>/dev/null || true
			return
		fi
	done
}

# suffix DRIVER: what names DRIVER's outputs: nothing for the C driver (.),
# -DIR for the one in DIR
suffix() {
	[ "$1" = . ] || echo "-${1/:/-}"
}

# The steps of one boot, a subtest "TIER NAME" of the run's document: each
# takes what it needs as arguments; what the run has built is kept in
# built[] (ID, ID/TABLE/VARIANT), so that tiers booting the same kernel
# with the same module arguments build once.
declare -A built

# modules OUT_ARRAY ID KDIR DRIVER MODULE JOB VARIANTS KBUILD...: the module
# (DRIVER: its directory, or TABLE:NAME, the variant NAME of the C driver
# in tests/variants/TABLE.txt; make arguments MODULE, comma-separated), for
# the job bench the floor device (jobs/bench.sh loads it), and each variant
# of the table VARIANTS, built in build/modules/ID/MODULE (/DRIVER added
# but for the C driver) with W=1 (a case each, once a run); OUT_ARRAY gets
# their .ko files.  Fails after a failed case.
modules() {
	local -n out_kos=$1
	local id=$2 kdir=$3 driver=$4 module=$5 job=$6 variants=$7 mods v
	local mbuild=()
	shift 7
	[ -z "$module" ] || read -ra mbuild <<<"${module//,/ }"
	mods=build/modules/$id/$module
	[ "$driver" = . ] || mods=$mods/${driver/:/-}
	if [ -z "${built[$mods]:-}" ]; then
		echo "${ktap_indent}# building the modules (W=1)"
		if [ -n "${HELLO_KO_DIR:-}" ]; then
			mkdir -p "$mods/module"
			if ! cp "$HELLO_KO_DIR/$id/hello_kmalloc.ko" \
				"$mods/module/"; then
				result fail "a module in \$HELLO_KO_DIR/$id"
				return 1
			fi
		elif driver_build "$driver" "$mods/module" "$kdir" "$@" \
			"${mbuild[@]}"; then
			result ok "module builds with W=1 and 0 warnings"
		else
			result fail "module builds with W=1 and 0 warnings" \
				"$mods/module.log"
			return 1
		fi
		built[$mods]=1
	fi
	out_kos=("$mods/module/hello_kmalloc.ko")
	if [ "$job" = bench ]; then
		if [ -z "${built[$mods/floor]:-}" ] &&
			! module_build tests/floor "$mods/floor" "$kdir" "$@" \
				"${mbuild[@]}" modules; then
			result fail "the floor device builds with W=1 and 0 warnings" \
				"$mods/floor.log"
			return 1
		fi
		built[$mods/floor]=1
		out_kos+=("$mods/floor/hello_floor.ko")
	fi
	[ -z "$variants" ] && return
	for v in $(rows "tests/variants/$variants.txt" | cut -d $'\037' -f1 |
		awk '!seen[$0]++'); do
		if [ -z "${built[$id/$variants/$v]:-}" ] &&
			! variant "$v" "$variants" "$mods/$variants/$v" "$kdir" "$@"
		then
			result fail "variant $v: its substitutions apply, it builds with W=1 and 0 warnings" \
				"$mods/$variants/$v.log"
			return 1
		fi
		built[$id/$variants/$v]=1
		out_kos+=("$mods/$variants/$v.ko")
	done
}

# vm TIER NAME ARCH OUT IMAGE KOS...: boots IMAGE with the tier's job and
# the modules KOS in its initramfs, the job's document nested as a subtest
# JOB of the boot's (results in OUT/results.tap, the console in
# OUT/console.log); then its cases: every planned case reported, the VM
# powered off, no report of the tier's on the console
vm() {
	local tier=$1 name=$2 arch=$3 out=$4 image=$5 job limit cpu mem reports
	local args model debarch status
	shift 5
	row tests/tiers "$tier" _ _ job limit cpu mem _ reports _ args
	row tests/arches "$arch" _ _ _ debarch _ _ model
	limit=${HELLO_LIMIT:-$limit}
	guest_build "$arch"
	initramfs "$out/initrd.gz" "$arch" "$(bash tests/host/busybox.sh \
		"$debarch")" "$@" tests/bench-baseline

	echo "${ktap_indent}# booting (TCG, $cpu), job $job"
	rm -f "$out/results.tap" "$out/console.log" "$out/qemu.pid" \
		"$out/vm.ended"
	[ -z "${HELLO_STOP_ON+set}" ] || stop_on "$HELLO_STOP_ON" "$out" &
	args="hello.job=$job hello.kernel=$name hello.cpu=$cpu $args"
	# arm64's virtio console ends its lines with \r\n: not in the results
	boot "$arch" "$model" "$cpu" "$mem" "$image" "$out/initrd.gz" \
		"$out/console.log" "$limit" "$args ${HELLO_BOOT_ARGS:-}" |
		sed -u 's/\r$//' | tee "$out/results.tap" |
		sed -u "s/^/$ktap_indent  /"
	status=${PIPESTATUS[0]}
	: >"$out/vm.ended"
	wait
	tap_count "$out/results.tap"
	# the job's result line; a leaf if it printed no case (as kunit.py
	# counts it)
	if [ "$reported" = 0 ]; then
		result "$([ "$status" = 0 ] && echo ok || echo fail)" "$job"
	else
		ktap_n=$((ktap_n + 1))
		echo "${ktap_indent}$([ "$status" = 0 ] || echo "not ")ok" \
			"$ktap_n $job"
	fi
	echo "${ktap_indent}# $missing planned cases not reported"
	result "$([ "$missing" = 0 ] && [ "$reported" -gt 0 ] && echo ok ||
		echo fail)" "every planned case reported"
	result "$([ "$status" -lt 2 ] && echo ok || echo fail)" \
		"the VM finished its job and powered off"
	[ -z "$reports" ] || console_scan "$out/console.log" "$reports"
}

# kernel TIER NAME DRIVER: every case of one kernel and driver in one tier,
# in build/TIER/ID (ID-DRIVER but for the C driver; the C driver's
# ID/result: what tests/host/kernels-doc.sh tabulates)
kernel() {
	local tier=$1 name=$2 driver=$3 arch make karch cross image qemu info id
	local kdir
	local out module job variants start=$SECONDS p0=$pass f0=$fail
	local kbuild=() kos=() more=()
	if ! row tests/kernels "$name" _ arch make; then
		result fail "$name is a kernel of tests/kernels"
		return
	fi
	row tests/arches "$arch" _ karch cross _ image qemu
	row tests/tiers "$tier" _ _ job _ _ _ module _ variants
	[ -z "$qemu" ] || bash tests/host/deps.sh "$qemu"
	echo "${ktap_indent}# the kernel and its build tree"
	if ! info=$(bash tests/host/kernel.sh "$name"); then
		result fail "the kernel and its build tree"
		return
	fi
	read -r id image kdir <<<"$info"
	out=build/$tier/$id$(suffix "$driver")
	mkdir -p "$out"
	kbuild=("ARCH=$karch")
	[ -z "$cross" ] || kbuild+=("CROSS_COMPILE=$cross")
	if [ -n "$make" ]; then
		read -ra more <<<"${make//,/ }"
		kbuild+=("${more[@]}")
	fi
	# a tree without Module.symvers (modules_prepare) cannot link it
	if [ "$image" = - ]; then
		if module_build . "$out/module" "$kdir" "${kbuild[@]}" \
			hello_kmalloc.o; then
			result ok "module compiles (not linked) with W=1 and 0 warnings"
		else
			result fail "module compiles (not linked) with W=1 and 0 warnings" \
				"$out/module.log"
		fi
	elif modules kos "$id" "$kdir" "$driver" "$module" "$job" "$variants" \
		"${kbuild[@]}"
	then
		vm "$tier" "$name" "$arch" "$out" "$image" "${kos[@]}"
		if compgen -G "build/modules/$id/$module/module/*.gcno" \
			>/dev/null; then
			bash tests/host/coverage.sh "$out/results.tap" \
				"build/modules/$id/$module/module" \
				>"$out/coverage.tap" || true
			ktap_nest coverage "$out/coverage.tap" 0
		fi
	fi
	echo "${ktap_indent}# $id: $((SECONDS - start)) s"
	[ "$driver" != . ] ||
		echo "$name $((pass - p0)) $((fail - f0))" \
			"$((SECONDS - start)) $(date -u +%F)" >"$out/result"
}

# same TIER NAME DRIVER...: one case, that each DRIVER's boot of kernel
# NAME in TIER ran the same cases
same() {
	local tier=$1 name=$2 id d cases n first=
	shift 2
	read -r id _ < <(bash tests/host/kernel.sh "$name")
	for d in "$@"; do
		cases=$(results "build/$tier/$id$(suffix "$d")/results.tap" | sort)
		n=$(grep -c . <<<"$cases" || true)
		if [ -z "$first" ]; then
			first=$cases
		elif [ "$cases" != "$first" ]; then
			diff <(echo "$first") <(echo "$cases") >"build/$tier/$id.same"
			result fail "$tier $name: every driver ran the same cases" \
				"build/$tier/$id.same"
			return
		fi
	done
	result ok "$tier $name: every driver ran the same $n cases"
}

# the run's document: a subtest for each kernel and driver of each tier,
# and for a tier of several drivers a case per kernel that they ran the
# same cases.  A driver is the directory of its source (tests/tiers).
tiers=("$@")
boots=0
for tier in "${tiers[@]}"; do
	names=("$tier") drivers=	# an unknown tier: one case
	! row tests/tiers "$tier" _ kernels _ _ _ _ _ _ _ _ drivers ||
		read -ra names <<<"${HELLO_KERNELS:-${kernels//,/ }}"
	n=$(wc -w <<<"${HELLO_DRIVERS:-${drivers//,/ }}")
	[ "$n" -gt 0 ] || n=1
	boots=$((boots + ${#names[@]} * (n + (n > 1))))
done
ktap_begin
ktap_plan "$boots"
for tier in "${tiers[@]}"; do
	drivers=
	if ! row tests/tiers "$tier" _ kernels _ _ _ _ _ _ _ _ drivers; then
		result fail "$tier is a tier of tests/tiers"
		continue
	fi
	read -ra drv <<<"${HELLO_DRIVERS:-${drivers//,/ }}"
	[ "${#drv[@]}" -gt 0 ] || drv=(.)
	for name in ${HELLO_KERNELS:-${kernels//,/ }}; do
		for d in "${drv[@]}"; do
			sub="$tier $name"
			[ "$d" = . ] || sub="$sub $d"
			ktap_sub "$sub"
			kernel "$tier" "$name" "$d"
			ktap_sub_end "$sub"
		done
		[ "${#drv[@]}" = 1 ] || same "$tier" "$name" "${drv[@]}"
	done
done
summary
