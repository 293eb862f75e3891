/* SPDX-License-Identifier: GPL-2.0 */
/* Model of include/linux/cdev.h: declared only, for hello_init()/exit() */
#ifndef _LINUX_CDEV_H
#define _LINUX_CDEV_H

#include <linux/fs.h>

struct cdev {
	struct module *owner;
};

void cdev_init(struct cdev *cdev, const struct file_operations *fops);
int cdev_add(struct cdev *cdev, dev_t dev, unsigned int count);
void cdev_del(struct cdev *cdev);

#endif
