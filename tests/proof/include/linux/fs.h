/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Model of include/linux/fs.h (MAJOR() and MINOR(): linux/kdev_t.h): the
 * fields of struct file and struct file_operations the driver uses.
 */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

#include <linux/errno.h>
#include <linux/types.h>

#define FMODE_ATOMIC_POS	0x8000u

#define MINORBITS	20
#define MAJOR(dev)	((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev)	((unsigned int)((dev) & ((1U << MINORBITS) - 1)))

struct inode;
struct module;

struct file {
	fmode_t f_mode;
	void *private_data;
};

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	ssize_t (*read)(struct file *file, char __user *buf, size_t count,
			loff_t *pos);
	ssize_t (*write)(struct file *file, const char __user *buf,
			 size_t count, loff_t *pos);
	int (*open)(struct inode *inode, struct file *file);
	int (*release)(struct inode *inode, struct file *file);
};

/* only declared: init, exit and llseek are not part of the proof */
loff_t default_llseek(struct file *file, loff_t offset, int whence);
int alloc_chrdev_region(dev_t *dev, unsigned int first, unsigned int count,
			const char *name);
void unregister_chrdev_region(dev_t dev, unsigned int count);

#endif
