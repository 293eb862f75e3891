// SPDX-License-Identifier: GPL-2.0
/*
 * Systematic fault injection with fail-nth, run by `make check-debug` in the
 * sanitizer VM (Documentation/fault-injection/fault-injection.rst).
 *
 * For N = 1, 2, ...: write N to /proc/thread-self/fail-nth, then do one
 * operation in the same thread.  The N-th fault point the thread reaches (a
 * slab allocation through failslab, or a user copy through fail_usercopy)
 * fails.  The sweep of an operation ends at the first N it completes without
 * reaching: every point it has was failed once.  Operations: loading the
 * module, open(), and read/write/readv/writev.  After each injected failure
 * the result must be exactly what the contract says, nothing may be left
 * behind, and the device must keep working.  KASAN, lockdep and kmemleak
 * watch all of it; `make check-debug` reads their verdict from the console.
 *
 * Each injected fault prints its stack trace (the attribute's verbose=2);
 * a fault whose trace holds a frame of the module ("[hello_kmalloc]") is
 * counted as inside the driver.
 *
 * Runs as root with /hello_kmalloc.ko beside it and the module not loaded.
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

#include "lib.h"

#define SZ		HELLO_BUF_SIZE
#define MAX_POINTS	20000	/* a sweep still injecting here fails */
#define DBG		"/sys/kernel/debug/"

static int fail_nth = -1;	/* /proc/thread-self/fail-nth */
static int kmsg = -1;		/* the kernel log, read after each fault */
static int ko = -1;		/* the module file, for finit_module() */

/* Per sweep: what its injected faults did. */
struct tally {
	unsigned int points;	/* faults injected = points swept */
	unsigned int failed;	/* ... that made the operation fail */
	unsigned int absorbed;	/* ... that it completed anyway */
	unsigned int in_driver;	/* ... with a module frame in its trace */
	unsigned int enomem;	/* ... in the driver, failing with ENOMEM */
};

static struct tally totals[8];
static const char *total_names[8];
static size_t ntotals;

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
 * knowing whether a fault was injected, and returns 0 when it holds.
 */
struct sweep {
	const char *name;
	int (*prepare)(void);
	long (*run)(void);
	int (*judge)(long ret, int injected, int in_driver);
	int quiet;	/* list only the faults inside the driver */
};

static int in_driver_trace(const char *log)
{
	const char *f = strstr(log, "FAULT_INJECTION: forcing a failure");

	return f && strstr(f, "[" HELLO_MODULE "]");
}

