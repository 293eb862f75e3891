// SPDX-License-Identifier: GPL-2.0
/*
 * open() of a file in any mode, whether its allocation fails or not, then
 * release(); --memory-leak-check: nothing left allocated (docs/proof.md).
 */
#include "../../hello_kmalloc.c"

int main(void)
{
	struct file file = { .f_mode = nondet_uint() };
	fmode_t mode = file.f_mode;
	struct hello_file *hf;
	size_t i;
	int ret;

	ret = hello_open(NULL, &file);
	__CPROVER_assert(ret == (proof_kmalloc_failed ? -ENOMEM : 0),
			 "open: fails only with -ENOMEM, when kzalloc() does");
	if (ret)
		return 0;
	hf = file.private_data;
	__CPROVER_assert(file.f_mode == (mode | FMODE_ATOMIC_POS),
			 "open: sets FMODE_ATOMIC_POS, no other mode bit");
	__CPROVER_assert(!hf->lock.held, "open: the lock is free");
	for (i = 0; i < HELLO_BUF_SIZE; i++)
		__CPROVER_assert(hf->buf[i] == 0, "open: the buffer is zeroed");
	__CPROVER_assert(hello_release(NULL, &file) == 0,
			 "open: release returns 0");
	return 0;
}
