// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency stress for hello_kmalloc.  Runs as root in the test VM with
 * /hello_kmalloc.ko beside it.  For a few seconds, all at once:
 *  - threads sharing one open file, mixing pread/pwrite/read/write/lseek;
 *  - forked children sharing that same file, doing the same;
 *  - processes opening and closing files of their own in a tight loop;
 *  - the main thread trying to unload the module.
 * Every read must be a state some order of whole writes leaves (no torn
 * read), every fresh open must read zeros, and the unload must be refused
 * each time.  Afterwards no allocation from the module may be live and the
 * unload must succeed.
 *
 * That is one workload with several verdicts, not a list of cases that
 * could run alone: it has a main of its own on kselftest.h, runs the
 * workload once, then reports each verdict as one KTAP result.
 *
 * Usage: stress [-t SECONDS]   (default 4)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "lib.h"

#define SZ		HELLO_BUF_SIZE
#define THREADS		3
#define CHILDREN	2
#define CYCLERS		3

enum { BY_THREAD, BY_CHILD };

/* In a MAP_SHARED page: written by threads and children alike. */
struct shared {
	atomic_int stop;
	atomic_long calls[2], reads[2], torn[2], errors[2];
	atomic_long opens, dirty, open_errors;
	atomic_int noted;
	char note[256];		/* the first thing that went wrong */
};

static struct shared *sh;
static int shared_fd = -1;
static int opt_seconds = 4;
/* unloads tried while a file was open, by the main thread */
static long refused, unload_unexpected;

static __printf(1, 2) void note(const char *fmt, ...);
static void note(const char *fmt, ...)
{
	va_list ap;

	if (atomic_exchange(&sh->noted, 1))
		return;
	va_start(ap, fmt);
	vsnprintf(sh->note, sizeof(sh->note), fmt, ap);
	va_end(ap);
}

/*
 * Every write is 64 bytes asked at some position P, so it stores the
 * suffix [P, 64) of the buffer.  Byte k of writer w's data is (w << 6) | k:
 * a byte read at position j says which writer put it there and where that
 * write started (j - k).  After any sequence of whole suffix writes, each
 * run of bytes from one write begins exactly where that write began (or
 * at the start of what was read): a run that begins anywhere else is a
 * torn read.  The zeroed buffer reads as one-byte runs that all qualify.
 */
static int torn_at(const unsigned char *b, int from)
{
	int j, w, p, run_w = -1, run_p = -1;

	for (j = from; j < SZ; j++) {
		w = b[j - from] >> 6;
		p = j - (b[j - from] & 63);
		if (p < 0)
			return j;
		if (j > from && (w != run_w || p != run_p) && p != j)
			return j;
		run_w = w;
		run_p = p;
	}
	return -1;
}

static uint64_t next(uint64_t *s)	/* xorshift64 */
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void dump(const char *what, const unsigned char *b, int n, int at)
{
	char hex[3 * SZ + 1];
	int i;

	for (i = 0; i < n; i++)
		snprintf(hex + 3 * i, 4, "%02x ", b[i]);
	note("%s: torn at byte %d: %s", what, at, hex);
}

