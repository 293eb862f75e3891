// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency stress for hello_kmalloc.  Runs as root in the test VM with
 * /hello_kmalloc.ko beside it and the module not loaded.  For a few
 * seconds, all at once:
 *  - threads sharing one open file, mixing pread/pwrite/read/write/lseek;
 *  - forked children sharing that same file, doing the same;
 *  - processes opening and closing files of their own in a tight loop;
 *  - the main thread trying to unload the module.
 * Every read must be a state some order of whole writes leaves (no torn
 * read), every fresh open must read zeros, and the unload must be refused
 * each time.  Afterwards no allocation from the module may be live and the
 * unload must succeed.
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

#include "lib.h"

#define SZ		HELLO_BUF_SIZE
#define THREADS		3
#define CHILDREN	2
#define CYCLERS		3

enum { BY_THREAD, BY_CHILD };

/*
 * In a MAP_SHARED page: written by threads and children alike, and read by
 * the later cases, each of which tap_run() runs in a child of its own.
 */
struct shared {
	atomic_int stop;
	atomic_long calls[2], reads[2], torn[2], errors[2];
	atomic_long opens, dirty, open_errors;
	long refused, unload_unexpected;	/* by t_run only */
	atomic_int noted;
	char note[256];		/* the first thing that went wrong */
};

static struct shared *sh;
static int shared_fd = -1;
static int opt_seconds = 4;
static int crashed;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
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

static int t_run(void)
{
	pid_t kids[CHILDREN + CYCLERS];
	pthread_t th[THREADS];
	double end;
	int i, ret, status;

	shared_fd = open(HELLO_DEV, O_RDWR | O_CLOEXEC);
	ASSERT(shared_fd >= 0, "open the shared file");
	for (i = 0; i < CHILDREN + CYCLERS; i++) {
		kids[i] = fork();
		ASSERT(kids[i] >= 0, "fork");
		if (kids[i] == 0) {
			if (i < CHILDREN)
				sharer(THREADS + i, BY_CHILD);
			else
				cycler(i);
			_exit(0);
		}
	}
	for (i = 0; i < THREADS; i++)
		ASSERT(pthread_create(&th[i], NULL, sharer_thread,
				      (void *)(long)i) == 0, "pthread_create");

	/* a file is open all along: every unload must be refused */
	end = now() + opt_seconds;
	while (now() < end) {
		ret = mod_unload();
		if (ret == -EWOULDBLOCK || ret == -EBUSY) {
			sh->refused++;
		} else {
			sh->unload_unexpected++;
			note("unload with files open returned %d", ret);
		}
		usleep(2000);
	}

	atomic_store(&sh->stop, 1);
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < CHILDREN + CYCLERS; i++)
		if (waitpid(kids[i], &status, 0) != kids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			crashed++;
	ASSERT(close(shared_fd) == 0, "close the shared file");
	diag("%d s: %ld calls by %d threads, %ld by %d children, %ld opens by "
	     "%d processes, %ld unloads refused", opt_seconds,
	     (long)sh->calls[BY_THREAD], THREADS, (long)sh->calls[BY_CHILD],
	     CHILDREN, (long)sh->opens, CYCLERS, sh->refused);
	if (sh->noted)
		diag("first problem: %s", sh->note);
	ASSERT(!crashed, "%d child processes died", crashed);
	return 0;
}

static int check_sharers(int by, const char *who)
{
	ASSERT(sh->reads[by] > 0, "no read by %s", who);
	ASSERT(sh->torn[by] == 0 && sh->errors[by] == 0,
	       "%s: %ld of %ld reads torn, %ld failed calls", who,
	       (long)sh->torn[by], (long)sh->reads[by], (long)sh->errors[by]);
	return 0;
}

static int t_threads(void)
{
	return check_sharers(BY_THREAD, "threads");
}

static int t_children(void)
{
	return check_sharers(BY_CHILD, "children");
}

static int t_cyclers(void)
{
	ASSERT(sh->opens > 0, "no open");
	ASSERT(sh->dirty == 0 && sh->open_errors == 0,
	       "%ld of %ld fresh opens were not zero, %ld failed calls",
	       (long)sh->dirty, (long)sh->opens, (long)sh->open_errors);
	return 0;
}

static int t_unload_refused(void)
{
	ASSERT(sh->refused > 0 && sh->unload_unexpected == 0,
	       "%ld unloads refused, %ld not", sh->refused,
	       sh->unload_unexpected);
	return 0;
}

static int t_no_live(void)
{
	long live = slab_live("", NULL, 0);

	ASSERT(live >= 0, "no slab alloc_traces (slub_debug=U, debugfs?)");
	ASSERT(live == 0, "%ld module objects live after every close", live);
	return 0;
}

static int t_unload(void)
{
	struct stat st;
	int ret = mod_unload();

	errno = -ret;
	ASSERT(ret == 0, "unload once every file is closed");
	ASSERT(stat(HELLO_DEV, &st) && errno == ENOENT, HELLO_DEV " remains");
	return 0;
}

static const struct tcase cases[] = {
	{ "stress: load the module", t_mod_load },
	{ "stress: threads, children, open/close loops and unloads together",
	  t_run },
	{ "stress: threads sharing a file never see a torn read", t_threads },
	{ "stress: forked children sharing it never see a torn read",
	  t_children },
	{ "stress: parallel open/close loops: each fresh open reads zeros",
	  t_cyclers },
	{ "stress: unload refused every time while a file is open",
	  t_unload_refused },
	{ "stress: no live allocation from the module afterwards", t_no_live },
	{ "stress: unload succeeds once every file is closed", t_unload },
};

int main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "t:")) != -1) {
		if (c != 't' || (opt_seconds = atoi(optarg)) <= 0) {
			fprintf(stderr, "usage: stress [-t SECONDS]\n");
			return 2;
		}
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("stress: mmap");
		return 1;
	}
	/* a hang (a lost wakeup, a deadlock) must not outlive the job */
	alarm(opt_seconds + 60);
	return tap_run(cases, ARRAY_SIZE(cases));
}
