# SPDX-License-Identifier: GPL-2.0
#
# make                 build hello_kmalloc.ko for the running kernel, and
#                      the demo program hello_test
# make KDIR=DIR        build against another kernel's build tree
# make demo            the user's session inside a Debian 6.1 VM
# make check           the whole test suite in Debian 6.1 and 6.12 VMs
# make mutants         plant known bugs in the driver; the suite must fail
# make ci-fresh        CI's .ci/run in a new Debian 12 chroot (empty cache)
# make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror

all: modules hello_test

modules:
	@test -f $(KDIR)/Makefile || { \
		echo "No kernel build tree at $(KDIR)."; \
		echo "Install linux-headers-$$(uname -r), or pass KDIR=."; \
		exit 1; } >&2
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

hello_test: test.c
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

# Static programs for the test VMs (busybox has no libc).
VM_BINS := build/vm/suite build/vm/hello_test
vm-bins: $(VM_BINS)

build/vm/suite: tests/guest/suite.c tests/guest/lib.c tests/guest/lib.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -static -pthread -o $@ $(filter %.c,$^)

build/vm/hello_test: test.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -static -o $@ $<

# The module for one kernel in its own directory OUT (a kbuild external
# module builds where its sources are, so OUT gets links to them).
module-for:
	@mkdir -p $(OUT)
	@ln -sf $(CURDIR)/Kbuild $(CURDIR)/hello_kmalloc.c $(OUT)/
	$(MAKE) -C $(KDIR) M=$(abspath $(OUT)) W=1 modules

check:
	bash tests/host/check.sh

mutants:
	bash tests/host/mutants.sh

demo:
	bash tests/host/demo.sh

ci-fresh:
	bash .ci/fresh-machine.sh

clean:
	@if [ -f $(KDIR)/Makefile ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf build hello_test

.PHONY: all modules vm-bins module-for check mutants demo ci-fresh clean

# --- Packaging and lint ----------------------------------------------------
# make install         modules_install into /lib/modules/KREL/extra, depmod
#                      (KREL: the kernel of KDIR; INSTALL_MOD_PATH stages)
# make uninstall       remove it again, depmod
# make dkms-install    source to /usr/src/hello_kmalloc-VERSION, dkms add,
#                      dkms install (DKMS_KERNELS="A B"; default: running)
# make dkms-uninstall  dkms remove --all, delete the source
# make udev-install    opt-in: group hello_kmalloc may use /dev/hello0
# make udev-uninstall
# make package-check  DKMS, install and udev paths, both kernels (CI)
# make lint            every static checker, 0 findings (CI)
# make lint-selftest   plant a finding for each checker: each must fire
# make format          advisory: what the kernel's .clang-format would change
#                      (make format APPLY=1 rewrites the files)
HELLO_VERSION := $(shell sed -n 's/^hello_version *:= *//p' $(CURDIR)/Kbuild)
# the release modules are installed for: the kernel's own UTS_RELEASE
# (Debian's headers say 6.1.192 in kernel.release, the kernel 6.1.0-56-amd64)
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h)
MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(KREL)
DEPMOD = depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KREL)
DKMS_SRC = $(DESTDIR)/usr/src/hello_kmalloc-$(HELLO_VERSION)
DKMS_KERNELS ?=
UDEV_RULE = $(DESTDIR)/etc/udev/rules.d/60-hello_kmalloc.rules

# CONFIG_MODULE_SIG_ALL= : Debian's headers would have kbuild sign with the
# Debian kernel key, which is not shipped; README, "Secure Boot", signs.
# kbuild skips depmod without a System.map (headers have none): run it here.
install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra \
		CONFIG_MODULE_SIG_ALL= modules_install
	$(DEPMOD)

uninstall:
	rm -f $(MODDIR)/extra/hello_kmalloc.ko*
	-rmdir $(MODDIR)/extra 2>/dev/null
	$(DEPMOD)

dkms-src:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	install -m 644 Kbuild hello_kmalloc.c LICENSE $(DKMS_SRC)/
	sed 's/@VERSION@/$(HELLO_VERSION)/' packaging/dkms.conf.in \
		>$(DKMS_SRC)/dkms.conf

dkms-install:
	$(MAKE) dkms-uninstall dkms-src
	dkms add hello_kmalloc/$(HELLO_VERSION)
	dkms install hello_kmalloc/$(HELLO_VERSION) $(addprefix -k ,$(DKMS_KERNELS))

dkms-uninstall:
	if dkms status hello_kmalloc/$(HELLO_VERSION) | grep -q .; then \
		dkms remove hello_kmalloc/$(HELLO_VERSION) --all; fi
	rm -rf $(DKMS_SRC)

udev-install:
	install -D -m 644 packaging/60-hello_kmalloc.rules $(UDEV_RULE)
	if [ -z "$(DESTDIR)" ]; then \
		getent group hello_kmalloc >/dev/null || \
			groupadd --system hello_kmalloc; \
		udevadm control --reload-rules && \
			udevadm trigger --subsystem-match=hello_kmalloc; fi

