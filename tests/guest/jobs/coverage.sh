#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make coverage`, in the sanitizer VM with the module built for
# gcov: what reaches the driver's lines (the suite, and the fault sweep for
# the error paths), then the gcov data for the host's report.
status=0
/suite || status=1
/faults || status=1
sh /gcov.sh || status=1
exit $status
