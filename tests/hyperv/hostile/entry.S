/* SPDX-License-Identifier: MIT */
/*
 * tests/hyperv/hostile/entry.S: the hostile Hyper-V guest's machine
 * layer: PVH entry (32-bit, paging off), identity paging of the first
 * 4 GiB with 2 MiB pages (user-accessible, so the user-mode row can run
 * anywhere), a GDT with kernel and user segments and a TSS, long mode,
 * and the probes: rdmsr/wrmsr/hypercall/user-mode call that report the
 * exception they raised instead of dying.  Every exception handler
 * records the vector and RIP and resumes at the probe's recovery label
 * on the probe's own stack (XTF's "_safe" idea).
 */
#include "vmi/abi.h"

#define PVH_ENTRY_TYPE 18       /* Xen public/elfnote.h XEN_ELFNOTE_PHYS32_ENTRY */
#define MSR_EFER 0xc0000080     /* SDM Vol. 4 Table 2-2 */
#define EFER_LME 0x100
#define CR4_PAE 0x20
#define CR0_PG 0x80000000
#define CR0_PG_PE 0x80000001
#define PTE_P_RW_US 0x7
#define PDE_2M 0x87             /* P | RW | US | PS */
#define NOFAULT 0xffffffff

/* From 32-bit code with CR4.PAE set and paging off: the 4-level tables,
 * EFER.LME, then CR0.PG (with PE), which turns IA-32e mode on (SDM
 * Vol. 3A 10.8.5).  The boot path and legacy_hcall's way back share it. */
	.macro ENTER_IA32E
	mov $pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PG_PE, %eax
	mov %eax, %cr0
	.endm

/* legacy_hcall's and compat_hcall's way in from 64-bit code and back:
 * the callee-saved registers (the upper halves of all of them are
 * undefined after 32-bit code, SDM Vol. 1 3.4.1.1), RFLAGS with
 * interrupts off, the arguments in legacy_args, RSP in legacy_rsp; flat
 * 32-bit data segments for the way there (a row that ran at CPL 3 left
 * DS and ES null, and SS after an exception, which 64-bit mode allows
 * and 32-bit code does not).  Back: RSP, the result from legacy_ret. */
	.macro CALL32_ENTER
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	pushfq
	cli
	mov %rdi, legacy_args(%rip)
	mov %rsi, legacy_args+8(%rip)
	mov %rdx, legacy_args+16(%rip)
	mov %rsp, legacy_rsp(%rip)
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	.endm

	.macro CALL32_LEAVE
	mov legacy_rsp(%rip), %rsp
	mov legacy_ret(%rip), %rax
	popfq
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
	.endm

	.pushsection .note.pvh, "a"
	.p2align 2
	.long 4, 8, PVH_ENTRY_TYPE
	.asciz "Xen"
	.p2align 2
	.quad _start
	.popsection

	.code32
	.text
	.globl _start
_start:
	mov $boot_stack_top, %esp
	/* PML4[0] -> PDPT; PDPT[0..3] -> PD 0..3; 2048 2 MiB pages. */
	movl $(pdpt + PTE_P_RW_US), pml4
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $12, %eax
	add $(pd + PTE_P_RW_US), %eax
	mov %eax, pdpt(,%ecx,8)
	inc %ecx
	cmp $4, %ecx
	jne 1b
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $PDE_2M, %eax
	mov %eax, pd(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jne 2b
	lgdt gdt_ptr
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	ENTER_IA32E
	ljmp $0x08, $long_entry

	.code64
long_entry:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	lea boot_stack_top(%rip), %rsp
	call hostile_main
3:	cli
	hlt
	jmp 3b

/* Exception and interrupt stubs: vector, and a 0 where the CPU pushes no
 * error code (SDM Vol. 3A Table 6-1). */
	.macro STUB n
stub_\n:
	.if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21)
	.else
	push $0
	.endif
	push $\n
	jmp common
	.endm
	.altmacro
	.set i, 0
	.rept 256
	STUB %i
	.set i, i + 1
	.endr

	.macro STUBADDR n
	.quad stub_\n
	.endm
	.section .rodata
	.globl stub_table
stub_table:
	.set i, 0
	.rept 256
	STUBADDR %i
	.set i, i + 1
	.endr
	.text

/* Stack: vector, error code, RIP, CS, RFLAGS, RSP, SS. */
common:
	cmpq $32, (%rsp)
	jae irq
	mov (%rsp), %rax
	mov %eax, fault_vec(%rip)
	mov 16(%rsp), %rax
	mov %rax, fault_rip(%rip)
	mov saved_rsp(%rip), %rsp
	jmp *recover(%rip)
irq:	/* Count it, EOI the xAPIC (SDM Vol. 3A 11.8.5), return. */
	push %rax
	push %rcx
	mov 16(%rsp), %rax
	lea irq_count(%rip), %rcx
	lock incl (%rcx,%rax,4)
	mov $0xfee000b0, %rcx
	movl $0, (%rcx)
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

