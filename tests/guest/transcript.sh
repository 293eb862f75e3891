#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash disable=SC2034,SC2154 # n, bad: theirs; topic: set by them
# Sourced by the scripts whose output is a transcript (session.sh,
# lesson.sh): each step is a command as a reader would type it, its
# output, and a TAP case that judges it.  Set topic= (the cases' prefix).
#   show CMD         print "$ CMD", run it (20 s at most), keep its output
#                    in /tmp/out and show it; returns CMD's status
#   judge NAME TEST  one TAP line "ok N TOPIC: NAME" if TEST (shell code,
#                    run in this shell) holds, else "not ok" (counted in bad)
n=0
bad=0

show() {
	echo "\$ $1"
	timeout 20 sh -c "$1" >/tmp/out 2>&1
	status=$?
	cat /tmp/out
	return $status
}

judge() {
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n $topic: $1"
	else
		echo "not ok $n $topic: $1"
		bad=$((bad + 1))
	fi
}
