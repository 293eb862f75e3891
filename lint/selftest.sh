#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make lint-selftest`: lint must be able to fail.  For each checker, plant
# one finding in a scratch copy of the tree (some in new files, which lint
# must find by itself) and run that checker there: it must say "not ok"
# and name the finding, on every kernel.  Ends with "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
ktap_begin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree_copy "$work/base"

# plant CHECKER EXPECTED WHAT: run after the planting commands (stdin, a
# script run in the scratch tree) that CHECKER reports EXPECTED
plant() {
	local checker=$1 expect=$2 what=$3 tree=$work/tree log=$work/log got
	rm -rf "$tree"
	cp -a "$work/base" "$tree"
	(cd "$tree" && bash -eu && git init -q && git add -A)
	if LINT_CHECKS=$checker bash "$tree/lint/lint.sh" >"$log" 2>&1; then
		got=survived
	elif ! grep -q '^ok ' "$log" && grep -q '^not ok' "$log" &&
		grep -qF -- "$expect" "$log"; then
		got=caught
	else
		got=other
	fi
	if [ "$got" = caught ]; then
		result ok "$checker fires on $what ($expect)"
	else
		result fail "$checker on $what: $got" "$log"
	fi
}

plant checkpatch "return is not a function" "return (0) in hello_kmalloc.c" <<'P'
perl -0pi -e 's/\treturn 0;\n/\treturn (0);\n/' hello_kmalloc.c
P
plant checkpatch "SPDX-License-Identifier" "a new header without SPDX tag" <<'P'
printf '#define HELLO_PLANTED 1\n' >hello_planted.h
P
plant sparse "different address spaces" "a __user pointer cast away" <<'P'
perl -pi -e 's/copy_to_user\(ubuf,/copy_to_user((char *)ubuf,/' hello_kmalloc.c
P
plant w1 "set but not used" "a variable set but never used (W=1 only)" <<'P'
perl -0pi -e 's/(\tstruct hello_file \*hf;\n)/$1\tint planted;\n\n\tplanted = 1;\n/' hello_kmalloc.c
P
plant analyzer "double-free" "a double free in a new tests/planted.c" <<'P'
cat >tests/planted.c <<'C'
#include <stdlib.h>

void planted(void *p);
void planted(void *p)
{
	free(p);
	free(p);
}
C
P
plant cppcheck "arrayIndexOutOfBounds" "an index past an array in a new tests/planted.c" <<'P'
cat >tests/planted.c <<'C'
#include <stdio.h>

int planted(void);
int planted(void)
{
	int a[4] = { 0 };

	return a[4];
}
C
P
plant shellcheck "SC2086" "an unquoted \$1 in a new script without .sh" <<'P'
mkdir -p tools
printf '#!/bin/bash\necho $1\n' >tools/planted
P
plant layout "does not name the folder planted/" "a new top-level folder" <<'P'
mkdir planted
echo planted >planted/file
P
plant layout "names doc/, which does not exist" "a Layout row for a folder that is not there" <<'P'
perl -pi -e 's/^\| `docs\/`/| `doc\/`/' README.md
P
plant docs "names tests/planted.sh, which does not exist" "a doc naming a file that is not there" <<'P'
printf '\nRun `tests/planted.sh`.\n' >>docs/testing.md
P
plant docs "names make planted, which is no target" "a doc naming a make target that is not there" <<'P'
printf '\n`make planted` does it.\n' >>README.md
P

summary
