// SPDX-License-Identifier: GPL-2.0
/*
 * Systematic fault injection with fail-nth, run by `make check-debug` in the
 * sanitizer VM (Documentation/fault-injection/fault-injection.rst).
 *
 * For N = 1, 2, ...: write N to /proc/thread-self/fail-nth, then do one
 * operation in the same thread.  The N-th fault point the thread reaches (a
 * slab allocation through failslab, or a user copy through fail_usercopy)
 * fails.  The sweep of an operation ends at the first N it completes without
 * reaching: every point it has was failed once (loading passes again over
 * the driver's points: see resweep below).  Operations: loading the
 * module, open(), and read/write/readv/writev.  After each injected failure
 * the result must be exactly what the contract says, nothing may be left
 * behind, and the device must keep working.  KASAN, lockdep and kmemleak
 * watch all of it; `make check-debug` reads their verdict from the console.
 *
 * Each injected fault prints its stack trace (the attribute's verbose=2);
 * a fault whose trace holds a frame of the module ("[hello_kmalloc]") is
 * counted as inside the driver.
 *
 * A case list on kselftest_harness.h: each case sets up fault injection in
 * the process that runs it (fail-nth is per thread) and establishes the
 * module's load state in its fixture's setup.  Runs as root with
 * /hello_kmalloc.ko beside it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#define SZ		HELLO_BUF_SIZE
#define MAX_POINTS	20000U	/* a sweep still injecting here fails */
#define DBG		"/sys/kernel/debug/"
/*
 * Under TCG with KASAN all the sweeps took 98 s, most of it the 318 fault
 * points of module loading, each followed by a plain load and unload.
 */
#define LOAD_TIMEOUT	900
#define SWEEP_TIMEOUT	300

/* Set by the fixture's setup, in the process (and thread) of the case. */
static int fail_nth = -1;	/* /proc/thread-self/fail-nth */
static int kmsg = -1;		/* the kernel log, read after each fault */
static int ko = -1;		/* the module file, for finit_module() */
/* what the sweep was doing, for the messages of a failed check */
static char at[128];

#define MAX_SITES	64U	/* distinct fault sites inside the driver */
#define SITE_LEN	512

/* Per sweep: what its injected faults did. */
struct tally {
	unsigned int points;	/* faults injected = points swept */
	unsigned int failed;	/* ... that made the operation fail */
	unsigned int absorbed;	/* ... that it completed anyway */
	unsigned int in_driver;	/* ... with a module frame in its trace */
	unsigned int enomem;	/* ... in the driver, failing with ENOMEM */
	unsigned int first, last;	/* the N of the first and last of those */
	unsigned int nsites;	/* the distinct call chains among them */
	char site[MAX_SITES][SITE_LEN];
};

/* From now on, the n-th fault point this thread reaches fails. */
static int arm(unsigned int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%u", n);

	return pwrite(fail_nth, s, len, 0) == len ? 0 : -1;
}

/*
 * After the operation: 1 if the armed fault was injected, 0 if the operation
 * ended before reaching it, -1 on error.  Leaves fail-nth at 0 (disarmed).
 *
 * Reading and writing fail-nth copy to and from user memory, and those
 * copies are fault points of this thread too: a read that finds exactly one
 * point left fails with EFAULT (so the operation did not reach its fault),
 * and the write that disarms may fail the same way; either way the counter
 * ends at 0, which the last read checks.
 */
static int fired(void)
{
	char s[16];
	ssize_t len = pread(fail_nth, s, sizeof(s) - 1, 0);
	long left;

	if (len < 0 && errno != EFAULT)
		return -1;
	if (len < 0) {
		left = 1;
	} else {
		s[len] = '\0';
		left = atol(s);
		if (left > 0 && pwrite(fail_nth, "0", 1, 0) != 1 &&
		    errno != EFAULT)
			return -1;
	}
	len = pread(fail_nth, s, sizeof(s) - 1, 0);
	if (len < 1 || s[0] != '0')
		return -1;
	return left == 0;
}

/*
 * One operation under fail-nth.  run() does the operation and returns its
 * result (>= 0) or -errno; judge() checks that result against the contract,
 * knowing whether a fault was injected.
 */
