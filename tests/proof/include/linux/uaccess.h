/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Model of copy_to_user() and copy_from_user() (include/linux/uaccess.h,
 * _copy_from_user() in lib/usercopy.c).  A copy may fault at any byte: it
 * copies a prefix of any length and returns the bytes NOT copied, and
 * copy_from_user() zero-fills what it could not copy.  check_copy_size()
 * (linux/thread_info.h): the kernel side holds all n bytes.  might_fault()
 * (__might_fault(), mm/memory.c): a copy may sleep, so never under a
 * spinlock, and other threads run meanwhile (proof_sleep()).  The user
 * memory is the harness's array: its pointer is the driver's ubuf.
 */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H

#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <proof.h>

/* the bytes all user copies have copied, for the harness */
static unsigned long proof_copied;

/* a copy's fault: its bytes not copied, any of 0..n */
static unsigned long proof_fault(unsigned long n)
{
	unsigned long left = nondet_ulong();

	__CPROVER_assume(left <= n);
	__CPROVER_assert(!proof_locks_held,
			 "no user copy while a spinlock is held");
	proof_sleep();
	proof_copied += n - left;
	return left;
}

static inline unsigned long copy_to_user(void __user *to, const void *from,
					 unsigned long n)
{
	unsigned long left = proof_fault(n);

	__CPROVER_assert(__CPROVER_r_ok(from, n),
			 "copy_to_user: the kernel side holds n bytes");
	memcpy(to, from, n - left);
	return left;
}

static inline unsigned long copy_from_user(void *to, const void __user *from,
					   unsigned long n)
{
	unsigned long left = proof_fault(n);

	__CPROVER_assert(__CPROVER_w_ok(to, n),
			 "copy_from_user: the kernel side holds n bytes");
	memcpy(to, from, n - left);
	memset((u8 *)to + (n - left), 0, left);
	return left;
}

#endif
