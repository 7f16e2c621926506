/* SPDX-License-Identifier: MIT */
/*
 * tests/xen/hostile_entry.S: the boot and fault plumbing of the hostile
 * Xen guest (hostile.c).  PVH entry (32-bit, paging off) -> the first
 * 4 GiB identity-mapped with 2 MiB pages (nothing above: hostile.c's
 * FAR lies in that hole), every page user-accessible so that
 * CPL3 code can reach the hypercall page -> 64-bit mode with a GDT that
 * has kernel and user segments and a TSS -> hostile_main(start_info).
 *
 * hostile_probe(fn, user) runs fn at CPL0 (a call) or CPL3 (an iretq)
 * and returns the vector of the first exception it raised, or -1 if it
 * returned normally (CPL0 only: user snippets must end in a fault).  The
 * exception handler resumes the probe's caller: it rewrites the frame to
 * return to CPL0 at the saved resume point with the saved stack.
 * Structures: SDM Vol. 3A 4.5 (4-level paging), 3.4.5 (descriptors),
 * 7.7 (64-bit TSS), 6.14 (64-bit IDT and interrupt frames).
 */
#include "vmi/abi.h"

#define KCODE 0x08
#define KDATA 0x10
#define UCODE 0x1b              /* 0x18 | RPL 3 */
#define UDATA 0x23              /* 0x20 | RPL 3 */
#define TSSSEL 0x28
#define CCODE 0x3b              /* 0x38 | RPL 3: conforming, DPL 0 */

	.pushsection .note.pvh, "a"
	.p2align 2
	.long 4, 8, 18          /* name size, desc size, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.p2align 2
	.quad _start
	.popsection

	.code32
	.text
	.globl _start
_start:
	mov %ebx, %edi                  /* hvm_start_info, kept for main */
	/* 4 PDs: 2048 x 2 MiB = 4 GiB, present | writable | user | PS:
	 * RAM and, on real Xen, the PV console ring, which xl puts among
	 * the special pages just below 4 GiB. */
	mov $pd, %edx
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x87, %eax
	mov %eax, (%edx, %ecx, 8)
	movl $0, 4(%edx, %ecx, 8)
	inc %ecx
	cmp $2048, %ecx
	jne 1b
	movl $(pd + 7), pdpt
	movl $(pd + 0x1000 + 7), pdpt + 8
	movl $(pd + 0x2000 + 7), pdpt + 16
	movl $(pd + 0x3000 + 7), pdpt + 24
	movl $(pdpt + 7), pml4
	mov %cr4, %eax
	or $0x20, %eax                  /* PAE */
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx           /* EFER.LME */
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax            /* PG | PE */
	mov %eax, %cr0
	lgdt gdtr
	ljmp $KCODE, $long_mode

	.code64
long_mode:
	mov $KDATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	lea stack_top(%rip), %rsp
	call tss_idt_init
	mov %edi, %edi                  /* zero-extend start_info */
	call hostile_main
2:	hlt
	jmp 2b

/* TSS descriptor (base = tss), RSP0 = the exception stack, IDT gates. */
tss_idt_init:
	lea tss(%rip), %rax
	lea gdt_tss(%rip), %rdx
	movw $103, (%rdx)               /* limit */
	mov %ax, 2(%rdx)                /* base 15:0 */
	shr $16, %rax
	mov %al, 4(%rdx)                /* base 23:16 */
	movb $0x89, 5(%rdx)             /* present, 64-bit TSS (available) */
	mov %ah, 7(%rdx)                /* base 31:24 */
	lea exc_stack_top(%rip), %rax
	mov %rax, tss+4(%rip)           /* RSP0 */
	movw $104, tss+102(%rip)        /* I/O map base beyond the limit */
	mov $TSSSEL, %ax
	ltr %ax
	lea idt(%rip), %rdx
	lea vectors(%rip), %rsi
	xor %ecx, %ecx
3:	mov (%rsi, %rcx, 8), %rax
	mov %ax, (%rdx)                 /* offset 15:0 */
	movw $KCODE, 2(%rdx)
	movw $0x8e00, 4(%rdx)           /* present, DPL0, interrupt gate */
	shr $16, %rax
	mov %ax, 6(%rdx)                /* offset 31:16 */
	shr $16, %rax
	mov %eax, 8(%rdx)               /* offset 63:32 */
	movl $0, 12(%rdx)
	add $16, %rdx
	inc %ecx
	cmp $32, %ecx
	jne 3b
	lidt idtr(%rip)
	ret

