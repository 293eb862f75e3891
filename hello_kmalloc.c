// SPDX-License-Identifier: GPL-2.0
/*
 * hello_kmalloc - a character device whose every open file owns a private,
 * zeroed 64-byte buffer.
 *
 * open() allocates the buffer with kzalloc() and keeps it in
 * file->private_data; read(), write() and llseek() work on it; release()
 * frees it.  Nothing is shared between two opens of /dev/hello0, so the
 * data a process writes lives exactly as long as its open file.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "uapi/hello_kmalloc.h"

#define HELLO_MINORS	1

/*
 * One per open file.  The lock makes each read() and write() atomic against
 * the others on the same file (threads, or a child after fork()).  It is
 * never held across a user copy: the data goes through a bounce buffer on
 * the stack, so a slow page fault in one caller never stalls another.
 */
struct hello_file {
	spinlock_t lock;	/* guards buf */
	u8 buf[HELLO_BUF_SIZE];
};

static dev_t hello_devt;
static struct cdev hello_cdev;
static struct class *hello_class;

static int hello_open(struct inode *inode, struct file *file)
{
	struct hello_file *hf;

	/* Allocated because a user asked: charge it to their memory cgroup. */
	hf = kzalloc(sizeof(*hf), GFP_KERNEL_ACCOUNT);
	if (!hf)
		return -ENOMEM;

	spin_lock_init(&hf->lock);
	file->private_data = hf;
	/* read()/write()/lseek() on a shared file move the offset one by one */
	file->f_mode |= FMODE_ATOMIC_POS;
	pr_debug("open by pid %d\n", task_pid_nr(current));
	return 0;
}

static int hello_release(struct inode *inode, struct file *file)
{
	/* Wipe what the user wrote, so it does not linger in freed memory. */
	kfree_sensitive(file->private_data);
	pr_debug("release by pid %d\n", task_pid_nr(current));
	return 0;
}

static ssize_t hello_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	struct hello_file *hf = file->private_data;
	u8 snap[HELLO_BUF_SIZE];
	loff_t pos = *ppos;
	size_t n, left;

	if (pos >= HELLO_BUF_SIZE)
		return 0;

	n = min_t(size_t, count, HELLO_BUF_SIZE - pos);
	if (!n)
		return 0;

	/* the whole buffer: a constant-size copy, a few moves */
	spin_lock(&hf->lock);
	memcpy(snap, hf->buf, sizeof(snap));
	spin_unlock(&hf->lock);

	left = copy_to_user(ubuf, snap + pos, n);
	if (left == n)
		return -EFAULT;

	n -= left;
	*ppos = pos + n;
	pr_debug("read %zu bytes at %lld\n", n, pos);
	return n;
}

static ssize_t hello_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct hello_file *hf = file->private_data;
	u8 data[HELLO_BUF_SIZE];
	loff_t pos = *ppos;
	size_t n, left;

	if (!count)
		return 0;
	if (pos >= HELLO_BUF_SIZE)
		return -ENOSPC;

	n = min_t(size_t, count, HELLO_BUF_SIZE - pos);
	/*
	 * copy_from_user() zero-fills what it could not copy, so copy into
	 * the bounce buffer and store only the bytes that really arrived.
	 */
	left = copy_from_user(data, ubuf, n);
	if (left == n)
		return -EFAULT;

	n -= left;
	spin_lock(&hf->lock);
	memcpy(hf->buf + pos, data, n);
	spin_unlock(&hf->lock);

	*ppos = pos + n;
	pr_debug("wrote %zu bytes at %lld\n", n, pos);
	return n;
}

static const struct file_operations hello_fops = {
	.owner		= THIS_MODULE,
	.open		= hello_open,
	.release	= hello_release,
	.read		= hello_read,
	.write		= hello_write,
	.llseek		= default_llseek,
};

/*
 * class_create() lost its owner argument in 6.4, when it stopped being a
 * macro.  Test for the macro, not for a version: RHEL 9.4 backported the
 * change while still calling itself 5.14.
 */
static struct class *hello_class_create(const char *name)
{
#ifdef class_create
	return class_create(THIS_MODULE, name);
#else
	return class_create(name);
#endif
}

static int __init hello_init(void)
{
	struct device *dev;
	int ret;

	ret = alloc_chrdev_region(&hello_devt, 0, HELLO_MINORS, KBUILD_MODNAME);
	if (ret)
		return ret;

	cdev_init(&hello_cdev, &hello_fops);
	hello_cdev.owner = THIS_MODULE;
	ret = cdev_add(&hello_cdev, hello_devt, HELLO_MINORS);
	if (ret)
		goto unregister_region;

	hello_class = hello_class_create(KBUILD_MODNAME);
	if (IS_ERR(hello_class)) {
		ret = PTR_ERR(hello_class);
		goto del_cdev;
	}

	dev = device_create(hello_class, NULL, hello_devt, NULL, "hello%d",
			    MINOR(hello_devt));
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto destroy_class;
	}

	pr_info("/dev/%s ready, major %d minor %d\n", dev_name(dev),
		MAJOR(hello_devt), MINOR(hello_devt));
	return 0;

destroy_class:
	class_destroy(hello_class);
del_cdev:
	cdev_del(&hello_cdev);
unregister_region:
	unregister_chrdev_region(hello_devt, HELLO_MINORS);
	return ret;
}

static void __exit hello_exit(void)
{
	device_destroy(hello_class, hello_devt);
	class_destroy(hello_class);
	cdev_del(&hello_cdev);
	unregister_chrdev_region(hello_devt, HELLO_MINORS);
	pr_info("unloaded, /dev/hello%d removed\n", MINOR(hello_devt));
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The hello_kmalloc developers");
MODULE_DESCRIPTION("Character device with a private kzalloc'd buffer per open");
MODULE_VERSION(HELLO_VERSION);
