/* SPDX-License-Identifier: MIT */
/*
 * entry.S: exception and interrupt stubs of the guest kernel (arch layer).
 * Each stub pushes a zero error code where the CPU pushes none, then its
 * vector, and joins trap_common, which saves every general register in a
 * struct trap_frame (trap.h) and calls trap_dispatch.  All gates are
 * interrupt gates, so this runs with delivery masked.
 *
 * From CPL3, GS base holds the user's value and IA32_KERNEL_GS_BASE the
 * kernel's per-CPU pointer (percpu.h): entry and exit swapgs exactly when
 * the interrupted code ran at CPL3 (Intel SDM Vol. 2B SWAPGS), so the
 * kernel's this_cpu() works whatever user code did to GS.
 */
/* Offset of the saved CS in the CPU's interrupt frame, counted from the
 * stub's vector push (trap.h: vector, error, rip, cs). */
#define CS_AT_ENTRY 24
#define CS_AT_IRET 8

/* Intel SDM Vol. 3A Table 6-1 (and AMD APM Vol. 2 8.2 for 29 and 30): the
 * exceptions that push an error code. */
.macro STUB vec
    .balign 16
trap_stub_\vec:
    .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || \
        (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || \
        (\vec == 29) || (\vec == 30)
    .else
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
.endm

#define EXCEPTIONS 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21, \
    22,23,24,25,26,27,28,29,30,31
/* VMI_VECTOR_FIRST..VMI_VECTOR_LAST (vmi/types.h). */
#define BACKEND_VECTORS 240,241,242,243,244,245,246,247,248,249,250,251, \
    252,253,254

    .text
    .irp v, EXCEPTIONS, BACKEND_VECTORS
    STUB \v
    .endr
/* The system-call vector, gated at DPL3 by a kernel that has user mode
 * (desc_set_user_gate); 0x80 as in guest-kernel/user/uabi.h. */
    .globl trap_stub_user
    STUB 128
trap_stub_user = trap_stub_128

trap_common:
    testb $3, CS_AT_ENTRY(%rsp)
    jz 1f
    swapgs
1:  pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    cld
    call trap_dispatch
/* trap_return: restore a struct trap_frame at rsp and leave; a new
 * process's first entry to user mode also comes here. */
    .globl trap_return
trap_return:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp
    testb $3, CS_AT_IRET(%rsp)
    jz 1f
    swapgs
1:  iretq

/* Vector 0xff: a spurious LAPIC interrupt needs no EOI (Intel SDM Vol. 3A
 * 11.9), so there is nothing to do. */
    .globl trap_spurious
trap_spurious:
    iretq

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

    .section .rodata
    .balign 8
    .globl trap_stub_table
trap_stub_table:
    .irp v, EXCEPTIONS, BACKEND_VECTORS
    .quad trap_stub_\v
    .endr
