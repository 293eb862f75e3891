// SPDX-License-Identifier: GPL-2.0
/*
 * hello_kmalloc against the syscall floor: the kernel's own trivial devices
 * (/dev/zero, /dev/null) in the same boot.  Runs as root inside a VM with
 * /hello_kmalloc.ko beside it, and reports through kselftest.h.
 *
 *   bench          15 rounds, and the targets as cases
 *   bench --floor  the same, plus /dev/hello_floor (tests/floor, loaded by
 *                  the caller) against the same baselines: the cost of the
 *                  user copy alone, which no driver avoids (make bench)
 *   bench --short  what `make check` runs: 3 short rounds; checks only that
 *                  every sample ran and gave sane numbers (a slow or busy
 *                  machine must not fail it)
 *   bench --exact [--short] [--kernel NAME] [--gate BASELINE]
 *                  in a VM that counts instructions (tests/tiers: cpu
 *                  exact): instructions per op on /dev/hello0, the floor
 *                  device and the kernel's devices, and the targets (not
 *                  with --short); with --gate, the driver's own counts
 *                  against BASELINE's rows for kernel NAME (make check)
 *
 * The host is shared, so a round of a pair alternates ours and the
 * baseline in short batches and keeps each side's median batch: the other
 * jobs of the host stretch the batches they preempt, not the median.  The
 * 2-thread rows need wall-clock throughput instead: the best of several
 * alternated slices per side.
 *
 * Cost ratio = our time per op / the baseline's time per op
 *            = baseline ops/s / our ops/s  (1.00 = as cheap as the baseline).
 * Speedup    = ops/s with 2 threads (one fd each) / ops/s with 1 thread.
 *
 * What the host reads: the "# | ..." table lines and the "# round" line of
 * every sample (tests/host/chart.sh), the "# copy-related" line
 * (tests/host/hosts.sh), and in exact mode the "# baseline" lines
 * (tests/host/baseline.sh).  What an open costs in memory is the suite's
 * (open.buffer_memcg_charged, scale.*) and the lesson's (act 3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest.h"
#include "lib.h"

#define MAX_ROUNDS	64
#define MAX_BATCHES	1000
#define FLOOR_DEV	"/dev/hello_floor"

struct mode {
	int rounds;
	int batches;		/* per side and round of a cost pair */
	int slices;		/* per side and round of a speedup pair */
	double secs;		/* length of one slice */
	bool targets;		/* judge the targets (not with --short) */
};

static const struct mode full = { 15, 500, 10, 0.02, true };

static const struct mode quick = { 3, 20, 2, 0.005, false };

/* exact mode: the cost pairs' batches only */
static const struct mode exact_full = {
	.rounds = 11, .batches = 101, .targets = true
};

static const struct mode exact_quick = { .rounds = 3, .batches = 31 };

static const struct mode *m = &full;
static bool opt_floor, opt_exact;
static const char *opt_kernel = "-", *opt_gate;
static struct utsname uts;

enum op { PREAD64, PWRITE64, PREAD1, PWRITE1, OPEN_CLOSE };

/* One row: "ours" and "base" sampled alternately, round after round. */
struct pair {
	const char *name, *what;
	enum op op;
	const char *ours, *base;
	int ours_thr, base_thr;
	double target;		/* max median cost ratio; 0: none */
	bool speedup;		/* ratio = ours/base ops/s, not a cost */
	double ours_ops[MAX_ROUNDS], base_ops[MAX_ROUNDS], ratio[MAX_ROUNDS];
};

#define ROW(n, w, o, us, them, nus, nthem, tgt, sp)			\
	{ .name = n, .what = w, .op = o, .ours = us, .base = them,	\
	  .ours_thr = nus, .base_thr = nthem, .target = tgt, .speedup = sp }

