/* SPDX-License-Identifier: MIT */
/*
 * entry.S: the arch layer's few lines of assembly beside the boot
 * library's trap entry (vmi/boot.h: vmi_trap_stubs, vmi_trap_return),
 * which swaps GS on entries from and exits to CPL3, so that this_cpu()
 * works whatever user code did to GS (percpu.h).
 */
    .text
/* this_cpu(): the struct percpu that GS base points at (percpu.h). */
    .globl this_cpu
this_cpu:
    movq %gs:0, %rax
    ret

/* segments_reload(cs, ds): far return into the new code segment. */
    .globl segments_reload
segments_reload:
    movl %esi, %ds
    movl %esi, %es
    movl %esi, %ss
    popq %rax
    pushq %rdi
    pushq %rax
    lretq