udev-uninstall:
	rm -f $(UDEV_RULE)
	if [ -z "$(DESTDIR)" ]; then udevadm control --reload-rules; fi

package-check:
	bash packaging/check.sh

lint:
	bash lint/lint.sh

lint-selftest:
	bash lint/selftest.sh

format:
	bash lint/format.sh $(if $(APPLY),--apply)

.PHONY: install uninstall dkms-src dkms-install dkms-uninstall udev-install \
	udev-uninstall package-check lint lint-selftest format

# ---- Fuzzing and stress -----------------------------------------------------
# make fuzz [SEED=N] [OPS=N]   only the differential fuzzer, in the 6.1 VM
#                              (HELLO_KERNEL=linux-image-6.12-amd64: 6.12)
vm-bins: build/vm/fuzz build/vm/stress

build/vm/fuzz: tests/guest/fuzz.c tests/guest/lib.c tests/guest/lib.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -static -o $@ $(filter %.c,$^)

build/vm/stress: tests/guest/stress.c tests/guest/lib.c tests/guest/lib.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -static -pthread -o $@ $(filter %.c,$^)

fuzz:
	bash tests/host/fuzz.sh "$(SEED)" "$(OPS)"

.PHONY: fuzz

# ---- benchmark --------------------------------------------------------------
# make bench           the driver against /dev/zero and /dev/null in one
#                      Debian 6.1 boot with stock options: cost ratios, slab
#                      per open, a chart (build/bench/bench.svg)
# `make check` runs the same program short (tests/guest/jobs/check.sh).
vm-bins: build/vm/bench

build/vm/bench: tests/guest/bench.c tests/guest/lib.c tests/guest/lib.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -static -pthread -o $@ $(filter %.c,$^) -lm

bench:
	bash tests/host/bench.sh

.PHONY: bench

# ---- sanitizer tier ---------------------------------------------------------
# make check-debug     the suite and a fail-nth fault sweep under a KASAN,
#                      kmemleak, lockdep, UBSAN kernel built from Debian's
#                      linux-source-6.1 (cached after the first build)
# make mutants-debug   plant tests/mutants/check-debug.txt; check-debug must fail
build/vm/faults: tests/guest/faults.c tests/guest/lib.c tests/guest/lib.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -static -o $@ $(filter %.c,$^)

check-debug:
	bash tests/host/check-debug.sh

mutants-debug:
	bash tests/host/mutants.sh tests/mutants/check-debug.txt tests/host/check-debug.sh

.PHONY: check-debug mutants-debug

# ---- arm64 and 32-bit arm ----------------------------------------------------
# make check-arm64     the suite in an arm64 kernel cross-built from Debian's
#                      linux-source-6.1, booted in qemu's virt board, and
#                      the W=1 build against a 32-bit arm (multi_v7) tree
# make build-arm32     only the 32-bit arm W=1 build
ARM64_CC := aarch64-linux-gnu-gcc

vm-bins-arm64: build/vm-arm64/suite build/vm-arm64/hello_test \
	build/vm-arm64/fuzz build/vm-arm64/stress build/vm-arm64/bench

build/vm-arm64/fuzz: tests/guest/fuzz.c tests/guest/lib.c tests/guest/lib.h
	@mkdir -p $(@D)
	$(ARM64_CC) $(WARN) $(CFLAGS) -static -o $@ $(filter %.c,$^)

build/vm-arm64/stress: tests/guest/stress.c tests/guest/lib.c tests/guest/lib.h
	@mkdir -p $(@D)
	$(ARM64_CC) $(WARN) $(CFLAGS) -static -pthread -o $@ $(filter %.c,$^)

build/vm-arm64/bench: tests/guest/bench.c tests/guest/lib.c tests/guest/lib.h
	@mkdir -p $(@D)
	$(ARM64_CC) $(WARN) $(CFLAGS) -static -pthread -o $@ $(filter %.c,$^) -lm

build/vm-arm64/suite: tests/guest/suite.c tests/guest/lib.c tests/guest/lib.h
	@mkdir -p $(@D)
	$(ARM64_CC) $(WARN) $(CFLAGS) -static -pthread -o $@ $(filter %.c,$^)

build/vm-arm64/hello_test: test.c
	@mkdir -p $(@D)
	$(ARM64_CC) $(WARN) $(CFLAGS) -static -o $@ $<

# The module compiled but not linked: for a tree made by modules_prepare,
# which has no Module.symvers for modpost to check the module against.
object-for:
	@mkdir -p $(OUT)
	@ln -sf $(CURDIR)/Kbuild $(CURDIR)/hello_kmalloc.c $(OUT)/
	$(MAKE) -C $(KDIR) M=$(abspath $(OUT)) W=1 hello_kmalloc.o

check-arm64:
	HELLO_KERNELS="arm64 arm" bash tests/host/check.sh

build-arm32:
	HELLO_KERNELS=arm bash tests/host/check.sh

.PHONY: vm-bins-arm64 object-for check-arm64 build-arm32
