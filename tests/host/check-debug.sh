#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check-debug`: build (once, then cached) the sanitizer kernel of
# tests/configs/sanitizers.config, build the module against it, and boot the suite and the
# fail-nth fault sweep in it (tests/guest/jobs/debug.sh).  Then no sanitizer may
# have reported anything on the console.  Prints every case and ends with
# "N passed, N failed"; exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/../.."
boot_args="init_on_alloc=0 slub_debug=FZPU log_buf_len=8M"
# 4-level paging: with 5-level (qemu -cpu max has LA57), an interrupt while
# identify_cpu() has cleared the CPU feature bits makes 6.1's KASAN take a
# direct-map address for a wild one (pgtable_l5_enabled() reads them)
boot_args="$boot_args no5lvl"
boot_args="$boot_args hello.fuzz_ops=200000 hello.bench=0"
out=build/debug

# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh

bash tests/host/deps.sh
make -s vm-bins build/vm/faults
echo "# == sanitizer kernel (tests/configs/sanitizers.config): build or reuse"
if ! info=$(bash tests/host/kernel-debug.sh); then
	result fail "debug: the sanitizer kernel builds"
	finish
fi
read -r bzimage kdir <<<"$info"
mkdir -p "$out"

echo "# == building hello_kmalloc.ko against $kdir (W=1)"
if make -s module-for KDIR="$kdir" OUT="$out" >"$out/build.log" 2>&1 &&
	! grep -q 'warning:' "$out/build.log"; then
	result ok "debug: module builds with W=1 and 0 warnings"
else
	cat "$out/build.log"
	result fail "debug: module builds with W=1 and 0 warnings"
	finish
fi

# every static test program (build/vm/*), so guest-check.sh finds its own
bash tests/host/initramfs.sh "$out/initrd.gz" tests/guest/jobs/debug.sh \
	"$out/hello_kmalloc.ko" build/vm/* tests/guest/session.sh tests/guest/jobs/check.sh
echo "# == booting the sanitizer kernel (TCG): suite, then fault sweep"
start=$(date +%s)
bash tests/host/boot.sh "$bzimage" "$out/initrd.gz" "$out/console.log" 3600 \
	"$boot_args" | tee "$out/results.tap"
vm=${PIPESTATUS[0]}
echo "# VM ran $(($(date +%s) - start)) s"

# count the VM's cases; a plan that was not met is one more failure
read -r ok bad missing < <(awk '
	/^1\.\.[0-9]+/ { planned += substr($1, 4) }
	/^ok / { ok++ }
	/^not ok / { bad++ }
	END { printf "%d %d %d\n", ok, bad, planned - ok - bad }' \
	"$out/results.tap")
pass=$((pass + ok))
fail=$((fail + bad))
if [ "$missing" = 0 ] && [ "$ok" -gt 0 ]; then
	result ok "debug: every planned case reported"
else
	result fail "debug: every planned case reported ($missing missing)"
fi
result "$([ "$vm" = 0 ] || [ "$vm" = 1 ] && echo ok || echo fail)" \
	"debug: the VM finished its job and powered off"

# scan NAME REGEX: one case, REGEX matches nowhere in the console log
scan() {
	if grep -Eq "$2" "$out/console.log"; then
		grep -E -B2 -A25 "$2" "$out/console.log" | head -n 60 |
			sed 's/^/# /'
		result fail "debug: no $1 report on the console"
	else
		result ok "debug: no $1 report on the console"
	fi
}
scan KASAN 'BUG: KASAN'
scan UBSAN 'UBSAN:'
scan lockdep 'WARNING: (possible|inconsistent)|bad unlock balance|'\
'held lock freed|suspicious RCU usage|lock held when returning'
scan sleep-in-atomic 'sleeping function called from invalid context|'\
'scheduling while atomic'
scan DEBUG_LIST 'list_(add|del) corruption|list_add double add'
# leaks themselves are the guest's "kmemleak:" cases; here, kmemleak broke
scan kmemleak-failure \
	'kmemleak: (Kernel memory leak detector disabled|Cannot allocate a kmemleak_)'
scan "other BUG/WARNING/Oops" \
	'BUG:|WARNING:|Oops|kernel BUG|Kernel panic|general protection'
finish
