#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job `make check` runs in each VM: the user's session, then the suite.
status=0
sh /session.sh || status=1
/suite || status=1
/bench --short || status=1
exit $status
