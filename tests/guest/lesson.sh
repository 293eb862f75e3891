#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# Usage: lesson.sh leak|default
# What the driver's allocation lines are for, shown with variants of it
# that tests/host/run.sh builds from tests/variants/lesson.txt (/NAME.ko):
#   leak     booted with init_on_alloc=0: act 2, the original lesson's
#            driver hands one process's data to the next; act 3, each fix
#            on its own, then the shipped driver; the slab class
#   default  booted as Debian boots (init_on_alloc=1): act 2 again
# A transcript: commands, their output, a line or two on each, and a TAP
# case for each thing it expects (docs/lesson.md tells the story).
cd / || exit 1
# shellcheck source=tests/guest/transcript.sh
. ./transcript.sh
secret="my secret password 2"
ev=/sys/kernel/tracing/events/kmem/kmalloc
trace=/sys/kernel/tracing/trace
slab="grep -e '^# name' -e '^kmalloc-cg-96 ' /proc/slabinfo"

# shellcheck disable=SC2317 # bytes, same_object: judge eval()s them
# bytes FROM COUNT: how many of those bytes of what cat read are not zero
bytes() {
	dd if=/tmp/read bs=1 skip="$1" count="$2" 2>/dev/null |
		tr -d '\000' | wc -c
}

# shellcheck disable=SC2317
# same_object: the trace has two opens, tee's then cat's, at one address
same_object() {
	[ "$(grep -c . /tmp/opens)" = 2 ] &&
		grep -q '^ *tee-' /tmp/opens &&
		[ "$(sed -n '2s/^ *\(cat\)-.*/\1/p' /tmp/opens)" = cat ] &&
		[ "$(grep -o ' ptr=[0-9a-f]*' /tmp/opens | sort -u | wc -l)" = 1 ]
}

# round NAME: load /NAME.ko; tee writes the secret and exits; cat, another
# process, opens the device anew and reads; the trace shows which object
# each open got, and the first case judges that
round() {
	show "insmod /$1.ko"
	echo >$trace
	show "echo \"$secret\" | tee /dev/hello0"
	show "cat /dev/hello0 >/tmp/read"
	show "od -A d -c /tmp/read"
	show "grep hello_open $trace"
	cp /tmp/out /tmp/opens
	judge "$1: cat's open got the object tee's had just freed" same_object
	rmmod hello_kmalloc || exit 1
}

# act2: its title, and how the kernel was booted
act2() {
	topic="act 2"
	echo "#"
	echo "# == Act 2: the original lesson's driver, kmalloc() in open() and kfree()"
	echo "# in release(): kmalloc-kfree.ko, hello_kmalloc.c with kmalloc() for"
	echo "# kzalloc() and kfree() for kfree_sensitive() (tests/variants/lesson.txt)"
	show "dmesg | grep 'mem auto-init'"
}

# pin: what the rounds rely on, said once, and the trace that shows it
pin() {
	taskset -p 1 $$ >/dev/null || exit 1
	echo "# Every command below runs on CPU 0 (taskset): SLUB hands an allocation"
	echo "# the object last freed on its CPU, unless another one of that size came"
	echo "# in between.  The kmalloc trace of each open shows the object it got:"
	show "echo 'bytes_req == 68' >$ev/filter && echo 1 >$ev/enable"
}