static struct pair pairs[] = {
	ROW("read64", "pread 64 B at 0", PREAD64, HELLO_DEV, "/dev/zero",
	    1, 1, 1.15, false),
	ROW("write64", "pwrite 64 B at 0", PWRITE64, HELLO_DEV, "/dev/null",
	    1, 1, 1.25, false),
	ROW("open+close", "open O_RDWR, close", OPEN_CLOSE, HELLO_DEV,
	    "/dev/null", 1, 1, 1.15, false),
	ROW("read1", "pread 1 B at 0", PREAD1, HELLO_DEV, "/dev/zero",
	    1, 1, 0, false),
	ROW("write1", "pwrite 1 B at 0", PWRITE1, HELLO_DEV, "/dev/null",
	    1, 1, 0, false),
	ROW("read64-floor", "pread 64 B at 0", PREAD64, FLOOR_DEV,
	    "/dev/zero", 1, 1, 0, false),
	ROW("write64-floor", "pwrite 64 B at 0", PWRITE64, FLOOR_DEV,
	    "/dev/null", 1, 1, 0, false),
	ROW("2thr-read64", "pread 64 B", PREAD64, HELLO_DEV, HELLO_DEV,
	    2, 1, 0, true),
	ROW("2thr-read64-zero", "pread 64 B", PREAD64, "/dev/zero",
	    "/dev/zero", 2, 1, 0, true),
	ROW("2thr-open+close", "open+close", OPEN_CLOSE, HELLO_DEV, HELLO_DEV,
	    2, 1, 0, true),
	ROW("2thr-open+close-null", "open+close", OPEN_CLOSE, "/dev/null",
	    "/dev/null", 2, 1, 0, true),
};

static bool is_floor(const struct pair *p)
{
	return !strcmp(p->ours, FLOOR_DEV);
}

/* The floor rows are measured only with --floor. */
static bool measured(const struct pair *p)
{
	return opt_floor || !is_floor(p);
}

/* A row whose target this run judges: a case "wallclock.target_NAME". */
static bool judged(const struct pair *p)
{
	return m->targets && p->target && measured(p);
}

/*
 * A clock for short intervals.  The TCG guest's clocksource is the HPET
 * (its TSCs are "unsynchronized"), so clock_gettime() is a system call
 * with an emulated MMIO read in it; the TSC read directly by a thread
 * pinned to one vCPU is cheap and steady.  Only ratios of ticks are used,
 * plus ticks_per_sec() to print ops/s.
 */
static unsigned long long ticks(void)
{
#ifdef __x86_64__
	return __builtin_ia32_rdtsc();
#else
	return now() * 1e9;
#endif
}

static double ticks_per_sec(void)
{
	static double hz;
	double t0, t;
	unsigned long long k0;

	if (!hz) {
		t0 = now();
		k0 = ticks();
		usleep(200000);
		t = now();
		hz = (ticks() - k0) / (t - t0);
	}
	return hz;
}

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* ---- throughput --------------------------------------------------------- */

struct worker {
	enum op op;
	const char *path;
	pthread_barrier_t *start;
	int cpu;
	double ops_per_sec;
	int err;		/* errno of the first failed call, or 0 */
	const char *what;	/* the call that failed */
};

/* One op; 0 or -1 with errno set and w->what naming the call. */
static int one_op(struct worker *w, int fd, unsigned char *buf)
{
	ssize_t n, want = w->op == PREAD64 || w->op == PWRITE64 ? 64 : 1;

	switch (w->op) {
	case PREAD64:
	case PREAD1:
		n = pread(fd, buf, want, 0);
		w->what = "pread";
		break;
	case PWRITE64:
	case PWRITE1:
		n = pwrite(fd, buf, want, 0);
		w->what = "pwrite";
		break;
	default:
		fd = open(w->path, O_RDWR | O_CLOEXEC);
		w->what = "open";
		if (fd < 0)
			return -1;
		w->what = "close";
		return close(fd);
	}
	if (n == want)
		return 0;
	if (n >= 0)
		errno = EIO;	/* a short count: not what we measure */
	return -1;
}

