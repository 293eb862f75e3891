// SPDX-License-Identifier: GPL-2.0
/*
 * hello_floor: the least a character device can do and still move its
 * bytes with copy_to_user() and copy_from_user(), through a 64-byte stack
 * buffer as hello_kmalloc does.  No state, no lock, no offset.
 *
 * Not part of the product: `make bench` loads it beside hello_kmalloc and
 * measures /dev/hello_floor against /dev/zero and /dev/null in the same
 * boot, to tell the cost of the user copy, which every such driver pays,
 * from the cost of hello_kmalloc's own work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "uapi/hello_kmalloc.h"

static ssize_t floor_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	u8 data[HELLO_BUF_SIZE] = { };
	size_t n = min(count, sizeof(data));

	if (copy_to_user(ubuf, data, n))
		return -EFAULT;
	return n;
}

static ssize_t floor_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	u8 data[HELLO_BUF_SIZE];
	size_t n = min(count, sizeof(data));

	if (copy_from_user(data, ubuf, n))
		return -EFAULT;
	return n;
}

static const struct file_operations floor_fops = {
	.owner		= THIS_MODULE,
	.read		= floor_read,
	.write		= floor_write,
	.llseek		= noop_llseek,
};

static struct miscdevice floor_dev = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= "hello_floor",
	.fops		= &floor_fops,
};

module_misc_device(floor_dev);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("The user-copy floor hello_kmalloc is benchmarked against");
