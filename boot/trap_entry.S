/* SPDX-License-Identifier: MIT */
/*
 * trap_entry.S: the trap entry of the boot library (vmi/boot.h).  One stub
 * per vector pushes a zero error code where the CPU pushes none, then its
 * vector, and joins trap_common, which saves every general register in a
 * struct vmi_trap_frame and calls vmi_trap().  The library's gates are
 * interrupt gates, so this runs with delivery masked.
 *
 * From CPL3, GS base holds the user's value and IA32_KERNEL_GS_BASE the
 * kernel's: entry and exit swapgs exactly when the interrupted code ran at
 * CPL3 (Intel SDM Vol. 2B SWAPGS).  A kernel without user mode never gets
 * there.
 */
/* Offset of the saved CS in the CPU's interrupt frame, counted from the
 * stub's vector push (vmi/boot.h: vector, error, rip, cs). */
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

/* STUBS from, to: STUB for every vector in [from, to]. */
.macro STUBS from, to
    STUB \from
    .if \to - \from
    STUBS %(\from + 1), \to
    .endif
.endm

/* TABLE from, to: the stub addresses of vectors [from, to]. */
.macro TABLE from, to
    .quad trap_stub_\from
    .if \to - \from
    TABLE %(\from + 1), \to
    .endif
.endm

    .altmacro
    .text
    /* In four runs: gas limits the depth of recursive macros. */
    STUBS 0, 63
    STUBS 64, 127
    STUBS 128, 191
    STUBS 192, 255

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
    call vmi_trap
/* vmi_trap_return: restore a struct vmi_trap_frame at rsp and leave; a
 * kernel's first entry to user mode may also come here. */
    .globl vmi_trap_return
vmi_trap_return:
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

    .section .rodata
    .balign 8
    .globl vmi_trap_stubs
vmi_trap_stubs:
    TABLE 0, 63
    TABLE 64, 127
    TABLE 128, 191
    TABLE 192, 255