static int open_for(struct worker *w)
{
	int fd = -1;

	if (w->op != OPEN_CLOSE) {
		fd = open(w->path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			w->err = errno;
			w->what = "open";
		}
	}
	return fd;
}

static void close_for(struct worker *w, int fd)
{
	if (fd >= 0 && close(fd) && !w->err) {
		w->err = errno;
		w->what = "close";
	}
}

/* Ticks that n ops take, on fds[0], fds[1], ... in turn; 0 on error. */
static unsigned long long timed_spread(struct worker *w, const int *fds,
				       int nfd, int n)
{
	unsigned char buf[64] = { 1, 2, 3 };
	unsigned long long t0 = ticks();
	int i;

	for (i = 0; i < n; i++) {
		if (one_op(w, fds[i % nfd], buf)) {
			w->err = errno;
			return 0;
		}
	}
	return ticks() - t0;
}

/* Ticks that n ops on fd take, or 0 with w->err set. */
static unsigned long long timed_batch(struct worker *w, int fd, int n)
{
	return timed_spread(w, &fd, 1, n);
}

static int batch_ops(enum op op)
{
	/* wall clock: 50-150 us in the VM; exact: see xcount() */
	if (op == OPEN_CLOSE)
		return 4;
	return opt_exact ? 128 : 32;
}

/* Ops/s of one thread on its own vCPU, for m->secs. */
static void *run_worker(void *arg)
{
	struct worker *w = arg;
	unsigned long long t0, t = 0, limit = m->secs * ticks_per_sec();
	long ops = 0;
	int fd = open_for(w), n = batch_ops(w->op);

	if (pin_to_cpu(w->cpu) && !w->err) {
		w->err = errno;
		w->what = "sched_setaffinity";
	}
	pthread_barrier_wait(w->start);
	t0 = ticks();
	while (!w->err && t < limit) {
		timed_batch(w, fd, n);
		ops += n;
		t = ticks() - t0;
	}
	if (!w->err)
		w->ops_per_sec = ops * ticks_per_sec() / t;
	close_for(w, fd);
	return NULL;
}

/* Total ops/s of nthr threads doing op on path, each with its own fd. */
static double sample(enum op op, const char *path, int nthr)
{
	struct worker w[2];
	pthread_t tid[2];
	pthread_barrier_t start;
	double total = 0;
	int i, e;

	pthread_barrier_init(&start, NULL, nthr);
	for (i = 0; i < nthr; i++) {
		w[i] = (struct worker){ .op = op, .path = path,
					.start = &start, .cpu = i };
		e = pthread_create(&tid[i], NULL, run_worker, &w[i]);
		if (e)		/* the barrier would never open */
			ksft_exit_fail_msg("pthread_create: %s\n",
					   strerror(e));
	}
	for (i = 0; i < nthr; i++)
		pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&start);
	for (i = 0; i < nthr; i++) {
		if (w[i].err) {
			ksft_print_msg("%s on %s: %s\n", w[i].what, path,
				       strerror(w[i].err));
			return -1;
		}
		total += w[i].ops_per_sec;
	}
	return total;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double vmin(const double *v, int n)
{
	double x = v[0];

	while (n--)
		x = fmin(x, v[n]);
	return x;
}

static double vmax(const double *v, int n)
{
	double x = v[0];

	while (n--)
		x = fmax(x, v[n]);
	return x;
}

static bool sane(double x)
{
	return isfinite(x) && x > 0;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return (x > y) - (x < y);
}

static double median_ticks(unsigned long long *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_ull);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/*
 * One round of a cost pair, on this thread (pinned to CPU 0): batches of
 * ours and of the baseline alternate (ours, base, base, ours, ...) and
 * each side's rate is its median batch.  A host that preempts the VM
 * stretches the few batches it cuts through, not the median.
 */