/* Exception stubs: push a zero error code where the CPU pushes none
 * (vectors 8, 10-14, 17 have one), then the vector. */
	.macro EXC n
exc\n:
	.if \n != 8 && (\n < 10 || \n > 14) && \n != 17
	push $0
	.endif
	push $\n
	jmp exc_common
	.endm
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	EXC \n
	.endr

/* Record the vector and return to the probe's resume point at CPL0. */
exc_common:
	mov %rax, hostile_fault_rax(%rip)   /* a hypercall's result, say */
	mov (%rsp), %rax
	mov %eax, fault_vector(%rip)
	add $16, %rsp                   /* vector, error code */
	mov fault_resume(%rip), %rax
	mov %rax, 0(%rsp)               /* RIP */
	movq $KCODE, 8(%rsp)            /* CS */
	movq $2, 16(%rsp)               /* RFLAGS: IF=0 */
	mov fault_rsp(%rip), %rax
	mov %rax, 24(%rsp)              /* RSP */
	movq $KDATA, 32(%rsp)           /* SS */
	iretq

/* int hostile_probe(void (*fn)(void), int user): user 0 = a call at
 * CPL0; 1 = CPL3 with IOPL 0; 2 = CPL3 with IOPL 3, so that port I/O is
 * allowed there (SDM Vol. 1 18.5.1); 3 = the same in a conforming code
 * segment of DPL 0, where CS.DPL is 0 but the CPL is 3 (SDM Vol. 3A
 * 5.8.1.2: the CPL does not change on entering a conforming segment;
 * IRET takes it from the RPL of CS, 3, and SS.DPL is 3). */
	.globl hostile_probe
hostile_probe:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, fault_rsp(%rip)
	lea 4f(%rip), %rax
	mov %rax, fault_resume(%rip)
	movl $-1, fault_vector(%rip)
	test %esi, %esi
	jnz 5f
	call *%rdi
	jmp 4f
5:	pushq $UDATA
	lea user_stack_top(%rip), %rax
	push %rax
	mov $0x2, %eax
	cmp $2, %esi
	jb 6f
	or $0x3000, %eax                /* IOPL 3 */
6:	push %rax
	mov $UCODE, %eax
	cmp $3, %esi
	jne 7f
	mov $CCODE, %eax
7:	push %rax
	push %rdi
	iretq
4:	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	movslq fault_vector(%rip), %rax
	ret

/* CPL3 snippets for hostile_probe: each must fault; ud2 catches one
 * that does not.  17 is __HYPERVISOR_xen_version (xen.h); 32-byte stubs. */
	.globl hostile_user_page_call
hostile_user_page_call:
	lea xen_hypercall_page+17*32(%rip), %rax
	call *%rax
	ud2
	.globl hostile_user_raw_out
hostile_user_raw_out:
	mov $17, %eax
	out %al, $VMI_PORT_XEN_HYPERCALL
	ud2

	.section .rodata
	.balign 8
vectors:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad exc\n
	.endr

	.data
	.balign 16
gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08 kernel code, 64-bit */
	.quad 0x00cf92000000ffff        /* 0x10 kernel data */
	.quad 0x00affa000000ffff        /* 0x18 user code, 64-bit, DPL3 */
	.quad 0x00cff2000000ffff        /* 0x20 user data, DPL3 */
gdt_tss:
	.quad 0, 0                      /* 0x28 TSS, filled in */
	.quad 0x00af9e000000ffff        /* 0x38 code, 64-bit, conforming, DPL0 */
gdt_end:
	.balign 2
	.word 0
gdtr:
	.word gdt_end - gdt - 1
	.quad gdt
	.word 0
idtr:
	.word 32 * 16 - 1
	.quad idt

	.bss
	.balign 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4 * 4096
idt:	.skip 32 * 16
	.balign 16
tss:	.skip 104
fault_vector:	.skip 4
	.balign 8
	.globl hostile_fault_rax
hostile_fault_rax:	.skip 8
fault_resume:	.skip 8
fault_rsp:	.skip 8
	.balign 16
	.skip 16384
stack_top:
	.skip 4096
exc_stack_top:
	.skip 4096
user_stack_top:

	.section .note.GNU-stack, "", @progbits
