/* SPDX-License-Identifier: MIT */
/* spinlock.c: the kernel's spin lock with a paravirtual slow path (lib). */
#include "spinlock.h"

/* Pause iterations before the slow path; short, because every spin is an
 * interpreted instruction under kvm-pvm. */
#define SPIN_FAST 64

static int try_lock(struct spinlock *l)
{
    return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

/* Announce this CPU in the waiters mask, re-check, then wait.  The mask
 * update and the re-check are sequentially consistent, as are the release
 * store and the mask read in spin_unlock: one side always sees the other,
 * so no kick is lost. */
static void slow_wait(struct spinlock *l)
{
    vmi_irqflags_t flags = vmi_irq_save();
    vmi_cpumask_t me = (vmi_cpumask_t)1 << vmi_cpu_id();

    __atomic_fetch_or(&l->waiters, me, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&l->locked, __ATOMIC_SEQ_CST))
        vmi_spin_wait(&l->locked, 1);
    __atomic_fetch_and(&l->waiters, ~me, __ATOMIC_SEQ_CST);
    vmi_irq_restore(flags);
}

void spin_lock(struct spinlock *l)
{
    while (!try_lock(l)) {
        for (unsigned i = 0; i < SPIN_FAST && l->locked; i++)
            __builtin_ia32_pause();
        if (l->locked)
            slow_wait(l);
    }
}

void spin_unlock(struct spinlock *l)
{
    vmi_cpumask_t w;

    __atomic_store_n(&l->locked, 0, __ATOMIC_SEQ_CST);
    w = __atomic_load_n(&l->waiters, __ATOMIC_SEQ_CST);
    for (unsigned cpu = 0; w; cpu++, w >>= 1) {
        if (w & 1)
            vmi_spin_kick(cpu);
    }
}

vmi_irqflags_t spin_lock_irqsave(struct spinlock *l)
{
    vmi_irqflags_t flags = vmi_irq_save();

    spin_lock(l);
    return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, vmi_irqflags_t flags)
{
    spin_unlock(l);
    vmi_irq_restore(flags);
}
