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
known_leaks() {
	grep -A1 'kobject_set_name+' $km | grep -c '__class_register+'
}

# no_leaks WHEN: one TAP case, kmemleak found nothing since the last one
no_leaks() {
	echo "1..1"
	sleep 6		# kmemleak reports only objects older than 5 s
	if ! { echo scan >$km && echo scan >$km; } 2>/dev/null; then
		echo "not ok 1 kmemleak: scan $1 (kmemleak disabled?)"
		return 1
	fi
	all=$(grep -c 'unreferenced object' $km)
	known=$(known_leaks)
	if [ "$all" -gt 0 ]; then
		sed 's/^/# /' $km
		echo clear >$km
		echo "# $all unreferenced, $known of them the known 6.1 leak"
	fi
	if [ "$all" -gt "$known" ]; then
		echo "not ok 1 kmemleak: no unreferenced object $1"
		return 1
	fi
	echo "ok 1 kmemleak: no unreferenced object $1"
}

now() { cut -d. -f1 /proc/uptime; }

echo clear >$km || status=1
t0=$(now)
sh /jobs/check.sh || status=1
no_leaks "after the suite" || status=1
t1=$(now)
/faults || status=1
no_leaks "after the fault sweep" || status=1
echo "# suite $((t1 - t0)) s, fault sweep $(($(now) - t1)) s"
sh /gcov.sh || status=1
exit $status
