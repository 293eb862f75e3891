#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make check-kcsan`, in the KCSAN VM on 2 vCPUs: the suite, then
# the concurrency stress for hello.stress_seconds=N seconds (default 20).
# KCSAN reports on the console, which the tier scans (tests/tiers,
# tests/reports); its counters are shown before and after.  On one CPU it
# sees no race at all (docs/kcsan.md): a case says there are two.
counters() {
	echo "# kcsan $1: $(paste -sd ' ' /sys/kernel/debug/kcsan)"
}
status=0
echo "1..1"
if [ "$(cat /sys/devices/system/cpu/online)" = 0-1 ]; then
	echo "ok 1 kcsan: the kernel runs on 2 CPUs"
else
	echo "not ok 1 kcsan: the kernel runs on 2 CPUs (online:" \
		"$(cat /sys/devices/system/cpu/online))"
	status=1
fi
counters "before the suite"
/suite || status=1
/stress -t "${hello_stress_seconds:-20}" || status=1
counters "after the stress"
exit $status
