/* SPDX-License-Identifier: MIT */
/* mmu.h: the kernel's own page tables, built through vmi (arch layer). */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stdint.h>

struct mmu_stats {
    unsigned pt_sets;       /* vmi_pt_set calls */
    unsigned tables;        /* page-table pages (vmi_pt_alloc calls) */
    uint64_t mapped;        /* bytes identity-mapped */
};

/* Build the identity map of all RAM and the first 4 GiB and switch the
 * boot CPU to it.  Returns the CR3 value for the other CPUs. */
uint64_t mmu_init(struct mmu_stats *st);
/* Per-CPU MMU state on a CPU already running on the kernel tables. */
void mmu_cpu_init(void);

#endif
