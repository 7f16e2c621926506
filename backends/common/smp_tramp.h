/* SPDX-License-Identifier: MIT */
/* smp_tramp.h: layout of the AP trampoline's parameter block, shared by
 * smp_trampoline.S and smp.c (so: #defines only, assembler-safe). */
#ifndef VMI_COMMON_SMP_TRAMP_H
#define VMI_COMMON_SMP_TRAMP_H

#define TRAMP_P_CR0 0           /* CR0 to load (PG|PE|...): the BSP's */
#define TRAMP_P_CR3 8           /* boot->cr3; must be below 4 GiB */
#define TRAMP_P_CR4 16          /* the BSP's CR4 without PCIDE */
#define TRAMP_P_EFER 24         /* the BSP's EFER with LME, without LMA */
#define TRAMP_P_STACK 32        /* boot->stack_top */
#define TRAMP_P_ENTRY 40        /* boot->entry */
#define TRAMP_P_ARG 48          /* boot->arg */
#define TRAMP_P_CPU 56          /* logical CPU index */
#define TRAMP_P_READY 64        /* set to 1 by the AP once it has read all */
#define TRAMP_P_SIZE 72

/* Selectors of the trampoline's temporary GDT. */
#define TRAMP_CS32 0x08
#define TRAMP_DS 0x10
#define TRAMP_CS64 0x18

#endif