/* An exception outside any probe: the test itself is broken. */
fatal:
	mov $VMI_EXIT_ERROR, %al
	out %al, $VMI_DEBUG_EXIT_PORT
	cli
	hlt

	.macro ARM
	movl $NOFAULT, fault_vec(%rip)
	lea 9f(%rip), %rax
	mov %rax, recover(%rip)
	mov %rsp, saved_rsp(%rip)
	.endm
	.macro DISARM
9:	lea fatal(%rip), %r10
	mov %r10, recover(%rip)
	.endm

/* uint32_t probe_rdmsr(uint32_t msr, uint64_t *val): NOFAULT or vector. */
	.globl probe_rdmsr
probe_rdmsr:
	ARM
	mov %edi, %ecx
	rdmsr
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, (%rsi)
	DISARM
	mov fault_vec(%rip), %eax
	ret

/* uint32_t probe_wrmsr(uint32_t msr, uint64_t val) */
	.globl probe_wrmsr
probe_wrmsr:
	ARM
	mov %edi, %ecx
	mov %rsi, %rax
	mov %rsi, %rdx
	shr $32, %rdx
	wrmsr
	DISARM
	mov fault_vec(%rip), %eax
	ret

/* uint64_t hcall(const void *page, uint64_t control, uint64_t in,
 * uint64_t out): the TLFS x64 registers; fault_vec says if it faulted. */
	.globl hcall
hcall:
	ARM
	mov %rcx, %r8
	mov %rsi, %rcx
	call *%rdi
	DISARM
	ret

/* uint32_t probe_user_hcall(const void *page, uint64_t control,
 * uint64_t in, uint64_t rflags): call (page) from CPL3 with RCX =
 * control, RDX = in, R8 = 0 and RFLAGS = rflags (IF 0; IOPL 0 or 3);
 * returns the vector it raised. */
	.globl probe_user_hcall
probe_user_hcall:
	ARM
	push $0x1b                      /* user data, RPL 3 */
	lea user_stack_top(%rip), %rax
	push %rax
	push %rcx                       /* RFLAGS */
	push $0x23                      /* user code, RPL 3 */
	lea user_tramp(%rip), %rax
	push %rax
	mov %rsi, %rcx
	xor %r8d, %r8d
	iretq
user_tramp:
	call *%rdi
	ud2                             /* returned: not expected */
	DISARM
	mov fault_vec(%rip), %eax
	ret

/* User-mode snippets for probe_user_hcall: a synthetic MSR accessed
 * from CPL3 (RCX = the MSR) must #GP in hardware before any exit. */
	.globl user_rdmsr, user_wrmsr
user_rdmsr:
	rdmsr
	ret
user_wrmsr:
	wrmsr
	ret

/*
 * uint64_t legacy_hcall(const void *page, uint64_t control, uint64_t in):
 * call (page) from 32-bit protected mode with PAE paging, outside IA-32e
 * mode, with the TLFS's 32-bit registers: EDX:EAX = control, EBX:ECX =
 * input GPA, EDI:ESI = output GPA (0) [T: hypercall-interface]; returns
 * EDX:EAX.  The code segment it calls from has the L bit set, which
 * only IA-32e mode reads (SDM Vol. 3A 3.4.5): the CPU keeps the bit in
 * CS's hidden part, and KVM_GET_SREGS reports it.  The way out and back
 * is SDM Vol. 3A 10.8.5: compatibility mode, paging off (IA-32e mode
 * off), EFER.LME off, legacy tables, paging on; in reverse to return.
 * Interrupts stay off.  Outside IA-32e mode the IDT is legacy_idt, whose
 * one gate catches a #GP.  One from turning paging on (legacy_pg_on)
 * means the KVM refuses paging outside IA-32e mode (kvm-pvm does,
 * docs/hosts.md [host:kvm-pvm]): the call returns with legacy_refused 1.
 * Any other #GP returns with legacy_refused 2 and its EIP as the result.
 * Any other fault on the way is fatal.  Everything it touches lies below
 * 4 GiB (hostile.ld).
 */
	.globl legacy_hcall
legacy_hcall:
	CALL32_ENTER
	sidt legacy_idtr64(%rip)
	movl $0, legacy_refused(%rip)
	/* The PAE PDPT, written afresh each time: the lab's nested paging
	 * (QEMU's TCG) was seen to set bit 5 of an entry it had used, a bit
	 * reserved in a PDPTE (SDM Vol. 3A 4.4.1), and KVM then refused
	 * the next MOV to CR0 (#GP, load_pdptrs). */
	lea pd + 1(%rip), %rax
	lea legacy_pdpt(%rip), %rcx
5:	mov %rax, (%rcx)
	add $0x1000, %rax
	add $8, %rcx
	cmp $(pd + 0x4001), %rax
	jne 5b
	lea 1f(%rip), %rax
	push $0x38                      /* 32-bit code */
	push %rax
	lretq
	.code32
