#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# Prints the kernel's gcov data, the .gcda of every module built with
# GCOV_PROFILE (/sys/kernel/debug/gcov; a module's data outlive rmmod), as
# a gzip'd tar in base64 between the lines "# gcov-data begin" and
# "# gcov-data end", for tests/host/coverage.sh.  Without CONFIG_GCOV_KERNEL
# there is nothing to print.
gcov=/sys/kernel/debug/gcov
tmp=/tmp/gcov
[ -d $gcov ] || exit 0
# debugfs gives these files a size of 0: copy them by reading, not with tar
find $gcov -name '*.gcda' | while read -r f; do
	f=${f#"$gcov"/}		# the path it was compiled at, without the /
	mkdir -p "$tmp/${f%/*}"
	cat "$gcov/$f" >"$tmp/$f" || exit 1
done || exit 1
echo "# gcov-data begin"
tar -cz -C $tmp . | base64 | sed 's/^/# /'
echo "# gcov-data end"