static bool cost_round(struct pair *p, int r)
{
	static unsigned long long to[MAX_BATCHES], tb[MAX_BATCHES];
	struct worker o = { .op = p->op, .path = p->ours };
	struct worker b = { .op = p->op, .path = p->base };
	int fo = open_for(&o), fb = open_for(&b), n = batch_ops(p->op), k;
	double hz = ticks_per_sec();

	for (k = 0; k < m->batches && !o.err && !b.err; k++) {
		if (k % 2) {
			tb[k] = timed_batch(&b, fb, n);
			to[k] = timed_batch(&o, fo, n);
		} else {
			to[k] = timed_batch(&o, fo, n);
			tb[k] = timed_batch(&b, fb, n);
		}
	}
	close_for(&o, fo);
	close_for(&b, fb);
	if (o.err || b.err) {
		ksft_print_msg("%s on %s: %s\n", o.err ? o.what : b.what,
			       o.err ? p->ours : p->base,
			       strerror(o.err ?: b.err));
		return false;
	}
	p->ours_ops[r] = n * hz / median_ticks(to, m->batches);
	p->base_ops[r] = n * hz / median_ticks(tb, m->batches);
	return true;
}

/* A speedup pair's round: the best of alternated wall-clock slices. */
static bool speedup_round(struct pair *p, int r)
{
	double o = 0, b = 0, x, y;
	int k;

	for (k = 0; k < m->slices; k++) {
		x = sample(p->op, p->ours, p->ours_thr);
		y = sample(p->op, p->base, p->base_thr);
		if (!sane(x) || !sane(y))
			return false;
		o = fmax(o, x);
		b = fmax(b, y);
	}
	p->ours_ops[r] = o;
	p->base_ops[r] = b;
	return true;
}

/*
 * Every pair, round after round, so that all see the same machine; a
 * "# round NAME ROUND OURS BASE RATIO" line each (tests/host/chart.sh).
 */
static bool run_rounds(void)
{
	struct pair *p;
	int r;

	if (pin_to_cpu(0)) {
		ksft_perror("sched_setaffinity");
		return false;
	}
	/* one unrecorded round to warm caches and fault in the code */
	for (r = 0; r <= m->rounds; r++) {
		for (p = pairs; p < pairs + ARRAY_SIZE(pairs); p++) {
			int i = r ? r - 1 : 0;

			if (!measured(p))
				continue;
			if (!(p->speedup ? speedup_round(p, i)
					 : cost_round(p, i)))
				return false;
			p->ratio[i] = p->speedup
				? p->ours_ops[i] / p->base_ops[i]
				: p->base_ops[i] / p->ours_ops[i];
			if (!sane(p->ratio[i])) {
				ksft_print_msg("%s: round %d gave no positive rate\n",
					       p->name, r);
				return false;
			}
			if (r)
				ksft_print_msg("round %s %d %.0f %.0f %.4f\n",
					       p->name, r, p->ours_ops[i],
					       p->base_ops[i], p->ratio[i]);
		}
	}
	return true;
}

/* The two tables of docs/performance.md's wall-clock mode. */
static void print_tables(void)
{
	const struct pair *p;
	int n = m->rounds;

	ksft_print_msg("cost ratio = time per op on the device / on the baseline: "
		       "median (min-max) of %d rounds of %d batches per side\n",
		       n, m->batches);
	ksft_print_msg("| test | op | device ops/s | baseline | baseline ops/s "
		       "| cost ratio, median (min-max) | target |\n");
	ksft_print_msg("|---|---|---:|---|---:|---|---|\n");
	for (p = pairs; p < pairs + ARRAY_SIZE(pairs); p++) {
		char target[32] = "-";

		if (p->speedup || !measured(p))
			continue;
		if (p->target)
			snprintf(target, sizeof(target), "<= %.2f %s",
				 p->target,
				 median(p->ratio, n) <= p->target ? "met"
								   : "MISSED");
		ksft_print_msg("| %s | %s%s%s | %.0f | %s | %.0f | %.3f (%.3f-%.3f) | %s |\n",
			       p->name, p->what, is_floor(p) ? " on " : "",
			       is_floor(p) ? p->ours : "",
			       median(p->ours_ops, n), p->base,
			       median(p->base_ops, n), median(p->ratio, n),
			       vmin(p->ratio, n), vmax(p->ratio, n), target);
	}
	ksft_print_msg("speedup = ops/s of 2 threads (one fd, one vCPU each) / of 1: "
		       "each round the best of %d slices of %.0f ms per side\n",
		       m->slices, m->secs * 1000);
	ksft_print_msg("| test | op | 2 threads ops/s | 1 thread ops/s "
		       "| speedup, median (min-max) |\n");
	ksft_print_msg("|---|---|---:|---:|---|\n");
	for (p = pairs; p < pairs + ARRAY_SIZE(pairs); p++) {
		if (!p->speedup || !measured(p))
			continue;
		ksft_print_msg("| %s | %s on %s | %.0f | %.0f | %.2f (%.2f-%.2f) |\n",
			       p->name, p->what, p->ours,
			       median(p->ours_ops, n), median(p->base_ops, n),
			       median(p->ratio, n), vmin(p->ratio, n),
			       vmax(p->ratio, n));
	}
}

