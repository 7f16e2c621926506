/* SPDX-License-Identifier: MIT */
/*
 * switch.S: kernel context switch and page helpers (kernel layer).  A
 * switch saves only the callee-saved registers (System V AMD64 ABI 3.2.1):
 * everything else is already on the stack of whoever called swtch.
 */
    .text
/* swtch(uint64_t *save, uint64_t next_sp) */
    .globl swtch
swtch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* A new process's first switch returns here, with rsp at its struct
 * trap_frame (proc.c builds the stack): finish the switch, then enter
 * user mode through the common trap exit. */
    .globl proc_trampoline
proc_trampoline:
    call sched_finish_switch
    jmp vmi_trap_return

/* page_zero(void *page): one `rep stosq` rather than a loop, because the
 * kvm-pvm host interprets every CPL0 instruction (docs/hosts.md
 * [host:kvm-pvm]). */
    .globl page_zero
page_zero:
    xorl %eax, %eax
    movl $512, %ecx
    rep stosq
    ret
