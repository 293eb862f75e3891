#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make check` and `make check-arm64`: the user's session, the
# suite, the differential fuzzer, the concurrency stress and a short
# benchmark (it checks the numbers are sane, not fast).  hello.fuzz_ops=N
# (default 1000000) and hello.fuzz_seed=N (default: a fresh seed, printed)
# steer the fuzzer; hello.bench=0 leaves the benchmark out (the sanitizer
# kernel lacks what it measures with).
status=0
sh /session.sh || status=1
/suite || status=1
/fuzz -n "${hello_fuzz_ops:-1000000}" ${hello_fuzz_seed:+-s "$hello_fuzz_seed"} ||
	status=1
/stress || status=1
if [ "${hello_bench:-1}" != 0 ]; then
	/bench --short || status=1
fi
exit $status
