#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make bench` and of make check's exact row: the benchmark with
# the floor device (tests/floor).  On cpu exact it counts instructions and
# holds the driver's own counts against /bench-baseline (hello.gate=0: not,
# as make bench-baseline runs it); hello.short=1 runs it short.
insmod /hello_floor.ko || exit 1
if [ "${hello_cpu:-}" = exact ]; then
	set -- --exact --kernel "${hello_kernel:--}"
	[ "${hello_gate:-1}" = 0 ] || set -- "$@" --gate /bench-baseline
else
	set -- --floor
fi
[ -z "${hello_short:-}" ] || set -- "$@" --short
exec /bench "$@"
