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

	proof_rw_result(count, end, pos, off, ret);
	__CPROVER_assert(end || ret == 0, "read: 0 at or past the end");
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
