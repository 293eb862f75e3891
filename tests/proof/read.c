// SPDX-License-Identifier: GPL-2.0
/*
 * read() at any offset, of any count, for every outcome of the user copy
 * and any buffer content (docs/proof.md).
 */
#include "rw.h"

int main(void)
{
	struct hello_file hf;
	struct file file;
	u8 user[HELLO_BUF_SIZE], start[HELLO_BUF_SIZE];
	loff_t pos = proof_pos(), off = pos;
	size_t count = nondet_ulong(), end, i;
	ssize_t ret;

	proof_open(&file, &hf);
	memcpy(start, hf.buf, sizeof(start));
	end = pos < HELLO_BUF_SIZE ? HELLO_BUF_SIZE - pos : 0;

	ret = hello_read(&file, (char __user *)user, count, &off);

	__CPROVER_assert(!proof_locks_held && !hf.lock.held,
			 "read: every lock released");
	__CPROVER_assert(end || ret == 0, "read: 0 at or past the end");
	__CPROVER_assert(count || ret == 0, "read: 0 for count 0");
	__CPROVER_assert(!count || !end || (ret == -EFAULT) == !proof_copied,
			 "read: -EFAULT exactly when nothing was copied");
	__CPROVER_assert(ret <= 0 || ((size_t)ret == proof_copied &&
				      (size_t)ret <= min_t(size_t, count, end)),
			 "read: else as copied: 1..min(count, 64 - pos)");
	__CPROVER_assert(off == pos + (ret > 0 ? ret : 0),
			 "read: the offset advances by the bytes read");
	for (i = 0; i < HELLO_BUF_SIZE; i++) {
		/* the copy's bytes, as read() found them: no other write's */
		__CPROVER_assert(ret <= 0 || i >= (size_t)ret ||
				 user[i] == start[pos + i],
				 "read: the bytes are the buffer's at pos");
		__CPROVER_assert(hf.buf[i] == proof_expected[i],
				 "read: the buffer unchanged");
	}
	return 0;
}
