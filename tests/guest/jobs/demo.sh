#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make demo`: the user's session, as a transcript.
exec sh /session.sh
