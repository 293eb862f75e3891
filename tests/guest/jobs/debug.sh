#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make check-debug`, in the sanitizer VM: the job of `make check`
# (jobs/check.sh) unchanged, then the fail-nth fault sweep.  kmemleak starts
# clean and must find no leak after each.  KASAN, UBSAN and lockdep report
# on the console, which the tier scans (tests/tiers, tests/reports).  Last,
# the gcov data of all of it, for the coverage report (/gcov.sh).
km=/sys/kernel/debug/kmemleak
status=0

# One leak is 6.1's own, not the driver's: when kset_register() fails inside
# class_create(), __class_register() frees the class but not the name
# kobject_set_name() gave it (drivers/base/class.c; LKML, Oct 2022: "kset:
# fix memory leak when kset_register() returns error").  The fault sweep
# makes exactly that call fail.  Such a report is shown, and not counted.
# shellcheck disable=SC2317 # known_leaks, no_leaks: run by ktap_case
known_leaks() {
	grep -A1 'kobject_set_name+' "$km" | grep -c '__class_register+'
}

# no_leaks: a case, kmemleak found nothing since the last one
# shellcheck disable=SC2317
no_leaks() {
	sleep 6		# kmemleak reports only objects older than 5 s
	if ! { echo scan >"$km" && echo scan >"$km"; } 2>/dev/null; then
		echo "# kmemleak: cannot scan (kmemleak disabled?)"
		return 1
	fi
	all=$(grep -c 'unreferenced object' "$km")
	known=$(known_leaks)
	if [ "$all" -gt 0 ]; then
		sed 's/^/# /' "$km"
		echo clear >"$km"
		echo "# $all unreferenced, $known of them the known 6.1 leak"
	fi
	[ "$all" -le "$known" ]
}

now() { cut -d. -f1 /proc/uptime; }

# shellcheck source=tests/guest/ktap.sh
. /ktap.sh
ktap_plan 5
echo clear >"$km" || status=1
t0=$(now)
ktap_run check sh /jobs/check.sh
ktap_case kmemleak.none_after_suite no_leaks
t1=$(now)
ktap_run faults /faults
ktap_case kmemleak.none_after_faults no_leaks
echo "# suite $((t1 - t0)) s, fault sweep $(($(now) - t1)) s"
ktap_case gcov_data sh /gcov.sh
exit "$status"
