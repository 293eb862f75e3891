#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The user's session with /dev/hello0, as README shows it.  Runs in the VM
# (as root, so without sudo): `make demo` shows it as a transcript, and
# `make check` counts its "ok"/"not ok" lines as test cases.
cd / || exit 1
topic=session
# shellcheck source=tests/guest/transcript.sh
. ./transcript.sh
ktap_plan 6

show 'insmod hello_kmalloc.ko'
judge "insmod creates /dev/hello0" "[ $? = 0 ] && [ -c /dev/hello0 ]"

show 'echo Hello World | tee /dev/hello0'
judge "tee writes the line" "[ $? = 0 ] && [ \"\$(cat /tmp/out)\" = 'Hello World' ]"

echo "# cat opens the device anew: tee's buffer was freed when tee closed it,"
echo "# so cat reads 64 zero bytes (invisible on a terminal; od shows them)"
show 'cat /dev/hello0 | od -A d -t x1'
judge "cat reads 64 zero bytes" \
	"[ \"\$(cat /tmp/out)\" = \"\$(head -c 64 /dev/zero | od -A d -t x1)\" ]"

show './hello_test'
judge "the test program writes, seeks and reads back" \
	"[ $? = 0 ] && grep -q 'read back 64 bytes: \"Hello World\"' /tmp/out"

show 'dmesg | grep hello_kmalloc'
# the node's numbers, as the load line gives them
numbers=$(stat -c '%t %T' /dev/hello0 | {
	read -r major minor
	printf 'major %d minor %d' "0x$major" "0x$minor"
})
judge "dmesg shows the load line" \
	"grep -q 'hello_kmalloc: /dev/hello0 ready, $numbers\$' /tmp/out"

show 'rmmod hello_kmalloc && dmesg | tail -n 1'
judge "rmmod removes /dev/hello0 and says so" \
	"[ $? = 0 ] && [ ! -e /dev/hello0 ] && grep -q 'hello_kmalloc: unloaded' /tmp/out"

exit "$status"