static void judge_pairs(void)
{
	const struct pair *p;
	int n = m->rounds;

	for (p = pairs; p < pairs + ARRAY_SIZE(pairs); p++) {
		double med = median(p->ratio, n);

		if (!judged(p))
			continue;
		ksft_print_msg("%s: median cost ratio %.3f, target <= %.2f (vs %s)\n",
			       p->name, med, p->target, p->base);
		ksft_test_result(sane(med) && med <= p->target,
				 "wallclock.target_%s\n", p->name);
	}
}

/* ---- exact mode --------------------------------------------------------- */

/*
 * Under qemu -icount shift=0 (cpu exact in tests/tiers) the guest's clock
 * and its TSC advance by exactly one per instruction executed, so ticks()
 * counts instructions: what an op costs is a number, the same in every
 * run, not a rate the host's load moves.  With one vCPU the 2-thread rows
 * cannot run, and the memory rows belong to the wall-clock run: neither
 * is reported here.
 *
 * Each device's count per op is the median of batches of n ops, less the
 * median of empty batches (the clock reads and the loop around them).  A
 * row's floor is what any driver pays for the op: /dev/hello_floor for a
 * copy, /dev/null for open+close (the misc device core the floor device
 * sits on has a lookup of its own).  The driver's own count is hello0 -
 * floor, and that is what the gate holds against tests/bench-baseline.
 */
#define GATE_SLACK	1.05	/* own count may exceed the baseline by 5% */

struct xrow {
	const char *name, *what;
	enum op op;
	const char *base;	/* the kernel's own device */
	const char *floor;	/* what any driver pays for the op */
	double target;		/* max hello0 / floor; 0: none */
	double dev[MAX_ROUNDS], flo[MAX_ROUNDS], kern[MAX_ROUNDS];
	double own[MAX_ROUNDS];
};

#define XROW(n, w, o, b, f, t)						\
	{ .name = n, .what = w, .op = o, .base = b, .floor = f, .target = t }

static struct xrow xrows[] = {
	XROW("read64", "pread 64 B at 0", PREAD64, "/dev/zero", FLOOR_DEV,
	     1.03),
	XROW("write64", "pwrite 64 B at 0", PWRITE64, "/dev/null", FLOOR_DEV,
	     1.05),
	XROW("open+close", "open O_RDWR, close", OPEN_CLOSE, "/dev/null",
	     "/dev/null", 1.05),
	XROW("read1", "pread 1 B at 0", PREAD1, "/dev/zero", FLOOR_DEV, 0),
	XROW("write1", "pwrite 1 B at 0", PWRITE1, "/dev/null", FLOOR_DEV, 0),
};

/* A row whose target this run judges: a case "exact.target_NAME". */
static bool xjudged(const struct xrow *x)
{
	return m->targets && x->target;
}

static double empty_batch;

