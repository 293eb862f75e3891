/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the programs that test hello_kmalloc inside a VM:
 * TAP output in the kselftest style, module load/unload, the kernel log,
 * slab allocation traces and deliberately bad user buffers.
 */
#ifndef HELLO_TESTS_LIB_H
#define HELLO_TESTS_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* HELLO_DEV, HELLO_BUF_SIZE: what the driver and its users agree on */
#include "../../include/uapi/hello_kmalloc.h"

#define HELLO_MODULE	"hello_kmalloc"
#define HELLO_KO	"/" HELLO_MODULE ".ko"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A named test case: 0 when the behaviour holds, -1 when an ASSERT failed,
 * CASE_SKIP when it cannot run here.
 */
struct tcase {
	const char *name;
	int (*fn)(void);
};

/*
 * Print "1..N", run every case in order, each in its own child process, and
 * print "ok"/"not ok" for each: "not ok" if it returned non-zero, failed an
 * EXPECT or died; "ok ... # SKIP" if it skipped.
 */
int tap_run(const struct tcase *cases, size_t n);
/* 0: run the cases in this process instead (they share state, or a thread) */
extern int tap_fork;
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The two checks of kselftest_harness.h, with a printf-style message:
 *
 *   ASSERT(cond, fmt, ...)  if cond is false, print where, the condition,
 *                           errno and the message, and end the case: the
 *                           case function returns -1.
 *   EXPECT(cond, fmt, ...)  print the same, mark the case failed and carry
 *                           on, so that one run shows every broken fact.
 *
 * A case with a failed EXPECT is "not ok" even if it returns 0.  Use ASSERT
 * when what follows needs cond to hold (an open file, a mapping, a loaded
 * module), EXPECT for facts that stand on their own.  EXPECT may be used
 * from any thread of the case's process, not from a process it forks.
 */
#define ASSERT(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			check_failed(__FILE__, __LINE__, #cond);	\
			diag(__VA_ARGS__);				\
			return -1;					\
		}							\
	} while (0)

#define EXPECT(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			check_failed(__FILE__, __LINE__, #cond);	\
			diag(__VA_ARGS__);				\
		}							\
	} while (0)

/*
 * SKIP(fmt, ...): the case cannot run on this kernel; print why and end it.
 * tap_run reports it "ok N name # SKIP", neither passed nor failed.
 */
#define CASE_SKIP 4	/* kselftest's KSFT_SKIP */
#define SKIP(...)							\
	do {								\
		diag(__VA_ARGS__);					\
		return CASE_SKIP;					\
	} while (0)

/* Print where a check failed, with errno, and mark the running case failed. */
void check_failed(const char *file, int line, const char *cond);

/* CLOCK_MONOTONIC, in seconds */
double now(void);

/* finit_module() with params; 0 or -errno. */
int mod_load(const char *params);
/* A case: the module loads, or is loaded already. */
int t_mod_load(void);
/* delete_module(O_NONBLOCK), as rmmod does; 0 or -errno. */
int mod_unload(void);

/* Open /dev/kmsg positioned at its end: later reads see new records. */
int kmsg_mark(void);
/* Every record since the mark ("level,seq,usec,flags;text\n" each). */
const char *kmsg_since(int fd);
/* Records in log at level (any level if < 0) whose text contains s. */
int kmsg_count(const char *log, int level, const char *s);

/*
 * Live allocations whose allocating caller is in the module, summed over
 * every slab cache whose name starts with prefix (needs slub_debug=U and
 * debugfs).  The name of a cache that holds one is copied to where.
 * Returns -1 when there are no allocation traces to read.
 */
long slab_live(const char *prefix, char *where, size_t wlen);

/* len readable+writable bytes that end exactly where an unmapped page starts */
unsigned char *edge_buf(size_t len);

/* The file offset, or -1. */
off_t offset_of(int fd);

/*
 * Write s as the whole new contents of the file at path (sysfs, debugfs,
 * tracefs): 0, or -1 with errno set.
 */
int write_file(const char *path, const char *s);

/* Fill a 64-byte buffer with bytes start, start+1, ... */
void fill_seq(unsigned char *buf, size_t len, unsigned char start);

#endif
