# SPDX-License-Identifier: GPL-2.0
# `make help` lists the targets: each is a "#>" line below or in tests/tests.mk.

KDIR ?= /lib/modules/$(shell uname -r)/build
CFLAGS ?= -O2 -g
HOST ?= bookworm
WARN := -Wall -Wextra -Werror

#> make                 hello_kmalloc.ko and hello_test (KDIR=DIR: another kernel)
all: modules hello_test

modules:
	@test -f $(KDIR)/Makefile || { \
		echo "No kernel build tree at $(KDIR)."; \
		echo "Install linux-headers-$$(uname -r), or pass KDIR=."; \
		exit 1; } >&2
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

hello_test: test.c
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

#> make demo            the lesson live in Debian 6.1 VMs: the session, the leak
#>                      kmalloc() was, each fix (docs/lesson.md), as a transcript
#> make demo-default    only the demo's second boot, as Debian boots (zeroing on)
#> make check           the tests in Debian 6.1 and 6.12 VMs, the demo, and the
#>                      driver's instruction counts against the baseline (CI gate)
#> make check-exact     only those counts (tests/bench-baseline, at most +5%)
#> make check-hosts     check-exact here and on the other Debian host releases
#>                      (each a chroot with its own qemu): identical counts
#> make check-kernels   check in every other Debian kernel, 5.10 to trixie's, RT
#> make check-sid       check in sid's kernel, and its 7.0-API variant
#> make check-arm64     check in an arm64 VM, and a 32-bit arm W=1 build
#> make check-debug     check and a fault sweep under KASAN, kmemleak, lockdep
#> make check-kmsan     check under KMSAN: no uninitialised byte reaches a user
#> make coverage        the suite and the fault sweep: every line of the driver
#> make check-kcsan     the suite and the stress on 2 vCPUs at once under KCSAN
#> make kcsan-control   KCSAN's own test in that VM: does it see races at all
#> make check-rust      check against the Rust twin (rust/) and the C driver,
#>                      in sid's 7.2 built with Rust: the same cases pass
#> make fuzz            the differential fuzzer alone [SEED=N] [OPS=N]
#> make bench           the driver against the kernel's own devices: exact
#>                      instruction counts, then wall-clock ratios and a chart
#> make bench-exact     only the instruction counts, on 6.1 and 6.12
#> make bench-baseline  record the counts make check holds the driver to
#> make mutants         plant each bug of tests/mutants/check{,-exact}.txt
#> make mutants-debug   plant each bug of tests/mutants/check-debug.txt
#> make mutants-kmsan   plant each bug of tests/mutants/check-kmsan.txt
#> make mutants-kcsan   plant each race of tests/mutants/check-kcsan.txt
#> make mutants-rust    plant each bug of tests/mutants/check-rust.txt
#> make proof           CBMC: read, write, open and release keep the contract
#>                      for every offset, count and copy fault (docs/proof.md)
#> make mutants-proof   plant each bug of tests/mutants/proof.txt: proof must fail
include tests/tests.mk

#> make lint            every static checker, 0 findings
#> make lint-selftest   plant a finding for each checker: each must fire
#> make format          advisory: the kernel's .clang-format diff (APPLY=1)
lint:
	bash lint/lint.sh

lint-selftest:
	bash lint/selftest.sh

format:
	bash lint/format.sh $(if $(APPLY),--apply)

#> make ci-fresh        CI's .ci/run on a new machine: a new chroot of
#>                      HOST=bookworm (or trixie), empty cache; then the
#>                      check that it changed nothing there but the
#>                      prerequisites
ci-fresh:
	HOST=$(HOST) bash .ci/fresh-machine.sh

#> make clean           remove what make and the tests built
clean:
	@if [ -f $(KDIR)/Makefile ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf build hello_test

#> make help            this list; a VM tier takes HELLO_KERNELS="6.12 ..."
help:
	@sed -n 's/^#> \{0,1\}//p' $(MAKEFILE_LIST)

.PHONY: all modules demo check lint lint-selftest format ci-fresh clean help

#> make install         install for the kernel of KDIR (INSTALL_MOD_PATH stages)
#> make uninstall       remove what make install installed
#> make deb             build/deb/hello-kmalloc-dkms_VERSION_all.deb, in a chroot
#> make dkms-install    DKMS by hand, for DKMS_KERNELS="A B" or the running one
#> make dkms-uninstall  dkms remove --all and delete the source
#> make udev-install    opt-in: the group hello_kmalloc may use /dev/hello0
#> make udev-uninstall  remove that rule
#> make package-check   the .deb in a chroot, as Debian tests it; the other ways
#> make hello-version   print the version (Kbuild's hello_version)
HELLO_VERSION := $(shell sed -n 's/^hello_version *:= *//p' $(CURDIR)/Kbuild)
# the release modules are installed for: the kernel's own UTS_RELEASE
# (Debian's headers say 6.1.192 in kernel.release, the kernel 6.1.0-56-amd64)
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h)
MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(KREL)
DEPMOD = depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KREL)
DKMS_SRC = $(DESTDIR)/usr/src/hello_kmalloc-$(HELLO_VERSION)
# what DKMS builds the module from: make dkms-src and debian/rules copy it
DKMS_FILES := Kbuild hello_kmalloc.c LICENSE include
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

hello-version:
	@echo $(HELLO_VERSION)

dkms-files:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	cp -R $(DKMS_FILES) $(DKMS_SRC)/

# dkms.conf.in's placeholder is dh_dkms's: debian/rules passes it as is
dkms-src: dkms-files
	sed 's/#MODULE_VERSION#/$(HELLO_VERSION)/' packaging/dkms.conf.in \
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

deb:
	bash packaging/deb.sh

package-check:
	bash packaging/check.sh

.PHONY: install uninstall hello-version dkms-files dkms-src dkms-install \
	dkms-uninstall udev-install udev-uninstall deb package-check
