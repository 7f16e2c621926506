/* SPDX-License-Identifier: MIT */
/*
 * spinlock.h: the kernel's spin lock (lib layer).  A test-and-set byte
 * with a short pause loop, then the vmi_spin_wait slow path (a PV backend
 * blocks the vCPU there) and vmi_spin_kick on release.
 */
#ifndef KLIB_SPINLOCK_H
#define KLIB_SPINLOCK_H

#include <stdint.h>

#include "vmi.h"

struct spinlock {
    volatile uint8_t locked;
    vmi_cpumask_t waiters;      /* CPUs in vmi_spin_wait on this lock */
};

#define SPINLOCK_INIT { 0, 0 }

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

/* Lock with delivery masked; returns the state for spin_unlock_irqrestore. */
vmi_irqflags_t spin_lock_irqsave(struct spinlock *l);
void spin_unlock_irqrestore(struct spinlock *l, vmi_irqflags_t flags);

#endif
