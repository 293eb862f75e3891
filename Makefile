# SPDX-License-Identifier: GPL-2.0
#
# make                 build hello_kmalloc.ko for the running kernel, and
#                      the demo program hello_test
# make KDIR=DIR        build against another kernel's build tree
# make demo            the user's session inside a Debian 6.1 VM
# make check           the whole test suite in Debian 6.1 and 6.12 VMs
# make mutants         plant known bugs in the driver; the suite must fail
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

build/vm/suite: tests/suite.c tests/lib.c tests/lib.h
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
	bash tests/check.sh

mutants:
	bash tests/mutants.sh

demo:
	bash vm/demo.sh

clean:
	@if [ -f $(KDIR)/Makefile ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf build hello_test

.PHONY: all modules vm-bins module-for check mutants demo clean

# ---- arm64 and 32-bit arm (issue 7) ----------------------------------------
# make check-arm64     the suite in an arm64 kernel cross-built from Debian's
#                      linux-source-6.1, booted in qemu's virt board, and
#                      the W=1 build against a 32-bit arm (multi_v7) tree
# make build-arm32     only the 32-bit arm W=1 build
ARM64_CC := aarch64-linux-gnu-gcc

vm-bins-arm64: build/vm-arm64/suite build/vm-arm64/hello_test

build/vm-arm64/suite: tests/suite.c tests/lib.c tests/lib.h
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
	HELLO_KERNELS="arm64 arm" bash tests/check.sh

build-arm32:
	HELLO_KERNELS=arm bash tests/check.sh

.PHONY: vm-bins-arm64 object-for check-arm64 build-arm32
