# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by the scripts that print TAP-like cases (tests/host/check.sh,
# tests/host/check-debug.sh, lint/lint.sh, packaging/check.sh).
#   result ok|fail NAME [LOG]   one "ok - NAME" or "not ok - NAME" line,
#                               counted; a failure shows LOG's last lines
#   summary                     "N passed, N failed"; false if any failed
#   finish                      summary, then exit with its status
pass=0
fail=0
result() {
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok - $2"
	else
		fail=$((fail + 1))
		[ -z "${3:-}" ] || tail -n 60 "$3" | sed 's/^/# /'
		echo "not ok - $2"
	fi
}
summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
finish() {
	summary
	exit
}
