#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job `make check` runs in each VM: the user's session, the suite, the
# differential fuzzer, the concurrency stress and a short benchmark (it
# checks the numbers are sane, not fast).  On the kernel command
# line, hello.fuzz_ops=N (default 1000000) and hello.fuzz_seed=N (default:
# a fresh seed, printed) steer the fuzzer; hello.bench=0 leaves the
# benchmark out (the sanitizer kernel lacks what it measures with).
ops=1000000
seed=
bench=yes
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in
	hello.fuzz_ops=*) ops=${arg#*=} ;;
	hello.fuzz_seed=*) seed=${arg#*=} ;;
	hello.bench=0) bench=no ;;
	esac
done
status=0
sh /session.sh || status=1
/suite || status=1
/fuzz -n "$ops" ${seed:+-s "$seed"} || status=1
/stress || status=1
if [ "$bench" = yes ]; then
	/bench --short || status=1
fi
exit $status
