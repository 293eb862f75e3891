/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Model of include/linux/module.h and init.h, with pr_debug() and
 * pr_info() (linux/printk.h): a module that is never loaded, whose
 * messages are not printed (no_printk(): nothing evaluated).
 */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#define THIS_MODULE	((struct module *)0)
#define __init
#define __exit
#define module_init(fn)
#define module_exit(fn)
#define MODULE_LICENSE(s)
#define MODULE_AUTHOR(s)
#define MODULE_DESCRIPTION(s)
#define MODULE_VERSION(s)
#define pr_debug(fmt, ...)
#define pr_info(fmt, ...)

#endif
