# SPDX-License-Identifier: GPL-2.0
# The test harness's make rules, included by the Makefile.

# The guest programs: tests/guest/NAME.c (with tests/guest/lib.c) becomes
# the static program /NAME in the VM; test.c becomes /hello_test.  `make
# guest GUEST_ARCH=arm64` builds them with that architecture's cross
# compiler (tests/arches).  KSFT_DIR: the kernel's selftests directory,
# for kselftest_harness.h (tests/host/kernel-tools.sh provides it); a
# system directory, as the kernel's own code is not held to our -Wextra
# (its TEST_F() keeps fork()'s result across a setjmp(): -Wclobbered).
GUEST_PROGS := suite fuzz stress faults bench hold
GUEST_ARCH ?= x86_64
# tests/host/lib.sh reads the tables
table = $(shell bash -c '. tests/host/lib.sh && $(1)')
guest_cross := $(call table,row tests/arches $(GUEST_ARCH) _ _ c && echo $$c)
GUEST_CC := $(if $(guest_cross),$(guest_cross)gcc,$(CC))
GUEST_DIR := build/guest/$(GUEST_ARCH)
KSFT_DIR ?= $(error KSFT_DIR: the kernel's tools/testing/selftests)

guest: $(addprefix $(GUEST_DIR)/,$(GUEST_PROGS) hello_test)

$(GUEST_DIR)/%: tests/guest/%.c tests/guest/lib.c tests/guest/lib.h
	@mkdir -p $(@D)
	$(GUEST_CC) $(WARN) $(CFLAGS) -isystem $(KSFT_DIR) -static -pthread -o $@ \
		$(filter %.c,$^) -lm

$(GUEST_DIR)/hello_test: test.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(WARN) $(CFLAGS) -static -o $@ $<

# The VM tiers: each row of tests/tiers is a target of its name, but for
# the rows below, which have rules of their own.
TIERS := $(call table,keys tests/tiers)
$(filter-out check demo fuzz bench,$(TIERS)):
	bash tests/host/run.sh $@

# the demo boots twice, with init_on_alloc=0 and as Debian boots; the CI
# gate runs it too, so that it cannot rot
DEMO_TIERS := demo demo-default
demo:
	bash tests/host/run.sh $(DEMO_TIERS)

# the tests, the demo, and the driver's own instruction counts against the
# baseline
check:
	bash tests/host/run.sh check $(DEMO_TIERS) check-exact

# OPS: TCG runs the fuzzer at about 100000 ops/s; time for it and a margin
fuzz:
	HELLO_BOOT_ARGS="$(if $(SEED),hello.fuzz_seed=$(SEED)) $(if $(OPS),hello.fuzz_ops=$(OPS))" \
	$(if $(OPS),HELLO_LIMIT=$$((300 + $(OPS) / 1000))) bash tests/host/run.sh fuzz

bench:
	bash tests/host/run.sh bench-exact bench; s=$$?; bash tests/host/chart.sh; \
	exit $$s

bench-baseline:
	bash tests/host/baseline.sh

check-hosts:
	bash tests/host/hosts.sh

mutants:
	bash tests/host/mutants.sh check check-exact

mutants-debug:
	bash tests/host/mutants.sh check-debug

mutants-kmsan:
	bash tests/host/mutants.sh check-kmsan

mutants-kcsan:
	bash tests/host/mutants.sh check-kcsan

mutants-rust:
	bash tests/host/mutants.sh check-rust

proof:
	bash tests/host/proof.sh

mutants-proof:
	bash tests/host/mutants.sh proof

.PHONY: guest $(TIERS) bench-baseline check-hosts mutants mutants-debug \
	mutants-kmsan mutants-kcsan mutants-rust proof mutants-proof
