/* SPDX-License-Identifier: MIT */
/*
 * probe.S: accesses that may fault (arch layer; see probe.h).  Each
 * faulting instruction is listed in section kernel_fixup as {insn,
 * fixup}, the format of vmi/fixup.h; the fixup returns 1.
 */

/* FIXUP insn, fixup: one entry of the kernel's fixup table. */
.macro FIXUP insn, fixup
    .pushsection kernel_fixup, "a"
    .balign 8
    .quad \insn, \fixup
    .popsection
.endm

    .text
/* int probe_read64(uint64_t va, uint64_t *val) */
    .globl probe_read64
probe_read64:
1:  movq (%rdi), %rax
    movq %rax, (%rsi)
    xorl %eax, %eax
    ret
2:  movl $1, %eax
    ret
    FIXUP 1b, 2b

/* int probe_write64(uint64_t va, uint64_t val) */
    .globl probe_write64
probe_write64:
1:  movq %rsi, (%rdi)
    xorl %eax, %eax
    ret
2:  movl $1, %eax
    ret
    FIXUP 1b, 2b

/* int probe_rdmsr(uint32_t msr, uint64_t *val): Intel SDM Vol. 2B RDMSR,
 * ECX = index, result in EDX:EAX. */
    .globl probe_rdmsr
probe_rdmsr:
    movl %edi, %ecx
1:  rdmsr
    shlq $32, %rdx
    movl %eax, %eax
    orq %rdx, %rax
    movq %rax, (%rsi)
    xorl %eax, %eax
    ret
2:  movl $1, %eax
    ret
    FIXUP 1b, 2b

/* int probe_wrmsr(uint32_t msr, uint64_t val): WRMSR takes EDX:EAX. */
    .globl probe_wrmsr
probe_wrmsr:
    movl %edi, %ecx
    movl %esi, %eax
    movq %rsi, %rdx
    shrq $32, %rdx
1:  wrmsr
    xorl %eax, %eax
    ret
2:  movl $1, %eax
    ret
    FIXUP 1b, 2b
