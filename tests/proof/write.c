// SPDX-License-Identifier: GPL-2.0
/*
 * write() at any offset, of any count, for every outcome of the user copy
 * and any buffer and user content (docs/proof.md).
 */
#include "rw.h"

int main(void)
{
	struct hello_file hf;
	struct file file;
	u8 user[HELLO_BUF_SIZE];
	loff_t pos = proof_pos(), off = pos;
	size_t count = nondet_ulong(), end, i;
	ssize_t ret;
	int stored;

	proof_open(&file, &hf);
	end = pos < HELLO_BUF_SIZE ? HELLO_BUF_SIZE - pos : 0;

	ret = hello_write(&file, (const char __user *)user, count, &off);

	__CPROVER_assert(!proof_locks_held && !hf.lock.held,
			 "write: every lock released");
	__CPROVER_assert(count || ret == 0, "write: 0 for count 0");
	__CPROVER_assert(!count || end || ret == -ENOSPC,
			 "write: -ENOSPC at or past the end");
	__CPROVER_assert(!count || !end || (ret == -EFAULT) == !proof_copied,
			 "write: -EFAULT exactly when nothing was copied");
	__CPROVER_assert(ret <= 0 || ((size_t)ret == proof_copied &&
				      (size_t)ret <= min_t(size_t, count, end)),
			 "write: else as copied: 1..min(count, 64 - pos)");
	__CPROVER_assert(off == pos + (ret > 0 ? ret : 0),
			 "write: the offset advances by the bytes written");
	for (i = 0; i < HELLO_BUF_SIZE; i++) {
		stored = ret > 0 && i >= pos && i < pos + ret;
		__CPROVER_assert(!stored || hf.buf[i] == user[i - pos],
				 "write: stores the bytes that arrived at pos");
		__CPROVER_assert(stored || hf.buf[i] == proof_expected[i],
				 "write: no other byte changed");
		__CPROVER_assert(ret > 0 || hf.buf[i] == proof_expected[i],
				 "write: nothing changed on an error or 0");
	}
	return 0;
}
