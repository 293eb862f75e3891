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

	proof_rw_result(count, end, pos, off, ret);
	__CPROVER_assert(!count || end || ret == -ENOSPC,
			 "write: -ENOSPC at or past the end");
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