/* Mixed calls on the shared file until told to stop. */
static void sharer(int id, int by)
{
	unsigned char src[SZ], got[SZ];
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (id + 1);
	long n, want, calls = 0, reads = 0, torn = 0, errors = 0;
	int k, at;

	for (k = 0; k < SZ; k++)
		src[k] = (1 + id % 3) << 6 | k;
	while (!atomic_load_explicit(&sh->stop, memory_order_relaxed)) {
		uint64_t r = next(&rng);
		int pos = r % SZ;

		calls++;
		switch ((r >> 8) % 6) {
		case 0:
			n = pread(shared_fd, got, SZ, 0);
			if (n != SZ) {
				errors++;
				note("pread returned %ld (%m)", n);
				break;
			}
			reads++;
			at = torn_at(got, 0);
			if (at >= 0) {
				torn++;
				dump("pread", got, SZ, at);
			}
			break;
		case 1:
			n = read(shared_fd, got, SZ);
			if (n < 0 || n > SZ) {
				errors++;
				note("read returned %ld (%m)", n);
				break;
			}
			reads++;
			at = n ? torn_at(got, SZ - n) : -1;
			if (at >= 0) {
				torn++;
				dump("read", got, n, at);
			}
			break;
		case 2:
			n = pwrite(shared_fd, src, SZ, pos);
			if (n != SZ - pos) {
				errors++;
				note("pwrite at %d returned %ld (%m)", pos, n);
			}
			break;
		case 3:
			n = write(shared_fd, src, SZ);
			if (!(n > 0 && n <= SZ) && !(n < 0 && errno == ENOSPC)) {
				errors++;
				note("write returned %ld (%m)", n);
			}
			break;
		case 4:
			want = pos + (r >> 16) % 8;
			n = lseek(shared_fd, want, SEEK_SET);
			if (n != want) {
				errors++;
				note("lseek to %ld returned %ld (%m)", want, n);
			}
			break;
		default:
			n = lseek(shared_fd, (long)((r >> 16) % 9) - 4,
				  SEEK_CUR);
			if (n < 0 && errno != EINVAL) {
				errors++;
				note("lseek SEEK_CUR: %m");
			}
			break;
		}
	}
	sh->calls[by] += calls;
	sh->reads[by] += reads;
	sh->torn[by] += torn;
	sh->errors[by] += errors;
}

static void *sharer_thread(void *arg)
{
	sharer((int)(long)arg, BY_THREAD);
	return NULL;
}

/* Open, check the fresh buffer is zero, dirty it, close; until stopped. */
static void cycler(int id)
{
	static const int modes[] = { O_RDWR, O_RDONLY, O_WRONLY };
	unsigned char zero[SZ] = { 0 }, got[SZ], ones[SZ];
	long opens = 0, dirty = 0, errors = 0, i;

	memset(ones, 0xff, SZ);
	for (i = id; !atomic_load_explicit(&sh->stop, memory_order_relaxed);
	     i++) {
		int mode = modes[i % 3], fd = open(HELLO_DEV, mode | O_CLOEXEC);

		if (fd < 0) {
			errors++;
			note("open: %m");
			continue;
		}
		opens++;
		if (mode != O_WRONLY &&
		    (pread(fd, got, SZ, 0) != SZ || memcmp(got, zero, SZ))) {
			dirty++;
			note("a fresh open did not read 64 zero bytes");
		}
		if (mode != O_RDONLY && pwrite(fd, ones, SZ, 0) != SZ) {
			errors++;
			note("pwrite after open: %m");
		}
		if (close(fd)) {
			errors++;
			note("close: %m");
		}
	}
	sh->opens += opens;
	sh->dirty += dirty;
	sh->open_errors += errors;
}

/*
 * The workload: true if it started whole and every thread and process of
 * it ended cleanly.
 */
