#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make kcsan-control`: KCSAN's own KUnit test (kcsan_test, built
# into the KCSAN kernel, run at boot with kunit.enable=1) is the control
# that KCSAN sees races in this VM at all.  Its results, from debugfs, as
# TAP: one case per test case, and one that none of them was skipped but
# test_barrier_nothreads, which needs weak memory modelling (KCSAN_STRICT
# only, "Test requires: reorder_access").
r=/sys/kernel/debug/kunit/kcsan/results
if [ ! -r $r ]; then
	echo "1..1"
	echo "not ok 1 kcsan: KUnit results in $r (kunit.enable=1?)"
	exit 1
fi
sed 's/^/# /' $r
cases=$(sed -n 's/^    1\.\.\([0-9]*\)$/\1/p' $r)
echo "1..$((cases + 1))"
sed -n 's/^    \(\(not \)\{0,1\}ok [0-9]* \)/\1kcsan: /p' $r
skipped=$(grep '^    ok .*# SKIP' $r | grep -vc 'requires: reorder_access')
if [ "$skipped" = 0 ]; then
	echo "ok $((cases + 1)) kcsan: no test case skipped"
else
	echo "not ok $((cases + 1)) kcsan: $skipped test cases skipped"
fi
grep -q '^ok 1 kcsan' $r && [ "$skipped" = 0 ]
