/* SPDX-License-Identifier: MIT */
/* arch.h: what the kernel layer uses of the x86-64 arch layer. */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include "vmi/boot.h"
#include "desc.h"
#include "mmu.h"
#include "percpu.h"
#include "trap.h"

/* PML4 slot 1 (512 GiB) is never mapped while RAM stays below it. */
#define ARCH_UNMAPPED_VA 0x8000000000ull
/* Bit 63 set, bit 47 clear: not canonical (Intel SDM Vol. 1 3.3.7.1). */
#define ARCH_NONCANONICAL_VA 0x8000000000000000ull

/* The boot CPU's kernel stack (vmi_boot_stack) and a fresh #DF stack
 * into (pc). */
void arch_boot_cpu_stacks(struct percpu *pc);

#endif
