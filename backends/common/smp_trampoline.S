/* SPDX-License-Identifier: MIT */
/*
 * smp_trampoline.S: real-mode entry of a secondary CPU (backends/common).
 * smp_boot_ap() copies smp_trampoline_size bytes from smp_trampoline_start
 * to a page below 1 MiB (VMI_TRAMPOLINE_PA unless the loader's memory map
 * says otherwise, smp_tramp_page) and sends a STARTUP IPI whose vector is
 * that page, so the AP starts here at CS:IP = (page >> 4):0 in real mode
 * (Intel SDM Vol. 3A 9.4.4.1 and 11.6.1).  The code runs at any such
 * page: it takes the page's address from CS into EBX and addresses
 * everything from there, and writes the two linear addresses it needs
 * (the GDT base, the far jumps' targets) into the page before use.  It
 * goes 16 -> 32-bit protected -> 64-bit long mode (SDM Vol. 3A 10.8.5,
 * "Initializing IA-32e Mode") on a temporary GDT inside the page, then
 * calls entry(cpu, arg) on the given stack.
 */
#include "smp_tramp.h"
#include "x86_asm.h"

/* The offset of a label in the page. */
#define OFF(x) ((x) - smp_trampoline_start)
#define PARAM(off) (OFF(tramp_params) + (off))(%ebx)

#define CR0_PE 0x1
#define MSR_EFER 0xc0000080

    .section .rodata.smp_trampoline, "a"    /* copied, never run in place */
    .code16
    .globl smp_trampoline_start
smp_trampoline_start:
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    movzwl %ax, %ebx
    shll $4, %ebx                   /* EBX: the page's physical address */
    leal OFF(tramp_gdt)(%ebx), %eax
    movl %eax, OFF(tramp_gdtr) + 2
    leal OFF(tramp_pm32)(%ebx), %eax
    movl %eax, OFF(tramp_far32)
    leal OFF(tramp_lm64)(%ebx), %eax
    movl %eax, OFF(tramp_far64)
    lgdtl OFF(tramp_gdtr)
    movl %cr0, %eax
    orl $CR0_PE, %eax
    movl %eax, %cr0
    ljmpl *OFF(tramp_far32)         /* through DS (the page): m16:32 */

    .code32
tramp_pm32:
    movw $TRAMP_DS, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    /* PAE (in the BSP's CR4), the page tables, then EFER.LME: paging on
     * with LME set activates long mode (SDM 10.8.5). */
    movl PARAM(TRAMP_P_CR4), %eax
    movl %eax, %cr4
    movl PARAM(TRAMP_P_CR3), %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    movl PARAM(TRAMP_P_EFER), %eax
    movl PARAM(TRAMP_P_EFER + 4), %edx
    wrmsr
    movl PARAM(TRAMP_P_CR0), %eax
    movl %eax, %cr0
    ljmpl *OFF(tramp_far64)(%ebx)

    .code64
tramp_lm64:
    x86_load_data_segs TRAMP_DS
    movl %ebx, %ebx                 /* bits 63:32 were undefined */
    movq PARAM(TRAMP_P_STACK), %rsp
    movq PARAM(TRAMP_P_ENTRY), %rax
    movq PARAM(TRAMP_P_ARG), %rsi
    movl PARAM(TRAMP_P_CPU), %edi
    /* Report in: every parameter is now in a register, so the BSP may
     * reuse the page for the next CPU. */
    movl $1, PARAM(TRAMP_P_READY)
    xorl %ebp, %ebp
    call *%rax
1:  cli
    hlt
    jmp 1b

    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff    /* 0x08: 32-bit code, base 0, 4 GiB */
    .quad 0x00cf92000000ffff    /* 0x10: data, base 0, 4 GiB */
    .quad 0x00af9a000000ffff    /* 0x18: 64-bit code (L=1) */
tramp_gdtr:
    .word 4 * 8 - 1
    .long 0                     /* the page + OFF(tramp_gdt), written above */
tramp_far32:                    /* far pointers (offset, selector), the */
    .long 0                     /* offsets written above */
    .word TRAMP_CS32
tramp_far64:
    .long 0
    .word TRAMP_CS64

    .balign 8
tramp_params:
    .skip TRAMP_P_SIZE
smp_trampoline_end:

    .section .rodata, "a"
    .balign 4
    .globl smp_trampoline_size
smp_trampoline_size:
    .long smp_trampoline_end - smp_trampoline_start
