#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make kcsan-control`: KCSAN's own KUnit test (kcsan_test, built
# into the KCSAN kernel, run at boot with kunit.enable=1) is the control
# that KCSAN sees races in this VM at all.  Its results, from debugfs, are
# a KTAP document, nested here as they are; then a case that none of its
# test cases was skipped but test_barrier_nothreads, which needs weak
# memory modelling (KCSAN_STRICT only, "Test requires: reorder_access").
r=/sys/kernel/debug/kunit/kcsan/results

# shellcheck disable=SC2317 # results, no_skips: run by ktap_run/ktap_case
results() {
	if [ ! -r "$r" ]; then
		echo "# no KUnit results in $r (kunit.enable=1?)"
		return 1
	fi
	cat "$r"
	grep -q '^ok 1 kcsan' "$r"
}

# shellcheck disable=SC2317
no_skips() {
	skipped=$(grep '^    ok .*# SKIP' "$r" |
		grep -vc 'requires: reorder_access')
	echo "# $skipped test cases skipped"
	[ "$skipped" = 0 ]
}

# shellcheck source=tests/guest/ktap.sh
. /ktap.sh
ktap_plan 2
ktap_run kunit results
ktap_case kcsan.none_skipped no_skips
exit "$status"
