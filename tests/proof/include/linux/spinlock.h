/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Model of include/linux/spinlock.h: a lock is held or free, and
 * proof_locks_held counts the locks this thread holds (the user copies
 * require 0, and so does every harness when the driver returns).
 */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#define spinlock_t struct proof_spinlock
struct proof_spinlock {
	int held;
};

static int proof_locks_held;

/* spin_lock_init(): a free lock */
static inline void spin_lock_init(spinlock_t *lock)
{
	lock->held = 0;
}

/* spin_lock(): waits for the lock, forever if its holder takes it again */
static inline void spin_lock(spinlock_t *lock)
{
	__CPROVER_assert(!lock->held,
			 "a lock is not taken again by its holder");
	lock->held = 1;
	proof_locks_held++;
}

/* spin_unlock(): releases a lock its caller holds */
static inline void spin_unlock(spinlock_t *lock)
{
	__CPROVER_assert(lock->held, "a lock is released only by its holder");
	lock->held = 0;
	proof_locks_held--;
}

#endif
