/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Model of include/linux/device.h (IS_ERR(), PTR_ERR(): linux/err.h):
 * declared only, for hello_init()/exit(); class_create() in its 6.4 form.
 */
#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H

#include <linux/types.h>

struct class;
struct device;

struct class *class_create(const char *name);
void class_destroy(struct class *cls);
struct device *device_create(struct class *cls, struct device *parent,
			     dev_t devt, void *drvdata, const char *fmt, ...);
void device_destroy(struct class *cls, dev_t devt);
const char *dev_name(const struct device *dev);
int IS_ERR(const void *ptr);
long PTR_ERR(const void *ptr);

#endif
