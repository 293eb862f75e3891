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
# shellcheck disable=SC2317 # run by ktap_case
two_cpus() {
	echo "# online CPUs: $(cat /sys/devices/system/cpu/online)"
	[ "$(cat /sys/devices/system/cpu/online)" = 0-1 ]
}
# shellcheck source=tests/guest/ktap.sh
. /ktap.sh
ktap_plan 3
ktap_case kcsan.two_cpus two_cpus
counters "before the suite"
ktap_run suite /suite
ktap_run stress /stress -t "${hello_stress_seconds:-20}"
counters "after the stress"
exit "$status"
