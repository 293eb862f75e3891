#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: [HELLO_ARCH=arm64] boot.sh VMLINUZ INITRD CONSOLE_LOG TIMEOUT [ARGS...]
# Boots under TCG; the job's output goes to stdout, the kernel console to
# CONSOLE_LOG.  Exits 0 only if the job ran to its end and passed; 1 if it
# failed, 2 if the VM died or hung (killed at TIMEOUT s).
#   x86_64 (default): qemu-system-x86_64; console ttyS0, output on ttyS1,
#                     the status through the isa-debug-exit port.
#   arm64:            qemu-system-aarch64 -M virt -cpu cortex-a72; console
#                     on the PL011 (ttyAMA0), output on virtio console hvc0,
#                     the status as a line on hvc1 (see tests/guest/init).
# shellcheck disable=SC2054 # commas in qemu options, not array separators
set -eu
kernel=$1 initrd=$2 log=$3 limit=$4
shift 4
args="panic=-1 oops=panic panic_on_warn=1 $*"
status=$(mktemp)
trap 'rm -f "$status"' EXIT

case ${HELLO_ARCH:-x86_64} in
x86_64)
	qemu=(qemu-system-x86_64 -cpu max
	      -serial "file:$log" -serial stdio
	      -device isa-debug-exit,iobase=0xf4,iosize=0x04)
	args="console=ttyS0 $args" ;;
arm64)
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a72
	      -serial "file:$log"
	      -device virtio-serial-device
	      -chardev stdio,id=out -device virtconsole,chardev=out
	      -chardev "file,id=status,path=$status"
	      -device virtconsole,chardev=status)
	args="console=ttyAMA0 hello.out=/dev/hvc0 hello.status=/dev/hvc1 $args" ;;
*)
	echo "boot.sh: HELLO_ARCH is x86_64 or arm64" >&2
	exit 2 ;;
esac

set +e
timeout -k 5 "$limit" "${qemu[@]}" -accel tcg -smp 2 -m 1G \
	-nographic -no-reboot -monitor none \
	-kernel "$kernel" -initrd "$initrd" -append "$args" </dev/null
rc=$?
set -e
# x86_64: isa-debug-exit made qemu exit 2 * byte + 1.  arm64: qemu exits 0
# on poweroff, the job's status is the line init wrote on hvc1.
if [ "$rc" = 0 ] && [ "${HELLO_ARCH:-x86_64}" = arm64 ]; then
	case $(tr -d '\r' <"$status" | sed -n 's/^status //p') in
	0) rc=1 ;;
	[1-9]*) rc=3 ;;
	esac
fi
case $rc in
1) exit 0 ;;	# the job passed
3) exit 1 ;;	# the job failed
124) echo "# VM killed after ${limit}s: hung" ;;
*) echo "# VM ended without reporting (status $rc): panic or crash" ;;
esac
exit 2
