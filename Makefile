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

# ---- sanitizer tier (issue 3) ----------------------------------------------
# make check-debug     the suite and a fail-nth fault sweep under a KASAN,
#                      kmemleak, lockdep, UBSAN kernel built from Debian's
#                      linux-source-6.1 (cached after the first build)
# make mutants-debug   plant tests/mutants/debug.txt; check-debug must fail
build/vm/faults: tests/faults.c tests/lib.c tests/lib.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -static -o $@ $(filter %.c,$^)

check-debug:
	bash tests/check-debug.sh

mutants-debug:
	bash tests/mutants.sh tests/mutants/debug.txt tests/check-debug.sh

.PHONY: check-debug mutants-debug
