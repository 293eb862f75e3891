#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make format`: what the kernel's .clang-format would change in the C
# files, as a diff; `make format APPLY=1` (--apply) rewrites them instead.
# Advisory, never a gate: the kernel does not gate on clang-format either,
# and its own style (tab-aligned initialisers and #defines, which
# checkpatch accepts) does not survive it.  `make lint` is the gate.
set -eu
cd "$(dirname "$0")/.."
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
style=file:$(bash tests/host/kernel-tools.sh)/.clang-format
for f in $(git ls-files --cached --others --exclude-standard -- '*.c' '*.h'); do
	[ -f "$f" ] || continue
	if [ "${1:-}" = --apply ]; then
		pinned clang-format clang-format -i --style="$style" "$f"
	else
		pinned clang-format clang-format --style="$style" "$f" |
			diff -u --label "a/$f" --label "b/$f" "$f" - || true
	fi
done