static bool run(void)
{
	pid_t kids[CHILDREN + CYCLERS];
	pthread_t th[THREADS];
	int i, nkids, nth, ret, status, crashed = 0;
	bool ok = true;
	double end;

	shared_fd = open(HELLO_DEV, O_RDWR | O_CLOEXEC);
	if (shared_fd < 0) {
		ksft_perror("open the shared file");
		return false;
	}
	for (nkids = 0; nkids < CHILDREN + CYCLERS; nkids++) {
		kids[nkids] = fork();
		if (kids[nkids] < 0) {
			ksft_perror("fork");
			ok = false;
			break;
		}
		if (kids[nkids] == 0) {
			if (nkids < CHILDREN)
				sharer(THREADS + nkids, BY_CHILD);
			else
				cycler(nkids);
			_exit(0);
		}
	}
	for (nth = 0; ok && nth < THREADS; nth++) {
		ret = pthread_create(&th[nth], NULL, sharer_thread,
				     (void *)(long)nth);
		if (ret) {
			errno = ret;
			ksft_perror("pthread_create");
			ok = false;
			break;
		}
	}

	/* a file is open all along: every unload must be refused */
	end = now() + opt_seconds;
	while (ok && now() < end) {
		ret = mod_unload();
		if (ret == -EWOULDBLOCK || ret == -EBUSY) {
			refused++;
		} else {
			unload_unexpected++;
			note("unload with files open returned %d", ret);
		}
		usleep(2000);
	}

	atomic_store(&sh->stop, 1);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < nkids; i++)
		if (waitpid(kids[i], &status, 0) != kids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			crashed++;
	if (close(shared_fd)) {
		ksft_perror("close the shared file");
		ok = false;
	}
	ksft_print_msg("%d s: %ld calls by %d threads, %ld by %d children, "
		       "%ld opens by %d processes, %ld unloads refused\n",
		       opt_seconds, (long)sh->calls[BY_THREAD], THREADS,
		       (long)sh->calls[BY_CHILD], CHILDREN, (long)sh->opens,
		       CYCLERS, refused);
	if (sh->noted)
		ksft_print_msg("first problem: %s\n", sh->note);
	if (crashed) {
		ksft_print_msg("%d child processes died\n", crashed);
		ok = false;
	}
	return ok;
}

static bool sharers_ok(int by, const char *who)
{
	if (sh->reads[by] > 0 && sh->torn[by] == 0 && sh->errors[by] == 0)
		return true;
	ksft_print_msg("%s: %ld of %ld reads torn, %ld failed calls\n", who,
		       (long)sh->torn[by], (long)sh->reads[by],
		       (long)sh->errors[by]);
	return false;
}

static bool cyclers_ok(void)
{
	if (sh->opens > 0 && sh->dirty == 0 && sh->open_errors == 0)
		return true;
	ksft_print_msg("%ld of %ld fresh opens not zero, %ld failed calls\n",
		       (long)sh->dirty, (long)sh->opens, (long)sh->open_errors);
	return false;
}

static bool unload_refused(void)
{
	if (refused > 0 && unload_unexpected == 0)
		return true;
	ksft_print_msg("%ld unloads refused, %ld not\n", refused,
		       unload_unexpected);
	return false;
}

static bool unload_at_last(void)
{
	struct stat st;
	int ret = mod_unload();

	if (ret) {
		ksft_print_msg("unload once every file is closed: %s\n",
			       strerror(-ret));
		return false;
	}
	if (!stat(HELLO_DEV, &st) || errno != ENOENT) {
		ksft_print_msg(HELLO_DEV " remains after the unload\n");
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	int c, ret;

	while ((c = getopt(argc, argv, "t:")) != -1) {
		if (c != 't' || (opt_seconds = atoi(optarg)) <= 0) {
			fprintf(stderr, "usage: stress [-t SECONDS]\n");
			return 2;
		}
	}
	ksft_print_header();
	ksft_set_plan(8);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_perror("mmap");
	/* a hang (a lost wakeup, a deadlock) must not outlive the job */
	alarm(opt_seconds + 60);

	/* loaded here, or already */
	ret = mod_load("");
	if (ret && ret != -EEXIST)
		ksft_print_msg("finit_module(" HELLO_KO "): %s\n",
			       strerror(-ret));
	ksft_test_result(ret == 0 || ret == -EEXIST, "stress.module_loads\n");
	ksft_test_result(run(), "stress.workers_end_cleanly\n");
	ksft_test_result(sharers_ok(BY_THREAD, "threads"),
			 "stress.threads_see_no_torn_read\n");
	ksft_test_result(sharers_ok(BY_CHILD, "children"),
			 "stress.children_see_no_torn_read\n");
	ksft_test_result(cyclers_ok(), "stress.fresh_open_reads_zeros\n");
	ksft_test_result(unload_refused(),
			 "stress.unload_refused_while_open\n");
	ksft_test_result(none_live(), "stress.no_live_allocation\n");
	ksft_test_result(unload_at_last(), "stress.unload_after_last_close\n");
	ksft_finished();
}
