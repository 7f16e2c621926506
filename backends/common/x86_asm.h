/* SPDX-License-Identifier: MIT */
/*
 * x86_asm.h: assembler macros shared by the .S files of the backends
 * (common/smp_trampoline.S, xen/xen_entry.S).  Include it from a .S file
 * only.
 */
#ifndef VMI_COMMON_X86_ASM_H
#define VMI_COMMON_X86_ASM_H

/* In 64-bit mode, after a GDT load: DS, ES and SS <- the data selector
 * (sel), FS and GS <- null (their bases are then 0).  Clobbers EAX. */
.macro x86_load_data_segs sel
    movl $\sel, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
.endm

#endif