leak() {
	ktap_plan 12
	act2
	judge "booted with init_on_alloc=0 (heap alloc:off)" \
		"grep -q 'heap alloc:off' /tmp/out"
	echo "# heap alloc:off (init_on_alloc=0): kmalloc() returns an object as its"
	echo "# last owner left it.  Expect cat, another process, to read tee's secret."
	pin
	round kmalloc-kfree
	judge "kmalloc-kfree: cat, another process, reads the secret tee wrote" \
		"printf '%s\n' \"$secret\" | cmp -s -n 21 - /tmp/read"
	echo "# tee's close() freed its object with the secret in it; cat's open() got"
	echo "# the same object back from kmalloc(), unwiped.  The 8 bytes that are"
	echo "# neither the secret nor zero are SLUB's own: in a free object it keeps"
	echo "# the (encoded) address of the next one (on 6.1 at half the object's 96"
	echo "# bytes, 48, which is buf[44] after the lock)."

	topic="act 3"
	echo "#"
	echo "# == Act 3: each fix on its own, then both (the shipped driver)"
	echo "# kmalloc-kfree_sensitive.ko: kmalloc() still, but release() wipes the"
	echo "# whole 96-byte object before freeing it.  Expect zeros where the secret"
	echo "# stood, and at most SLUB's free pointer, written after the wipe."
	round kmalloc-kfree_sensitive
	judge "kmalloc-kfree_sensitive: nothing of the secret is left: it was wiped" \
		"! grep -q secret /tmp/read"
	judge "kmalloc-kfree_sensitive: at most 8 bytes are not zero: SLUB's pointer" \
		"[ \$(bytes 0 64) -le 8 ]"
	echo "# kzalloc-kfree.ko: kzalloc() zeroes the object at open(), but plain kfree()"
	echo "# leaves tee's secret in the freed object until its next owner overwrites"
	echo "# it (here cat's kzalloc()); any kmalloc() user could read it first (act 2)."
	echo "# Expect 64 zero bytes."
	round kzalloc-kfree
	judge "kzalloc-kfree: cat reads 64 zero bytes" \
		"head -c 64 /dev/zero | cmp -s - /tmp/read"
	echo "# hello_kmalloc.ko, as shipped: kzalloc() and kfree_sensitive().  Expect"
	echo "# 64 zero bytes, and nothing of tee's left in freed memory."
	round hello_kmalloc
	judge "hello_kmalloc: cat reads 64 zero bytes" \
		"head -c 64 /dev/zero | cmp -s - /tmp/read"

	topic="slab class"
	echo "#"
	echo "# == The slab class.  The trace above: open() asks for bytes_req=68 (the"
	echo "# 4-byte lock and the 64-byte buffer) and gets bytes_alloc=96, the next"
	echo "# kmalloc size; GFP_KERNEL_ACCOUNT charges it to the opener's memory cgroup"
	echo "# (accounted=true), so it comes from kmalloc-cg-96, not kmalloc-96."
	judge "an open's object: 68 bytes asked, 96 given, accounted" \
		"grep -q 'bytes_req=68 bytes_alloc=96 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO .*accounted=true' /tmp/opens"
	echo "# Expect 1,000 files held open at once (/hold) to take 1,000 objects there:"
	insmod /hello_kmalloc.ko || exit 1
	show "$slab"
	show "/hold 1000 $slab"
	judge "1,000 opens held: kmalloc-cg-96 holds 1,000 objects or more, of 96 bytes" \
		"awk '\$1 == \"kmalloc-cg-96\" && \$2 >= 1000 && \$4 == 96 { ok = 1 }
			END { exit !ok }' /tmp/out"
	echo "# (SLUB counts each CPU's current slab as all in use: the count moves in"
	echo "# slabs of 42 objects, one 4 KiB page each, 42 * 96 = 4032 bytes.)"
	rmmod hello_kmalloc || exit 1
}

default() {
	ktap_plan 3
	act2
	judge "booted with init_on_alloc=1 (heap alloc:on), as Debian boots" \
		"grep -q 'heap alloc:on' /tmp/out"
	echo "# heap alloc:on: Debian builds its kernels with CONFIG_INIT_ON_ALLOC_DEFAULT_ON,"
	echo "# so every allocation is zeroed.  Expect 64 zero bytes: the same bug, hidden."
	pin
	round kmalloc-kfree
	judge "kmalloc-kfree: cat reads 64 zero bytes" \
		"head -c 64 /dev/zero | cmp -s - /tmp/read"
	echo "# The same object, but init_on_alloc=1 zeroed it in kmalloc(), as if the"
	echo "# driver had asked for __GFP_ZERO.  A kernel booted with init_on_alloc=0,"
	echo "# or built without that option, leaks it as before: the driver must zero."
}

case ${1:-} in
leak) leak ;;
default) default ;;
*) echo "usage: lesson.sh leak|default" >&2; exit 2 ;;
esac
exit "$status"
