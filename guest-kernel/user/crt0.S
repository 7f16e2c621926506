/* SPDX-License-Identifier: MIT */
/*
 * crt0.S: entry and system-call stubs of user programs (user layer).  The
 * image header the kernel checks (uabi.h struct uabi_header) comes first.
 */
#include "uabi.h"

    .section .uheader, "a"
    .quad UABI_MAGIC
    .quad _start
    .quad __text_end
    .quad __file_end
    .quad __bss_end

    .text
/* The kernel enters with rsp = UABI_STACK_TOP (16-aligned) and every
 * other register zero. */
    .globl _start
_start:
    xorl %ebp, %ebp
    call main
    movl %eax, %edi
    call exit

/* long usys(n, a0, a1, a2, a3): the System V argument registers moved to
 * the kernel's (uabi.h: rax, rdi, rsi, rdx, r10). */
    .globl usys
usys:
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %r10
    int $UABI_VECTOR
    ret

/* long usys_msg(n, a0, uint64_t msg[4]): the four message words go in
 * rsi, rdx, r10, r8 and come back from there. */
    .globl usys_msg
usys_msg:
    movq %rdx, %r9
    movq %rdi, %rax
    movq %rsi, %rdi
    movq 0(%r9), %rsi
    movq 8(%r9), %rdx
    movq 16(%r9), %r10
    movq 24(%r9), %r8
    int $UABI_VECTOR
    movq %rsi, 0(%r9)
    movq %rdx, 8(%r9)
    movq %r10, 16(%r9)
    movq %r8, 24(%r9)
    ret

/* uint64_t usys_shm_create(long *handle): the address comes back in rsi. */
    .globl usys_shm_create
usys_shm_create:
    movq %rdi, %r9
    movq $SYS_SHM_CREATE, %rax
    int $UABI_VECTOR
    movq %rax, (%r9)
    movq %rsi, %rax
    ret