1:	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0                  /* IA-32e mode off */
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
	mov $legacy_gp, %eax
	mov %ax, legacy_idt + 13 * 8
	shr $16, %eax
	mov %ax, legacy_idt + 13 * 8 + 6
	lidt legacy_idtr                /* IA-32e mode is off */
	mov $legacy_pdpt, %eax
	mov %eax, %cr3                  /* PAE tables; CR4.PAE stays */
	ljmp $0x40, $2f                 /* 32-bit code with L set */
2:	mov %cr0, %eax
	or $CR0_PG, %eax
legacy_pg_on:
	mov %eax, %cr0
	call legacy_call32
	ljmp $0x38, $legacy_back
/* From 32-bit code: the call legacy_args describe, its EDX:EAX to
 * legacy_ret. */
legacy_call32:
	mov legacy_args+8, %eax
	mov legacy_args+12, %edx
	mov legacy_args+16, %ecx
	mov legacy_args+20, %ebx
	xor %esi, %esi
	xor %edi, %edi
	call *legacy_args
	mov %eax, legacy_ret
	mov %edx, legacy_ret+4
	ret
legacy_gp:                      /* #GP, error code at 0(%esp), EIP at 4 */
	mov 4(%esp), %eax
	mov %eax, legacy_ret            /* any other #GP: a failure, at EIP */
	movl $0, legacy_ret+4
	movl $2, legacy_refused
	cmp $legacy_pg_on, %eax
	jne legacy_back
	movl $1, legacy_refused         /* paging on was refused */
legacy_back:
	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0
	ENTER_IA32E                     /* compatibility mode */
	ljmp $0x08, $4f
	.code64
4:	lidt legacy_idtr64(%rip)
	CALL32_LEAVE

/*
 * uint64_t compat_hcall(const void *page, uint64_t control, uint64_t in):
 * call (page) from compatibility mode: IA-32e mode stays on, the code
 * segment is 0x38 (L clear), paging and the IDT stay as they are.  The
 * registers are legacy_hcall's (KVM's is_64_bit_hypercall takes this
 * caller for a 32-bit one); returns EDX:EAX.  Interrupts stay off; a
 * fault is fatal (no probe is armed).
 */
	.globl compat_hcall
compat_hcall:
	CALL32_ENTER
	lea 1f(%rip), %rax
	push $0x38
	push %rax
	lretq
	.code32
1:	call legacy_call32
	ljmp $0x08, $4f
	.code64
4:	CALL32_LEAVE

/* void load_idt_tr(const void *idtr, uint16_t tr) */
	.globl load_idt_tr
load_idt_tr:
	lidt (%rdi)
	ltr %si
	ret

/* The hypercall page: vmi-run overwrites it; `ret` until then. */
	.section .text.hcall, "ax", @progbits
	.balign 4096
	.globl hcall_page
hcall_page:
	.fill 4096, 1, 0xc3

	.data
	.p2align 3
gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08 kernel code, 64-bit */
	.quad 0x00cf92000000ffff        /* 0x10 kernel data */
	.quad 0x00cff2000000ffff        /* 0x18 user data, DPL 3 */
	.quad 0x00affa000000ffff        /* 0x20 user code, DPL 3, 64-bit */
	.globl gdt_tss
gdt_tss:
	.quad 0, 0                      /* 0x28 TSS, filled in C */
	.quad 0x00cf9a000000ffff        /* 0x38 kernel code, 32-bit */
	.quad 0x00ef9a000000ffff        /* 0x40 the same with L set */
gdt_end:
gdt_ptr:
	.word gdt_end - gdt - 1
	.quad gdt
recover:
	.quad fatal
saved_rsp:
	.quad 0
legacy_args:
	.quad 0, 0, 0
legacy_ret:
	.quad 0
legacy_idtr64:
	.quad 0, 0
	.globl legacy_refused
legacy_refused:
	.long 0
	.p2align 3
legacy_idt:                             /* vectors 0-13: 13 only is present */
	.fill 13, 8, 0
	.word 0, 0x38                   /* 32-bit interrupt gate (SDM Vol. 3A */
	.byte 0, 0x8e                   /* 6.11); legacy_hcall fills in the */
	.word 0                         /* offset */
	.p2align 2
	.word 0
legacy_idtr:
	.word 14 * 8 - 1
	.long legacy_idt
legacy_rsp:
	.quad 0
	.p2align 5
legacy_pdpt:                            /* PAE: the first 4 GiB, pd's */
	.quad 0, 0, 0, 0
	.globl fault_vec, fault_rip, irq_count
fault_vec:
	.long NOFAULT
	.p2align 3
fault_rip:
	.quad 0
irq_count:
	.fill 256, 4, 0

	.bss
	.p2align 12
pml4:	.fill 4096, 1, 0
pdpt:	.fill 4096, 1, 0
pd:	.fill 4 * 4096, 1, 0
	.fill 16384, 1, 0
boot_stack_top:
	.fill 4096, 1, 0
user_stack_top:
	.section .note.GNU-stack, "", @progbits
