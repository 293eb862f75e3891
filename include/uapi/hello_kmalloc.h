/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * What hello_kmalloc and the programs that use it agree on.  The driver,
 * hello_test (test.c) and the tests include this file, so each fact is
 * written here and nowhere else.
 */
#ifndef _UAPI_HELLO_KMALLOC_H
#define _UAPI_HELLO_KMALLOC_H

/* The node of the one minor, as udev names it. */
#define HELLO_DEV	"/dev/hello0"

/*
 * The bytes each open file owns: a read at or past this offset returns 0,
 * a write there fails with ENOSPC.
 */
#define HELLO_BUF_SIZE	64

#endif /* _UAPI_HELLO_KMALLOC_H */
