#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash disable=SC2034 # status: the job's, it sources this
# Sourced by the jobs: a job's output is one KTAP document whose subtests
# are the programs it runs, nested as the kernel's kselftest runner nests
# them (Documentation/dev-tools/ktap.rst); the host nests the job in turn.
#   ktap_plan N        the document's "KTAP version 1" and "1..N"
#   ktap_run NAME CMD  subtest NAME: CMD prints a KTAP document of its own,
#                      shown indented two spaces, then "ok I NAME" (exit
#                      0), "ok I NAME # SKIP" (exit 4) or "not ok I NAME"
#   ktap_case NAME CMD case NAME: CMD prints only "# " lines; its exit
#                      status is the result, as above
# A failure sets status=1, the job's exit status.
ktap_i=0
status=0

ktap_plan() {
	echo "KTAP version 1"
	echo "1..$1"
}

# ktap_result NAME RC: the result line of the next case or subtest
ktap_result() {
	ktap_i=$((ktap_i + 1))
	case $2 in
	0) echo "ok $ktap_i $1" ;;
	4) echo "ok $ktap_i $1 # SKIP" ;;
	*) echo "not ok $ktap_i $1"
	   status=1 ;;
	esac
}

ktap_run() {
	ktap_name=$1
	shift
	{ "$@" 2>&1; echo $? >"/tmp/ktap.$$"; } | sed 's/^/  /'
	ktap_result "$ktap_name" "$(cat "/tmp/ktap.$$")"
}

ktap_case() {
	ktap_name=$1
	shift
	"$@" 2>&1
	ktap_result "$ktap_name" $?
}
