#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make demo`'s first boot (init_on_alloc=0): the user's session
# (act 1), then what the driver's allocation lines are for (acts 2 and 3,
# the slab class).  Prints a transcript.
# shellcheck source=tests/guest/ktap.sh
. /ktap.sh
ktap_plan 2
echo "# == Act 1: a user's session: load, write, read back, hello_test, unload"
ktap_run session sh /session.sh
ktap_run lesson sh /lesson.sh leak
exit "$status"
