#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: the user's session (insmod, echo | tee, cat, the test program,
# dmesg, rmmod) inside a Debian 6.1 VM, printed as a transcript.
set -eu
cd "$(dirname "$0")/../.."
bash tests/host/deps.sh
make -s build/vm/hello_test
echo "# fetching the Debian 6.1 kernel and headers (cached after the first run)"
read -r abi vmlinuz kdir <<<"$(bash tests/host/kernel.sh linux-image-amd64)"
out=build/$abi
echo "# building hello_kmalloc.ko against $kdir"
make -s module-for KDIR="$kdir" OUT="$out"
bash tests/host/initramfs.sh "$out/demo.gz" tests/guest/session.sh \
	"$out/hello_kmalloc.ko" build/vm/hello_test
echo "# booting Linux $abi under qemu (software emulation, a few seconds)"
echo "# init_on_alloc=0: the kernel does not zero allocations for us here"
bash tests/host/boot.sh "$vmlinuz" "$out/demo.gz" "$out/demo-console.log" 120 \
	init_on_alloc=0
