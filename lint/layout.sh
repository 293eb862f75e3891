#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: layout.sh [README]   (lint.sh's "layout" check)
# The first column of README's "## Layout" table must name every top-level
# folder git knows (tracked, or untracked and not ignored) as `NAME/`, and
# every path it names must exist.  Prints each mismatch; exits 1 on any.
set -eu
cd "$(dirname "$0")/.."
readme=${1:-README.md}

# the backquoted names in the first column of the Layout table
named=$(awk '/^## / { on = ($0 == "## Layout") } on && /^\| `/' "$readme" |
	cut -d'|' -f2 | grep -o "\`[^\`]*\`" | tr -d "\`" | sort -u)
folders=$(git ls-files --cached --others --exclude-standard |
	while read -r f; do
		case $f in */*) [ ! -f "$f" ] || echo "${f%%/*}/" ;; esac
	done | sort -u)
bad=0
for d in $folders; do
	grep -qxF "$d" <<<"$named" && continue
	echo "$readme: the Layout table does not name the folder $d"
	bad=1
done
while read -r p; do
	[ -n "$p" ] || continue
	[ -e "$p" ] && { [ "${p%/}" = "$p" ] || [ -d "$p" ]; } && continue
	echo "$readme: the Layout table names $p, which does not exist"
	bad=1
done <<<"$named"
[ -n "$named" ] || { echo "$readme: no \"## Layout\" table"; bad=1; }
exit $bad
