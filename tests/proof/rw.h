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

/*
 * What read() and write() both promise: for count bytes asked at pos, with
 * end = 64 - pos bytes left (0 at or past the end), the result ret and the
 * file offset off after the call.  make proof names each property after
 * the harness that proves it ("read: every lock released").
 */
static void proof_rw_result(size_t count, size_t end, loff_t pos, loff_t off,
			    ssize_t ret)
{
	__CPROVER_assert(!proof_locks_held && !proof_hf->lock.held,
			 "every lock released");
	__CPROVER_assert(count || ret == 0, "0 for count 0");
	__CPROVER_assert(!count || !end || (ret == -EFAULT) == !proof_copied,
			 "-EFAULT exactly when nothing was copied");
	__CPROVER_assert(ret <= 0 || ((size_t)ret == proof_copied &&
				      (size_t)ret <= min_t(size_t, count, end)),
			 "else as copied: 1..min(count, 64 - pos)");
	__CPROVER_assert(off == pos + (ret > 0 ? ret : 0),
			 "the offset advances by the result");
}