struct sweep {
	const char *name;
	int (*prepare)(void);
	long (*run)(void);
	void (*judge)(struct __test_metadata *_metadata, long ret,
		      int injected, int in_driver);
	int quiet;	/* list only the faults inside the driver */
	/*
	 * Sweep the N of the driver's faults again, until a pass finds no
	 * call chain not failed before.  Loading has hundreds of fault points
	 * before the driver's init, and their number can change from one load
	 * to the next (gcov's own allocations, which fail too): a shift by
	 * one while N crosses the driver steps over one of its points.
	 */
	int resweep;
};

/*
 * The call chain of the fault in the kernel log, innermost first, up to the
 * module's frame: a site of the driver.  Empty if the fault is not inside
 * the module.  Unreliable frames ("? ") are left out.
 */
static void driver_site(const char *log, char *site)
{
	const char *line = strstr(log, "FAULT_INJECTION: forcing a failure");
	const char *end, *text;
	size_t len = 0, n;

	site[0] = '\0';
	for (; line && *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		text = memchr(line, ';', end - line);
		if (!text || text[1] != ' ' || text[2] == '?')
			continue;
		text += 2;
		n = end - text;
		if (len + n + 2 >= SITE_LEN)
			break;
		memcpy(site + len, text, n);
		len += n;
		site[len++] = '<';
		site[len] = '\0';
		if (memmem(text, n, "[" HELLO_MODULE "]", strlen(HELLO_MODULE) + 2))
			return;
	}
	site[0] = '\0';
}

/* Notes a site of the driver; returns 1 if it is new to the tally. */
static int new_site(struct tally *t, const char *site)
{
	unsigned int i;

	for (i = 0; i < t->nsites; i++)
		if (!strcmp(t->site[i], site))
			return 0;
	if (t->nsites == MAX_SITES)
		return 0;
	snprintf(t->site[t->nsites++], SITE_LEN, "%s", site);
	return 1;
}

/*
 * The operation with its n-th fault point failing; 1 if it was reached.
 * Counts a new site of the driver in *new.
 */
static int attempt(struct __test_metadata *_metadata, const struct sweep *s,
		   struct tally *t, unsigned int n, int *new)
{
	static char site[SITE_LEN];
	int injected, drv;
	long ret;

	snprintf(at, sizeof(at), "%s, fault N=%u", s->name, n);
	ASSERT_EQ(0, s->prepare ? s->prepare() : 0) TH_LOG("%s: prepare", at);
	kmsg_since(kmsg);	/* drop what came before */
	ASSERT_EQ(0, arm(n)) TH_LOG("%s: arm fail-nth", at);
	ret = s->run();
	injected = fired();
	ASSERT_LE(0, injected) TH_LOG("%s: read back fail-nth", at);
	driver_site(injected ? kmsg_since(kmsg) : "", site);
	drv = site[0] != '\0';
	if (injected) {
		t->points++;
		t->failed += ret < 0;
		t->absorbed += ret >= 0;
		t->in_driver += drv;
		t->enomem += drv && ret == -ENOMEM;
		if (drv) {
			t->first = t->first ? t->first : n;
			t->last = n;
			*new += new_site(t, site);
		}
		if (drv || !s->quiet)
			ksft_print_msg("%s N=%u: %s %ld%s\n", s->name, n,
				       ret < 0 ? "error" : "returned", ret,
				       drv ? ", fault inside " HELLO_MODULE : "");
	}
	snprintf(at, sizeof(at), "%s with fault N=%u %s: returned %ld",
		 s->name, n, injected ? "injected" : "not reached", ret);
	s->judge(_metadata, ret, injected, drv);
	return injected;
}

static void sweep(struct __test_metadata *_metadata, const struct sweep *s,
		  struct tally *t)
{
	unsigned int n, pass, first, last;
	int new = 0;

	memset(t, 0, sizeof(*t));
	for (n = 1; n < MAX_POINTS; n++)
		if (!attempt(_metadata, s, t, n, &new))
			break;
	ASSERT_GT(MAX_POINTS, n) TH_LOG("%s: still injecting", s->name);
	/* again over the driver's points (and one on each side) */
	for (pass = 2; s->resweep && t->in_driver && new; pass++) {
		ASSERT_GE(4U, pass) TH_LOG("%s: pass %u still finds new sites "
					   "of the driver", s->name, pass - 1);
		first = t->first > 2 ? t->first - 2 : 1;
		last = t->last + 2;
		new = 0;
		for (n = first; n <= last; n++)
			attempt(_metadata, s, t, n, &new);
		ksft_print_msg("%s: pass %u over N=%u..%u: %d new sites of "
			       HELLO_MODULE "\n", s->name, pass, first, last,
			       new);
	}
	ksft_print_msg("%s: %u fault points swept: %u made it fail, %u not "
		       "(a short count, or the kernel recovered), %u inside "
		       HELLO_MODULE " at %u sites\n", s->name, t->points,
		       t->failed, t->absorbed, t->in_driver, t->nsites);
	ASSERT_LT(0U, t->points)
		TH_LOG("%s: fail-nth injected nothing", s->name);
}

