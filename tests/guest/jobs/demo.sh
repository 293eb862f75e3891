#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make demo`'s first boot (init_on_alloc=0): the user's session
# (act 1), then what the driver's allocation lines are for (acts 2 and 3,
# the slab class).  Prints a transcript.
status=0
echo "# == Act 1: a user's session: load, write, read back, hello_test, unload"
sh /session.sh || status=1
sh /lesson.sh leak || status=1
exit $status
