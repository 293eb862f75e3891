/* SPDX-License-Identifier: GPL-2.0 */
/* memcpy(), memset(): CBMC's own models of them, which it checks */
#ifndef _LINUX_STRING_H
#define _LINUX_STRING_H

#include <linux/types.h>

void *memcpy(void *to, const void *from, size_t n);
void *memset(void *s, int c, size_t n);

#endif
