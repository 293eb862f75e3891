/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the programs that test hello_kmalloc inside a VM:
 * module load/unload, the kernel log, slab allocation traces and
 * deliberately bad user buffers.  The cases themselves use the kernel's
 * kselftest_harness.h, and the programs with a main of their own
 * kselftest.h, both from linux-source (tests/tests.mk finds them).
 *
 * A teardown that must run uses FIXTURE_TEARDOWN_PARENT(): 6.12's TEST_F()
 * keeps fork()'s result in a local across setjmp(), so after a failed
 * ASSERT the case's process may take the parent's path and skip a plain
 * FIXTURE_TEARDOWN().
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

/* CLOCK_MONOTONIC, in seconds */
double now(void);

/* finit_module() with params; 0 or -errno. */
int mod_load(const char *params);
/* delete_module(O_NONBLOCK), as rmmod does; 0 or -errno. */
int mod_unload(void);

/* Open /dev/kmsg positioned at its end: later reads see new records. */
int kmsg_mark(void);
/* Every record since the mark ("level,seq,usec,flags;text\n" each). */
const char *kmsg_since(int fd);
/* Records in log at level (any level if < 0) whose text contains s. */
int kmsg_count(const char *log, int level, const char *s);

/*
 * The device node HELLO_DEV as the kernel registered it: its numbers, and
 * the class that holds it in sysfs, whose name /proc/devices gives the
 * major.  The C driver's class is its own (HELLO_MODULE: a region and a
 * cdev of its own); the Rust twin's is "misc" (the misc core's major 10).
 */
struct hello_node {
	unsigned int major, minor;
	char class[64];
};

/* Fill n from HELLO_DEV and sysfs: 0, or -1 with errno set. */
int hello_node(struct hello_node *n);
/* Whether the node's class, and so its region, is the module's own. */
bool own_class(const struct hello_node *n);

/*
 * Live allocations made by the module's code: the allocators' caller, or
 * where the kernel records stacks, the first function outside them (lib.c,
 * cache_live()), summed over
 * every slab cache whose name starts with prefix (needs slub_debug=U and
 * debugfs).  The name of a cache that holds one is copied to where.
 * Returns -1 when there are no allocation traces to read.
 */
long slab_live(const char *prefix, char *where, size_t wlen);

/*
 * No allocation of the module's is live (slab_live() over every cache):
 * true, or false with a diagnostic saying how many, or that there are no
 * allocation traces to read.
 */
bool none_live(void);

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
