/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the read() and write() harnesses share: an open file whose buffer
 * holds any bytes, any offset the VFS can pass, and another thread of the
 * same file that may write one byte of the buffer while a user copy sleeps
 * (it takes the lock, so not while this thread holds it).
 */
#include "../../hello_kmalloc.c"

static struct hello_file *proof_hf;
/* the buffer as the other thread left it */
static u8 proof_expected[HELLO_BUF_SIZE];

void proof_sleep(void)
{
	unsigned long at = nondet_ulong();
	u8 byte = nondet_uchar();

	if (at < HELLO_BUF_SIZE && !proof_hf->lock.held) {
		proof_hf->buf[at] = byte;
		proof_expected[at] = byte;
	}
}

/* the file of hf, whose buffer holds what it holds */
static void proof_open(struct file *file, struct hello_file *hf)
{
	spin_lock_init(&hf->lock);
	file->private_data = hf;
	proof_hf = hf;
	memcpy(proof_expected, hf->buf, sizeof(proof_expected));
}

/*
 * Any offset >= 0: rw_verify_area() fails a negative pread()/pwrite()
 * offset with EINVAL, and default_llseek() a negative file offset.
 */
static loff_t proof_pos(void)
{
	loff_t pos = nondet_llong();

	__CPROVER_assume(pos >= 0);
	return pos;
}
