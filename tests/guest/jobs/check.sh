#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make check` and `make check-arm64`: the user's session, the
# suite, the differential fuzzer, the concurrency stress and a short
# benchmark (it checks the numbers are sane, not fast).  hello.fuzz_ops=N
# (default 1000000) and hello.fuzz_seed=N (default: a fresh seed, printed)
# steer the fuzzer; hello.bench=0 leaves the benchmark out (the sanitizer
# kernel lacks what it measures with).
# shellcheck source=tests/guest/ktap.sh
. /ktap.sh
bench=${hello_bench:-1}
ktap_plan $((4 + (bench != 0)))
ktap_run session sh /session.sh
ktap_run suite /suite
ktap_run fuzz /fuzz -n "${hello_fuzz_ops:-1000000}" \
	${hello_fuzz_seed:+-s "$hello_fuzz_seed"}
ktap_run stress /stress
[ "$bench" = 0 ] || ktap_run bench /bench --short
exit "$status"
