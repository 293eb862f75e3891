#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make fuzz`: only the differential fuzzer, hello.fuzz_ops=N
# operations (default 1000000) from hello.fuzz_seed=N (default: a fresh
# seed, printed).
exec /fuzz -n "${hello_fuzz_ops:-1000000}" ${hello_fuzz_seed:+-s "$hello_fuzz_seed"}
