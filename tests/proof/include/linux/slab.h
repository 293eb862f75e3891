/* SPDX-License-Identifier: GPL-2.0 */
/* Model of include/linux/slab.h (values of linux/gfp_types.h) */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/string.h>
#include <linux/types.h>

#define __GFP_ZERO		0x100u
#define GFP_KERNEL_ACCOUNT	0x400cc0u	/* GFP_KERNEL | __GFP_ACCOUNT */

void *malloc(size_t size);
void free(void *p);

/* set when kmalloc() fails, for the harness */
static int proof_kmalloc_failed;

/*
 * kmalloc(): may fail (NULL); else memory as its last owner left it (any
 * bytes), zeroed with __GFP_ZERO.  CBMC's malloc() does both (it may
 * return NULL with --malloc-may-fail --malloc-fail-null) and
 * --memory-leak-check requires the memory freed.
 */
static inline void *kmalloc(size_t size, gfp_t flags)
{
	void *p = malloc(size);

	proof_kmalloc_failed = !p;
	if (p && flags & __GFP_ZERO)
		memset(p, 0, size);
	return p;
}

/* kzalloc(): kmalloc() with __GFP_ZERO */
static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

/*
 * kfree_sensitive() (mm/slab_common.c): nothing for NULL, else zeroes the
 * object and frees it; the zeroing is not modelled, as nothing can read
 * the object after the free.
 */
static inline void kfree_sensitive(const void *p)
{
	free((void *)p);
}

#endif
