#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make check-kcsan`, in the KCSAN VM on 2 vCPUs: the suite, then
# the concurrency stress for hello.stress_seconds=N seconds (default 20).
# KCSAN reports on the console, which the tier scans (tests/tiers,
# tests/reports); its counters are shown before and after.
counters() {
	echo "# kcsan $1: $(paste -sd ' ' /sys/kernel/debug/kcsan)"
}
status=0
counters "before the suite"
/suite || status=1
/stress -t "${hello_stress_seconds:-20}" || status=1
counters "after the stress"
exit $status