static int sweep(const struct sweep *s, struct tally *t)
{
	unsigned int n;
	int injected, drv;
	long ret;

	memset(t, 0, sizeof(*t));
	for (n = 1; n < MAX_POINTS; n++) {
		ASSERT(!s->prepare || s->prepare() == 0, "%s: prepare",
		       s->name);
		kmsg_since(kmsg);	/* drop what came before */
		ASSERT(arm(n) == 0, "arm fail-nth");
		ret = s->run();
		injected = fired();
		ASSERT(injected >= 0, "read back fail-nth after N=%u", n);
		drv = injected && in_driver_trace(kmsg_since(kmsg));
		if (injected) {
			t->points++;
			t->failed += ret < 0;
			t->absorbed += ret >= 0;
			t->in_driver += drv;
			t->enomem += drv && ret == -ENOMEM;
			if (drv || !s->quiet)
				diag("%s N=%u: %s %ld%s", s->name, n,
				     ret < 0 ? "error" : "returned", ret,
				     drv ? ", fault inside hello_kmalloc" : "");
		}
		errno = ret < 0 ? -ret : 0;
		ASSERT(s->judge(ret, injected, drv) == 0,
		       "%s with fault N=%u %s: returned %ld", s->name, n,
		       injected ? "injected" : "not reached", ret);
		if (!injected)
			break;
	}
	ASSERT(n < MAX_POINTS, "%s: still injecting at N=%u", s->name, n);
	diag("%s: %u fault points swept: %u made it fail, %u not (a short "
	     "count, or the kernel recovered), %u inside hello_kmalloc",
	     s->name, t->points, t->failed, t->absorbed, t->in_driver);
	if (ntotals < ARRAY_SIZE(totals)) {
		total_names[ntotals] = s->name;
		totals[ntotals++] = *t;
	}
	ASSERT(t->points > 0, "%s: fail-nth injected nothing", s->name);
	return 0;
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

/* No module, no chrdev region, no class, no node. */
static int nothing_left(void)
{
	struct stat st;

	ASSERT(listed("/proc/modules", HELLO_MODULE " ") == 0,
	       "module still loaded");
	ASSERT(listed("/proc/devices", HELLO_MODULE) == 0,
	       "/proc/devices still lists " HELLO_MODULE);
	ASSERT(stat("/sys/class/" HELLO_MODULE, &st) && errno == ENOENT,
	       "/sys/class/" HELLO_MODULE " left behind");
	ASSERT(stat(HELLO_DEV, &st) && errno == ENOENT,
	       HELLO_DEV " left behind");
	return 0;
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
static int works_then_unload(void)
{
	int ret;

	ASSERT(works() == 0, "device does not work");
	ret = mod_unload();
	errno = -ret;
	ASSERT(ret == 0, "unload");
	return nothing_left();
}

/* ---- loading the module ------------------------------------------------ */

static long run_load(void)
{
	return syscall(SYS_finit_module, ko, "", 0) ? -errno : 0;
}

static int judge_load(long ret, int injected, int in_driver)
{
	(void)in_driver;
	if (!injected || ret == 0) {
		/* loaded: by a clean run, or the kernel absorbed the fault */
		ASSERT(ret == 0, "load without a fault failed");
		return works_then_unload();
	}
	ASSERT(ret < 0, "load failed without an errno");
	ASSERT(nothing_left() == 0, "a failed load left something behind");
	/* the next plain load succeeds */
	ret = mod_load("");
	errno = -ret;
	ASSERT(ret == 0, "plain load after a failed one");
	return works_then_unload();
}

static int t_sweep_load(void)
{
	static const struct sweep s = { .name = "load", .run = run_load,
					.judge = judge_load, .quiet = 1 };
	struct tally t;

	ASSERT(nothing_left() == 0, "module loaded before the sweep");
	ASSERT(sweep(&s, &t) == 0, "sweep");
	ASSERT(t.failed > 0, "no injected fault failed the load");
	ASSERT(t.in_driver > 0, "no fault was injected inside hello_init");
	return 0;
}

/* ---- open() ------------------------------------------------------------ */

static int opened = -1;

static long run_open(void)
{
	opened = open(HELLO_DEV, O_RDWR | O_CLOEXEC);
	return opened < 0 ? -errno : opened;
}

static int judge_open(long ret, int injected, int in_driver)
{
	long live;

	(void)injected;
	if (ret >= 0) {
		int ok = write(opened, "x", 1) == 1;

		ASSERT(close(opened) == 0 && ok, "the opened file works");
	} else {
		ASSERT(ret == -ENOMEM || ret == -EFAULT,
		       "open failed with an unexpected errno");
		ASSERT(!in_driver || ret == -ENOMEM,
		       "hello_open's allocation failed, but not with ENOMEM");
	}
	live = slab_live("", NULL, 0);
	ASSERT(live == 0, "%ld module objects live with no file open", live);
	ASSERT(works() == 0, "device stopped working");
	return 0;
}

static int t_sweep_open(void)
{
	static const struct sweep s = { .name = "open", .run = run_open,
					.judge = judge_open };
	struct tally t;
	int ret = mod_load("");

	errno = -ret;
	ASSERT(ret == 0, "load");
	ASSERT(sweep(&s, &t) == 0, "sweep");
	ASSERT(t.enomem > 0, "no fault in hello_open gave ENOMEM");
	return 0;
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
static int judge_rw(long ret, int injected, int writing)
{
	size_t full = rw.count;
	unsigned char want[SZ], got[SZ];
	off_t at = ret > 0 ? rw.off + ret : rw.off;

	ASSERT(ret == -EFAULT || (ret >= 0 && (size_t)ret <= full),
	       "result outside the contract");
	ASSERT(injected ? ret != (long)full : ret == (long)full,
	       "injected=%d but %ld of %zu bytes moved", injected, ret, full);
	ASSERT(offset_of(rw.fd) == at, "offset %lld, want %lld",
	       (long long)offset_of(rw.fd), (long long)at);
	memcpy(want, rw.old, SZ);
	if (writing && ret > 0)
		memcpy(want + rw.off, rw.new, ret);
	ASSERT(pread(rw.fd, got, SZ, 0) == SZ, "pread");
	ASSERT(!memcmp(got, want, SZ), "buffer holds other bytes than the "
	       "%ld reported", ret);
	if (!writing && ret > 0)
		ASSERT(!memcmp(rw.user, rw.old + rw.off, ret),
		       "read returned other bytes than the buffer's");
	return 0;
}

static int judge_read(long ret, int injected, int in_driver)
{
	(void)in_driver;
	return judge_rw(ret, injected, 0);
}

static int judge_write(long ret, int injected, int in_driver)
{
	(void)in_driver;
	return judge_rw(ret, injected, 1);
}

static int rw_sweep(const struct sweep *s, off_t off, size_t count)
{
	struct tally t;

	rw.fd = open(HELLO_DEV, O_RDWR | O_CLOEXEC);
	ASSERT(rw.fd >= 0, "open");
	rw.off = off;
	rw.count = count;
	fill_seq(rw.old, SZ, 1);
	fill_seq(rw.new, SZ, 101);
	ASSERT(sweep(s, &t) == 0, "sweep");
	ASSERT(close(rw.fd) == 0, "close");
	ASSERT(t.in_driver > 0, "no user copy fault inside hello_kmalloc");
	return 0;
}

static int t_sweep_read(void)
{
	static const struct sweep s = {
		.name = "read", .prepare = prepare_rw, .run = run_read,
		.judge = judge_read,
	};

	return rw_sweep(&s, 3, SZ - 3);
}

static int t_sweep_write(void)
{
	static const struct sweep s = {
		.name = "write", .prepare = prepare_rw, .run = run_write,
		.judge = judge_write,
	};

	return rw_sweep(&s, 5, SZ - 5);
}

static int t_sweep_readv(void)
{
	static const struct sweep s = {
		.name = "readv", .prepare = prepare_rw, .run = run_readv,
		.judge = judge_read,
	};

	return rw_sweep(&s, 0, SZ);
}

static int t_sweep_writev(void)
{
	static const struct sweep s = {
		.name = "writev", .prepare = prepare_rw, .run = run_writev,
		.judge = judge_write,
	};

	return rw_sweep(&s, 0, SZ);
}

/* ---- setup and the end ------------------------------------------------- */

static int t_setup(void)
{
	/* failslab skips GFP_KERNEL (sleeping) allocations unless told to */
	ASSERT(write_file(DBG "failslab/ignore-gfp-wait", "N") == 0,
	       "no failslab in debugfs (CONFIG_FAILSLAB?)");
	/* a stack trace per injected fault, to tell the driver's apart */
	ASSERT(write_file(DBG "failslab/verbose", "2") == 0 &&
	       write_file(DBG "fail_usercopy/verbose", "2") == 0,
	       "no fail_usercopy (CONFIG_FAULT_INJECTION_USERCOPY?)");
	fail_nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ASSERT(fail_nth >= 0, "no fail-nth (CONFIG_FAULT_INJECTION?)");
	kmsg = kmsg_mark();
	ASSERT(kmsg >= 0, "/dev/kmsg");
	ko = open(HELLO_KO, O_RDONLY | O_CLOEXEC);
	ASSERT(ko >= 0, HELLO_KO);
	return 0;
}

static int t_unload(void)
{
	int ret = mod_unload();

	errno = -ret;
	ASSERT(ret == 0, "unload after the sweeps");
	ASSERT(nothing_left() == 0, "unload left something");
	ASSERT(write_file(DBG "failslab/ignore-gfp-wait", "Y") == 0,
	       "restore ignore-gfp-wait");
	return 0;
}

static const struct tcase cases[] = {
	{ "faults: fail-nth, failslab and fail_usercopy are there", t_setup },
	{ "faults: each failure of a module load is clean, next load works",
	  t_sweep_load },
	{ "faults: each failure of open() is a clean errno, no leak",
	  t_sweep_open },
	{ "faults: read() with failing user copies keeps the contract",
	  t_sweep_read },
	{ "faults: write() with failing user copies keeps the contract",
	  t_sweep_write },
	{ "faults: readv() with failing user copies keeps the contract",
	  t_sweep_readv },
	{ "faults: writev() with failing user copies keeps the contract",
	  t_sweep_writev },
	{ "faults: the module unloads after the sweeps", t_unload },
};

int main(void)
{
	int ret;

	/* fail-nth belongs to this thread, and the tallies are printed below */
	tap_fork = 0;
	ret = tap_run(cases, ARRAY_SIZE(cases));
	size_t i;

	printf("# fault points swept per operation:");
	for (i = 0; i < ntotals; i++)
		printf(" %s %u (%u in the driver)%s", total_names[i],
		       totals[i].points, totals[i].in_driver,
		       i + 1 < ntotals ? "," : "\n");
	if (!ntotals)
		putchar('\n');
	return ret;
}
