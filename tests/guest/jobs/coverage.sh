#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make coverage`, in the sanitizer VM with the module built for
# gcov: what reaches the driver's lines (the suite, and the fault sweep for
# the error paths), then the gcov data for the host's report.
# shellcheck source=tests/guest/ktap.sh
. /ktap.sh
ktap_plan 3
ktap_run suite /suite
ktap_run faults /faults
ktap_case gcov_data sh /gcov.sh
exit "$status"