/* ---- the state a failure may leave behind ------------------------------ */

static int listed(const char *file, const char *word)
{
	char line[256];
	FILE *f = fopen(file, "re");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		found += strstr(line, word) != NULL;
	fclose(f);
	return found;
}

static bool gone(const char *path)
{
	struct stat st;

	return stat(path, &st) && errno == ENOENT;
}

/* No module, no chrdev region, no class, no node. */
static void nothing_left(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, listed("/proc/modules", HELLO_MODULE " "))
		TH_LOG("%s: module still loaded", at);
	ASSERT_EQ(0, listed("/proc/devices", HELLO_MODULE))
		TH_LOG("%s: /proc/devices still lists " HELLO_MODULE, at);
	ASSERT_TRUE(gone("/sys/class/" HELLO_MODULE))
		TH_LOG("%s: /sys/class/" HELLO_MODULE " left behind", at);
	ASSERT_TRUE(gone(HELLO_DEV)) TH_LOG("%s: " HELLO_DEV " left behind",
					    at);
}

/* open, write, read back, close: the device works. */
static int works(void)
{
	unsigned char b[SZ];
	int fd = open(HELLO_DEV, O_RDWR | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, "works", 5) == 5 && pread(fd, b, SZ, 0) == SZ &&
	     !memcmp(b, "works", 5);
	return close(fd) == 0 && ok ? 0 : -1;
}

/* The module is loaded and works; then it unloads and leaves nothing. */
static void works_then_unload(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, works()) TH_LOG("%s: the device does not work", at);
	ASSERT_EQ(0, mod_unload()) TH_LOG("%s: unload", at);
	nothing_left(_metadata);
}

/* ---- the fixtures ------------------------------------------------------ */

/*
 * Both fixtures, after the module's state: fail-nth of this thread open,
 * the kernel log marked, the module's file open, failslab and
 * fail_usercopy set.  ignore-gfp-wait is set last: the teardown, which
 * restores it, runs only after a complete setup.
 */
static void injection_setup(struct __test_metadata *_metadata)
{
	fail_nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fail_nth) TH_LOG("no fail-nth (CONFIG_FAULT_INJECTION?)");
	kmsg = kmsg_mark();
	ASSERT_LE(0, kmsg) TH_LOG("/dev/kmsg");
	ko = open(HELLO_KO, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ko) TH_LOG(HELLO_KO);
	/* a stack trace per injected fault, to tell the driver's apart */
	ASSERT_EQ(0, write_file(DBG "failslab/verbose", "2"))
		TH_LOG("no failslab in debugfs (CONFIG_FAILSLAB?)");
	ASSERT_EQ(0, write_file(DBG "fail_usercopy/verbose", "2"))
		TH_LOG("no fail_usercopy (CONFIG_FAULT_INJECTION_USERCOPY?)");
	/* failslab skips GFP_KERNEL (sleeping) allocations unless told to */
	ASSERT_EQ(0, write_file(DBG "failslab/ignore-gfp-wait", "N"));
}

/*
 * No TH_LOG here: after a failed ASSERT the harness leaves its trigger
 * set, and a TH_LOG would print even though the check passed.
 */
static void injection_teardown(struct __test_metadata *_metadata)
{
	EXPECT_EQ(0, write_file(DBG "failslab/ignore-gfp-wait", "Y"));
}

/* The module's loading under fault injection: the module not loaded. */
FIXTURE(load_faults) {};

FIXTURE_SETUP(load_faults)
{
	int ret;

	ret = mod_unload();
	ASSERT_TRUE(ret == 0 || ret == -ENOENT)
		TH_LOG("unload: %s", strerror(-ret));
	snprintf(at, sizeof(at), "before the sweep");
	nothing_left(_metadata);
	injection_setup(_metadata);
}

FIXTURE_TEARDOWN_PARENT(load_faults)
{
	injection_teardown(_metadata);
}

/*
 * The file operations under fault injection: the module loaded (here, or
 * already).  Each case ends by unloading it: a failure must not leave the
 * module busy, nor anything behind.
 */
