#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: boot.sh VMLINUZ INITRD CONSOLE_LOG TIMEOUT [KERNEL ARGS...]
# Boots under TCG; the job's output (ttyS1) goes to stdout, the kernel
# console (ttyS0) to CONSOLE_LOG.  Exits 0 only if the job ran to its end
# and passed; 1 if it failed, 2 if the VM died or hung (killed at TIMEOUT s).
set -eu
kernel=$1 initrd=$2 log=$3 limit=$4
shift 4
append="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 $*"

set +e
timeout -k 5 "$limit" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1G \
	-nographic -no-reboot -monitor none \
	-serial "file:$log" -serial stdio \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$kernel" -initrd "$initrd" -append "$append" </dev/null
rc=$?
set -e
case $rc in
1) exit 0 ;;	# the job wrote 0
3) exit 1 ;;	# the job wrote 1
124) echo "# VM killed after ${limit}s: hung" ;;
*) echo "# VM ended without reporting (status $rc): panic or crash" ;;
esac
exit 2
