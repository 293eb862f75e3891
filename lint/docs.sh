#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: docs.sh   (lint.sh's "docs" check)
# What README.md and docs/*.md name must exist today:
#   - each path of the tree in backquotes (`tests/kernels`); an upper-case
#     word in it is a placeholder, matched as a glob (`tests/mutants/TIER.txt`
#     by any tests/mutants/*.txt); build/ holds products and
#     include/linux/ names the kernel's headers: neither is checked;
#   - each `make TARGET` (in backquotes or a code block): a target of the
#     Makefile, but the kernel's configuration targets (`make tinyconfig`);
#   - each link to a file of the tree ([text](path), relative to the doc).
# Prints each one that does not; exits 1 on any.
set -eu
cd "$(dirname "$0")/.."
docs=$(git ls-files --cached --others --exclude-standard -- README.md \
	'docs/*.md')
targets=$(make -pRrq : 2>/dev/null |
	awk -F: '/^[a-zA-Z0-9][^$#\/\t=%]*:([^=]|$)/ { print $1 }' | sort -u)
tops=$(git ls-files --cached --others --exclude-standard |
	sed 's,/.*,/,' | sort -u | paste -sd '|')

# exists PATH: PATH is in the tree, upper-case words read as globs
exists() {
	local glob
	glob=$(sed -E 's/[A-Z][A-Z0-9_]*[A-Z0-9]/*/g' <<<"$1")
	compgen -G "${glob%/}" >/dev/null
}

# shellcheck disable=SC2016 # backquotes, not expansions
found=$(for doc in $docs; do
	# paths in backquotes: a top-level name of the tree, then more
	grep -o '`[^`]*`' "$doc" | tr -d '`' | tr ' ' '\n' |
		grep -E "^($tops)[^ ]*\$" | grep -Ev '^(build|include/linux)/' |
		sed -E 's/:[0-9]+$//; s/[.,:;)]$//' | sort -u |
		while read -r p; do
			exists "$p" || echo "$doc: names $p, which does not exist"
		done
	# make targets, in backquotes or code blocks
	grep -oE '(^|`|\$ )make( [A-Z_]+=[^ `]*)* [a-z][a-z0-9-]*' "$doc" |
		awk '$NF !~ /config$/ { print $NF }' | sort -u |
		while read -r t; do
			grep -qxF "$t" <<<"$targets" ||
				echo "$doc: names make $t, which is no target"
		done
	# links to files of the tree
	grep -oE '\]\([^)#:]+(#[^)]*)?\)' "$doc" | sed -E 's/^\]\(//; s/[#)].*//' |
		sort -u | while read -r l; do
			[ -e "$(dirname "$doc")/$l" ] ||
				echo "$doc: links to $l, which does not exist"
		done
done)
[ -z "$found" ] || { echo "$found"; exit 1; }