/*
 * Instructions per op on path: its median batch, less an empty batch.  A
 * batch spreads its ops over XFDS open files, so that it sees many of the
 * driver's buffers, not the one a boot happened to give, and is long
 * enough to average what varies op by op: the kernel moves its stack by a
 * random offset each system call, and 6.12's memcpy() without FSRM takes
 * its path by address.
 */
#define XFDS	32

static double xcount(enum op op, const char *path)
{
	static unsigned long long t[MAX_BATCHES];
	struct worker w = { .op = op, .path = path };
	int fds[XFDS], n = batch_ops(op), k, i;

	for (i = 0; i < XFDS; i++)
		fds[i] = open_for(&w);
	if (!w.err)
		timed_spread(&w, fds, XFDS, n);	/* fault in, warm up */
	for (k = 0; k < m->batches && !w.err; k++)
		t[k] = timed_spread(&w, fds, XFDS, n);
	for (i = 0; i < XFDS; i++)
		close_for(&w, fds[i]);
	if (w.err) {
		ksft_print_msg("%s on %s: %s\n", w.what, path,
			       strerror(w.err));
		return -1;
	}
	return (median_ticks(t, m->batches) - empty_batch) / n;
}

/* An exact run needs a clock that counts instructions: 1 tick each. */
static bool counts_instructions(void)
{
	static unsigned long long t[MAX_BATCHES];
	struct worker w = { 0 };
	double hz = ticks_per_sec();
	int k;

	for (k = 0; k < m->batches; k++)
		t[k] = timed_batch(&w, -1, 0);
	empty_batch = median_ticks(t, m->batches);
	ksft_print_msg("the clock runs at %.3f MHz (1000 if it counts "
		       "instructions); an empty batch is %.0f instructions\n",
		       hz / 1e6, empty_batch);
	return fabs(hz - 1e9) < 1e6;	/* within 0.1% */
}

static bool xrounds(void)
{
	struct xrow *x;
	int r;

	for (r = 0; r < m->rounds; r++) {
		for (x = xrows; x < xrows + ARRAY_SIZE(xrows); x++) {
			x->dev[r] = xcount(x->op, HELLO_DEV);
			x->flo[r] = xcount(x->op, x->floor);
			x->kern[r] = strcmp(x->floor, x->base)
				? xcount(x->op, x->base) : x->flo[r];
			x->own[r] = x->dev[r] - x->flo[r];
			if (!sane(x->dev[r]) || !sane(x->flo[r]) ||
			    !sane(x->kern[r])) {
				ksft_print_msg("%s: round %d: not all positive: "
					       "%.1f, floor %.1f, %s %.1f\n",
					       x->name, r + 1, x->dev[r],
					       x->flo[r], x->base,
					       x->kern[r]);
				return false;
			}
		}
	}
	return true;
}

/* The largest (max - min) / median over the rounds, of the three counts. */
static double xspread(const struct xrow *x)
{
	const double *v[] = { x->dev, x->flo, x->kern };
	double s = 0;
	size_t i;
	int n = m->rounds;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		s = fmax(s, (vmax(v[i], n) - vmin(v[i], n)) /
			    median(v[i], n));
	return s;
}

/* docs/performance.md's exact table, and tests/bench-baseline's rows. */
static void xtable(void)
{
	const struct xrow *x;
	int n = m->rounds;

	ksft_print_msg("guest instructions per op, median of %d rounds of %d "
		       "batches per device; floor: %s for the copies, "
		       "/dev/null for open+close; own = hello0 - floor\n",
		       n, m->batches, FLOOR_DEV);
	ksft_print_msg("| test | op | /dev/hello0 | floor | own "
		       "| hello0 / floor | target | baseline | baseline count "
		       "| hello0 / baseline | spread of rounds |\n");
	ksft_print_msg("|---|---|---:|---:|---:|---:|---|---|---:|---:|---:|\n");
	for (x = xrows; x < xrows + ARRAY_SIZE(xrows); x++) {
		double d = median(x->dev, n), f = median(x->flo, n);
		double k = median(x->kern, n);
		char target[32] = "-";

		if (x->target)
			snprintf(target, sizeof(target), "<= %.2f %s",
				 x->target, d / f <= x->target ? "met"
							       : "MISSED");
		ksft_print_msg("| %s | %s | %.1f | %.1f | %.1f | %.3f | %s "
			       "| %s | %.1f | %.3f | %.2f%% |\n",
			       x->name, x->what, d, f, median(x->own, n),
			       d / f, target, x->base, k, d / k,
			       100 * xspread(x));
	}
	/* the lines make bench-baseline writes into tests/bench-baseline */
	for (x = xrows; x < xrows + ARRAY_SIZE(xrows); x++)
		ksft_print_msg("baseline %s\t%s\t%.1f\t%s\n", opt_kernel,
			       x->name, median(x->own, n), uts.release);
}

