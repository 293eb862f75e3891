/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Rust twin's debug lines (dyndbg.c), which hello_kmalloc_rs.rs
 * declares again, in Rust, with the events in this order.
 */
#ifndef HELLO_KMALLOC_RS_DYNDBG_H
#define HELLO_KMALLOC_RS_DYNDBG_H

#include <linux/types.h>

enum hello_dbg_event { HELLO_OPEN, HELLO_RELEASE, HELLO_READ, HELLO_WROTE };

/* The debug line of event (n bytes at pos), if dyndbg=+p turned it on. */
void hello_kmalloc_dbg(int event, size_t n, loff_t pos);

#endif
