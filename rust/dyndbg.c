// SPDX-License-Identifier: GPL-2.0
/*
 * The Rust twin's debug lines, as the C driver's: pr_debug() call sites,
 * each of which `dyndbg=+p` turns on.  Rust's pr_debug! prints only in a
 * kernel built with debug assertions, and has no dynamic debug.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/printk.h>
#include <linux/pid.h>
#include <linux/sched.h>

#include "dyndbg.h"

void hello_kmalloc_dbg(int event, size_t n, loff_t pos)
{
	switch (event) {
	case HELLO_OPEN:
		pr_debug("open by pid %d\n", task_pid_nr(current));
		break;
	case HELLO_RELEASE:
		pr_debug("release by pid %d\n", task_pid_nr(current));
		break;
	case HELLO_READ:
		pr_debug("read %zu bytes at %lld\n", n, pos);
		break;
	case HELLO_WROTE:
		pr_debug("wrote %zu bytes at %lld\n", n, pos);
		break;
	}
}