static void xjudge(bool ran)
{
	const struct xrow *x;
	int n = m->rounds;

	for (x = xrows; x < xrows + ARRAY_SIZE(xrows); x++) {
		double d = median(x->dev, n), f = median(x->flo, n);

		if (!xjudged(x))
			continue;
		ksft_print_msg("%s: hello0 / floor %.3f, target <= %.2f (vs %s)\n",
			       x->name, d / f, x->target, x->floor);
		ksft_test_result(ran && d / f <= x->target,
				 "exact.target_%s\n", x->name);
	}
}

/*
 * The baseline of row for opt_kernel in f ("KERNEL ROW OWN RELEASE"
 * lines, "#" comments), its release copied to rel; <= 0 if none.
 */
static double baseline_of(FILE *f, const char *row, char *rel, size_t len)
{
	char line[256], kern[64], name[64], on[128];
	double base = -1, v;

	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' &&
		    sscanf(line, "%63s %63s %lf %127s", kern, name, &v,
			   on) == 4 &&
		    !strcmp(kern, opt_kernel) && !strcmp(name, row)) {
			base = v;
			snprintf(rel, len, "%s", on);
		}
	return base;
}

/*
 * The gate: each row's own count against its row for this kernel (a name
 * of tests/kernels) in the baseline file, which make bench-baseline
 * writes.  Kept per kernel row, not per Debian ABI, so that an update of
 * the kernel is judged against the count before it.
 */
static void xgate(bool ran)
{
	const struct xrow *x;
	FILE *f = fopen(opt_gate, "re");
	int n = m->rounds;

	if (!f)
		ksft_perror(opt_gate);
	for (x = xrows; x < xrows + ARRAY_SIZE(xrows); x++) {
		double own = median(x->own, n), base = -1;
		char rel[128] = "";

		if (f)
			base = baseline_of(f, x->name, rel, sizeof(rel));
		if (base <= 0) {
			ksft_print_msg("%s: no baseline for kernel %s in %s; "
				       "record one: make bench-baseline "
				       "HELLO_KERNELS=%s\n",
				       x->name, opt_kernel, opt_gate,
				       opt_kernel);
			ksft_test_result_fail("gate.%s\n", x->name);
			continue;
		}
		ksft_print_msg("%s: driver's own %.1f instructions per op, "
			       "at most %.1f (baseline %.1f + %.0f%%)\n",
			       x->name, own, base * GATE_SLACK, base,
			       (GATE_SLACK - 1) * 100);
		if (strcmp(rel, uts.release))
			ksft_print_msg("the baseline was measured on %s, this is %s\n",
				       rel, uts.release);
		if (ran && own > base * GATE_SLACK)
			ksft_print_msg("%s costs the driver %+.1f%% over its "
				       "baseline. If that is deliberate, record "
				       "the new counts: make bench-baseline, and "
				       "commit tests/bench-baseline with the "
				       "change\n",
				       x->name, 100 * (own / base - 1));
		ksft_test_result(ran && own <= base * GATE_SLACK, "gate.%s\n",
				 x->name);
	}
	if (f)
		fclose(f);
}

