/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel model (linux/) and the harnesses share.  CBMC gives a
 * function it has no body for any return value: the nondet_*() below are
 * the model's free choices.
 */
#ifndef _PROOF_H
#define _PROOF_H

unsigned int nondet_uint(void);
unsigned long nondet_ulong(void);
long long nondet_llong(void);
unsigned char nondet_uchar(void);

/*
 * What other threads of the same open file (threads, or a child after
 * fork()) do while this one sleeps in a user copy: each harness defines it.
 */
void proof_sleep(void);

#endif
