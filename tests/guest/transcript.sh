#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash disable=SC2154 # topic: set by them
# Sourced by the scripts whose output is a transcript (session.sh,
# lesson.sh): each step is a command as a reader would type it, its
# output, and a KTAP case that judges it (/ktap.sh: ktap_plan first, exit
# $status last).  Set topic= (the cases' prefix).
#   show CMD         print "$ CMD", run it (20 s at most), keep its output
#                    in /tmp/out and show it; returns CMD's status
#   judge NAME TEST  one result line "ok N TOPIC: NAME" if TEST (shell
#                    code, run in this shell) holds, else "not ok"
# shellcheck source=tests/guest/ktap.sh
. /ktap.sh

show() {
	echo "\$ $1"
	timeout 20 sh -c "$1" >/tmp/out 2>&1
	status=$?
	cat /tmp/out
	return $status
}

judge() {
	eval "$2"
	ktap_result "$topic: $1" $?
}