/* The exact run: the instruction table, its targets, the gate. */
static void exact_mode(void)
{
	bool ran;

	ksft_test_result(counts_instructions(),
			 "exact.clock_counts_instructions\n");
	ran = xrounds();
	xtable();
	ksft_test_result(ran, "exact.every_count_ran\n");
	xjudge(ran);
	if (opt_gate)
		xgate(ran);
}

/* The wall-clock run: the rounds, the two tables, the targets. */
static void wallclock_mode(void)
{
	bool ran = run_rounds();

	print_tables();
	ksft_test_result(ran, "wallclock.every_sample_ran\n");
	judge_pairs();
}

/*
 * The cases this run reports, counted by the same tables and predicates
 * that report them; ksft_finished() fails a run whose cases and plan part.
 */
static unsigned int plan(void)
{
	unsigned int n = 1;		/* bench.module_loaded */
	size_t i;

	if (opt_exact) {
		n += 2;	/* exact.clock_counts_instructions, every_count_ran */
		for (i = 0; i < ARRAY_SIZE(xrows); i++)
			n += xjudged(&xrows[i]);
		return n + (opt_gate ? ARRAY_SIZE(xrows) : 0);
	}
	n += 1;		/* wallclock.every_sample_ran */
	for (i = 0; i < ARRAY_SIZE(pairs); i++)
		n += judged(&pairs[i]);
	return n;
}

/*
 * Which string instructions the kernel's copies use: the guest CPU's
 * copy-related flags (check-hosts compares this line between hosts).
 */
static void print_copy_flags(void)
{
	static const char *const flags[] = { "rep_good", "erms", "fsrm" };
	char line[4096], have[64] = "", word[16];
	FILE *f = fopen("/proc/cpuinfo", "re");
	size_t i;

	while (f && fgets(line, sizeof(line), f) && strncmp(line, "flags", 5))
		;
	if (f && !strncmp(line, "flags", 5)) {
		line[strcspn(line, "\n")] = ' ';
		for (i = 0; i < ARRAY_SIZE(flags); i++) {
			snprintf(word, sizeof(word), " %s ", flags[i]);
			if (strstr(line, word))
				snprintf(have + strlen(have),
					 sizeof(have) - strlen(have), " %s",
					 flags[i]);
		}
		ksft_print_msg("copy-related CPU flags:%s\n",
			       have[0] ? have : " none");
	}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "short", no_argument, NULL, 's' },
		{ "floor", no_argument, NULL, 'f' },
		{ "exact", no_argument, NULL, 'x' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "gate", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 }
	};
	bool opt_short = false, bad = false;
	int ret, c;

	ksft_print_header();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt_short = true;
			break;
		case 'f':
			opt_floor = true;
			break;
		case 'x':
			opt_exact = true;
			break;
		case 'k':
			opt_kernel = optarg;
			break;
		case 'g':
			opt_gate = optarg;
			break;
		default:
			bad = true;
		}
	}
	if (bad || optind != argc || (opt_exact && opt_floor) ||
	    (!opt_exact && (opt_gate || strcmp(opt_kernel, "-"))))
		ksft_exit_fail_msg("usage: %s [--short] [--floor | --exact "
				   "[--kernel NAME] [--gate BASELINE]]\n",
				   argv[0]);
	if (opt_exact)
		m = opt_short ? &exact_quick : &exact_full;
	else if (opt_short)
		m = &quick;
	if (uname(&uts))
		ksft_exit_fail_perror("uname");
	ksft_set_plan(plan());
	print_copy_flags();

	ret = mod_load("");
	if (ret && ret != -EEXIST)
		ksft_print_msg("load %s: %s\n", HELLO_KO, strerror(-ret));
	ksft_test_result(ret == 0 || ret == -EEXIST, "bench.module_loaded\n");
	if (opt_exact)
		exact_mode();
	else
		wallclock_mode();
	if (ret == 0) {
		ret = mod_unload();
		if (ret)
			ksft_print_msg("unload: %s\n", strerror(-ret));
	}
	ksft_finished();
}