FIXTURE(faults) {};

FIXTURE_SETUP(faults)
{
	int ret;

	ret = mod_load("");
	ASSERT_TRUE(ret == 0 || ret == -EEXIST)
		TH_LOG("load: %s", strerror(-ret));
	injection_setup(_metadata);
}

FIXTURE_TEARDOWN_PARENT(faults)
{
	injection_teardown(_metadata);
}

/* ---- loading the module ------------------------------------------------ */

static long run_load(void)
{
	return syscall(SYS_finit_module, ko, "", 0) ? -errno : 0;
}

static void judge_load(struct __test_metadata *_metadata, long ret,
		       int injected, int in_driver)
{
	(void)in_driver;
	if (!injected || ret == 0) {
		/* loaded: by a clean run, or the kernel absorbed the fault */
		ASSERT_EQ(0, ret) TH_LOG("%s: load without a fault failed", at);
		works_then_unload(_metadata);
		return;
	}
	ASSERT_GT(0, ret) TH_LOG("%s: load failed without an errno", at);
	/* a failed load left nothing behind */
	nothing_left(_metadata);
	/* the next plain load succeeds */
	ASSERT_EQ(0, mod_load(""))
		TH_LOG("%s: plain load after a failed one", at);
	works_then_unload(_metadata);
}

TEST_F_TIMEOUT(load_faults, clean_and_next_load_works, LOAD_TIMEOUT)
{
	static const struct sweep s = { .name = "load", .run = run_load,
					.judge = judge_load, .quiet = 1,
					.resweep = 1 };
	struct tally t;

	sweep(_metadata, &s, &t);
	EXPECT_LT(0U, t.failed) TH_LOG("no injected fault failed the load");
	EXPECT_LT(0U, t.in_driver)
		TH_LOG("no fault was injected inside hello_init");
}

/* ---- open() ------------------------------------------------------------ */

static int opened = -1;

static long run_open(void)
{
	opened = open(HELLO_DEV, O_RDWR | O_CLOEXEC);
	return opened < 0 ? -errno : opened;
}

static void judge_open(struct __test_metadata *_metadata, long ret,
		       int injected, int in_driver)
{
	(void)injected;
	if (ret >= 0) {
		int ok = write(opened, "x", 1) == 1;

		ASSERT_TRUE(close(opened) == 0 && ok)
			TH_LOG("%s: the opened file works", at);
	} else {
		ASSERT_TRUE(ret == -ENOMEM || ret == -EFAULT)
			TH_LOG("%s: open failed with an unexpected errno", at);
		ASSERT_TRUE(!in_driver || ret == -ENOMEM)
			TH_LOG("%s: hello_open's allocation, not ENOMEM", at);
	}
	ASSERT_EQ(0, slab_live("", NULL, 0))
		TH_LOG("%s: module objects live with no file open", at);
	ASSERT_EQ(0, works()) TH_LOG("%s: the device stopped working", at);
}

TEST_F_TIMEOUT(faults, open_clean_errno_no_leak, SWEEP_TIMEOUT)
{
	static const struct sweep s = { .name = "open", .run = run_open,
					.judge = judge_open };
	struct tally t;

	sweep(_metadata, &s, &t);
	EXPECT_LT(0U, t.enomem) TH_LOG("no fault in hello_open gave ENOMEM");
	snprintf(at, sizeof(at), "after the open sweep");
	works_then_unload(_metadata);
}

/* ---- read and write with failing user copies --------------------------- */

/*
 * One file, known contents old[] before each operation, the offset at off.
 * new[] is what writes store; user[] is where reads land.
 */
static struct {
	int fd;
	off_t off;
	size_t count;		/* bytes asked for */
	unsigned char old[SZ], new[SZ], user[SZ];
} rw;

static int prepare_rw(void)
{
	if (pwrite(rw.fd, rw.old, SZ, 0) != SZ)
		return -1;
	memset(rw.user, 0x5a, SZ);
	return lseek(rw.fd, rw.off, SEEK_SET) == rw.off ? 0 : -1;
}

/* Two segments, so a fault in the second one gives a short count. */
static long run_read(void)
{
	ssize_t n = read(rw.fd, rw.user, rw.count);

	return n < 0 ? -errno : n;
}

static long run_readv(void)
{
	struct iovec v[] = { { rw.user, rw.count / 2 },
			     { rw.user + rw.count / 2, rw.count / 2 } };
	ssize_t n = readv(rw.fd, v, 2);

	return n < 0 ? -errno : n;
}

