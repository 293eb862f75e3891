/* SPDX-License-Identifier: GPL-2.0 */
/* Model of include/uapi/asm-generic/errno-base.h: the errors returned. */
#ifndef _LINUX_ERRNO_H
#define _LINUX_ERRNO_H

#define ENOMEM		12
#define EFAULT		14
#define ENOSPC		28

#endif