static long run_write(void)
{
	ssize_t n = write(rw.fd, rw.new, rw.count);

	return n < 0 ? -errno : n;
}

static long run_writev(void)
{
	struct iovec v[] = { { rw.new, rw.count / 2 },
			     { rw.new + rw.count / 2, rw.count / 2 } };
	ssize_t n = writev(rw.fd, v, 2);

	return n < 0 ? -errno : n;
}

/*
 * The contract: nothing copied is -EFAULT with offset (and, for a write,
 * the buffer) unchanged; otherwise a count, the offset advanced by it, and
 * exactly those bytes moved.  A fault that was injected must show.
 */
static void judge_rw(struct __test_metadata *_metadata, long ret,
		     int injected, int writing)
{
	size_t full = rw.count;
	unsigned char want[SZ], got[SZ];
	off_t want_off = ret > 0 ? rw.off + ret : rw.off;

	ASSERT_TRUE(ret == -EFAULT || (ret >= 0 && (size_t)ret <= full))
		TH_LOG("%s: result outside the contract", at);
	/* all of it moved exactly when no fault was injected */
	ASSERT_EQ(!injected, ret == (long)full)
		TH_LOG("%s, of %zu bytes", at, full);
	ASSERT_EQ(want_off, offset_of(rw.fd)) TH_LOG("%s: offset", at);
	memcpy(want, rw.old, SZ);
	if (writing && ret > 0)
		memcpy(want + rw.off, rw.new, ret);
	ASSERT_EQ(SZ, pread(rw.fd, got, SZ, 0)) TH_LOG("%s: pread", at);
	ASSERT_EQ(0, memcmp(got, want, SZ))
		TH_LOG("%s: the buffer holds other bytes than reported", at);
	ASSERT_TRUE(writing || ret <= 0 ||
		    !memcmp(rw.user, rw.old + rw.off, ret))
		TH_LOG("%s: read returned other bytes than the buffer's", at);
}

static void judge_read(struct __test_metadata *_metadata, long ret,
		       int injected, int in_driver)
{
	(void)in_driver;
	judge_rw(_metadata, ret, injected, 0);
}

static void judge_write(struct __test_metadata *_metadata, long ret,
			int injected, int in_driver)
{
	(void)in_driver;
	judge_rw(_metadata, ret, injected, 1);
}

static void rw_sweep(struct __test_metadata *_metadata,
		     const struct sweep *s, off_t off, size_t count)
{
	struct tally t;

	rw.fd = open(HELLO_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, rw.fd) TH_LOG("open " HELLO_DEV);
	rw.off = off;
	rw.count = count;
	fill_seq(rw.old, SZ, 1);
	fill_seq(rw.new, SZ, 101);
	sweep(_metadata, s, &t);
	ASSERT_EQ(0, close(rw.fd));
	EXPECT_LT(0U, t.in_driver)
		TH_LOG("no user copy fault inside " HELLO_MODULE);
	snprintf(at, sizeof(at), "after the %s sweep", s->name);
	works_then_unload(_metadata);
}

TEST_F_TIMEOUT(faults, read_keeps_contract, SWEEP_TIMEOUT)
{
	static const struct sweep s = {
		.name = "read", .prepare = prepare_rw, .run = run_read,
		.judge = judge_read,
	};

	rw_sweep(_metadata, &s, 3, SZ - 3);
}

TEST_F_TIMEOUT(faults, write_keeps_contract, SWEEP_TIMEOUT)
{
	static const struct sweep s = {
		.name = "write", .prepare = prepare_rw, .run = run_write,
		.judge = judge_write,
	};

	rw_sweep(_metadata, &s, 5, SZ - 5);
}

TEST_F_TIMEOUT(faults, readv_keeps_contract, SWEEP_TIMEOUT)
{
	static const struct sweep s = {
		.name = "readv", .prepare = prepare_rw, .run = run_readv,
		.judge = judge_read,
	};

	rw_sweep(_metadata, &s, 0, SZ);
}

TEST_F_TIMEOUT(faults, writev_keeps_contract, SWEEP_TIMEOUT)
{
	static const struct sweep s = {
		.name = "writev", .prepare = prepare_rw, .run = run_writev,
		.judge = judge_write,
	};

	rw_sweep(_metadata, &s, 0, SZ);
}

TEST_HARNESS_MAIN
