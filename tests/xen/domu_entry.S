/* SPDX-License-Identifier: MIT */
/*
 * tests/xen/domu_entry.S: the boot of the domU ABI guest (domu.c), a PVH
 * kernel laid out as kernels built for real Xen often are: linked at
 * 1 MiB, shipped in an ELF32 container (objcopy -O elf32-x86-64), and
 * mapping nothing below its own text.  PVH entry (32-bit, paging off):
 * copy hvm_start_info and its memory map while physical addresses still
 * work (Xen's builder puts them anywhere; vmi-run low), then 4-level
 * paging with the first 4 GiB identity-mapped EXCEPT the first MiB
 * (pages 0-255 not present: a special page there faults), a GDT with a
 * 64-bit and a 32-bit code segment, an IDT whose every vector reports
 * and stops (domu_fault), and domu_main(&start_info copy).
 *
 * domu_call32(nr, a1..a5) makes a hypercall from compatibility mode
 * through the same hypercall page: EAX = nr, EBX, ECX, EDX, ESI, EDI =
 * a1..a5 (Xen's 32-bit ABI, arch/x86/hvm/hypercall.c hvm_hypercall),
 * with the 64-bit argument registers (RDI, RSI, RDX, R10, R8) loaded
 * with other values, and the upper halves of a1..a5 left in place, so
 * that only a decoder that uses the 32-bit registers, truncated, gets
 * the call right.  Structures: SDM Vol. 3A 4.5, 3.4.5, 6.14, 5.2.1
 * (compatibility mode).
 */
#define KCODE 0x08
#define KDATA 0x10
#define CODE32 0x18
#define MEMMAP_MAX 16           /* domu.c: DOMU_MEMMAP_MAX */

	.pushsection .note.pvh, "a"
	.p2align 2
	.long 4, 4, 18          /* name size, desc size, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.p2align 2
	.long _start
	.popsection

	.code32
	.text
	.globl _start
_start:
	cld
	/* start_info (56 bytes) and up to MEMMAP_MAX entries of its map. */
	mov %ebx, %esi
	mov $domu_start_info, %edi
	mov $56, %ecx
	rep movsb
	mov domu_start_info + 40, %esi  /* memmap_paddr (low half) */
	mov domu_start_info + 48, %ecx  /* memmap_entries */
	cmp $MEMMAP_MAX, %ecx
	jbe 1f
	mov $MEMMAP_MAX, %ecx
1:	mov %ecx, domu_memmap_n
	imul $24, %ecx
	mov $domu_memmap, %edi
	rep movsb
	/* pt0: 4 KiB pages of the first 2 MiB, 0-255 absent. */
	mov $pt0, %edx
	mov $256, %ecx
2:	mov %ecx, %eax
	shl $12, %eax
	or $0x3, %eax
	mov %eax, (%edx, %ecx, 8)
	movl $0, 4(%edx, %ecx, 8)
	inc %ecx
	cmp $512, %ecx
	jne 2b
	/* 4 PDs: entry 0 -> pt0, the rest 2 MiB pages. */
	mov $pd, %edx
	movl $(pt0 + 3), (%edx)
	movl $0, 4(%edx)
	mov $1, %ecx
3:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, (%edx, %ecx, 8)
	movl $0, 4(%edx, %ecx, 8)
	inc %ecx
	cmp $2048, %ecx
	jne 3b
	movl $(pd + 3), pdpt
	movl $(pd + 0x1000 + 3), pdpt + 8
	movl $(pd + 0x2000 + 3), pdpt + 16
	movl $(pd + 0x3000 + 3), pdpt + 24
	movl $(pdpt + 3), pml4
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
	/* Every IDT gate -> fault_entry. */
	lea idt(%rip), %rdx
	lea fault_entry(%rip), %rax
	xor %ecx, %ecx
4:	mov %ax, (%rdx)
	movw $KCODE, 2(%rdx)
	movw $0x8e00, 4(%rdx)
	mov %rax, %rsi
	shr $16, %rsi
	mov %si, 6(%rdx)
	shr $16, %rsi
	mov %esi, 8(%rdx)
	movl $0, 12(%rdx)
	add $16, %rdx
	inc %ecx
	cmp $256, %ecx
	jne 4b
	lidt idtr(%rip)
	lea domu_start_info(%rip), %rdi
	call domu_main
5:	cli
	hlt
	jmp 5b

fault_entry:
	mov %cr2, %rdi
	mov (%rsp), %rsi                /* error code or RIP */
	mov 8(%rsp), %rdx               /* RIP or CS */
	call domu_fault
	jmp 5b

/* long domu_call32(unsigned nr, uint64_t a1, a2, a3, a4, a5):
 * SysV: EDI nr, RSI a1, RDX a2, RCX a3, R8 a4, R9 a5. */
	.globl domu_call32
domu_call32:
	push %rbx
	push %rbp
	push %r12
	push %r13
	mov %rsp, %r13
	mov %edi, %eax
	shl $5, %eax
	lea domu_hypercall_page(%rip), %rbp
	add %rax, %rbp                  /* the stub, below 4 GiB */
	mov %edi, %r12d                 /* nr */
	mov %rsi, %rbx                  /* a1 */
	mov %rdx, %r10
	mov %rcx, %rdx                  /* a3 */
	mov %r10, %rcx                  /* a2 */
	mov %r8, %rsi                   /* a4 */
	mov %r9, %rdi                   /* a5 */
	mov $0x5a5a5a5a5a5a5a5a, %r10   /* what a 64-bit decoder would read */
	mov %r10, %r8
	mov %r12d, %eax
	lea 6f(%rip), %r12
	push $CODE32
	push %r12
	lretq
	.code32
6:	call *%ebp
	ljmp $KCODE, $7f
	.code64
7:	mov $KDATA, %ecx
	mov %ecx, %ss
	mov %r13, %rsp
	movslq %eax, %rax
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

	.section .rodata
	.p2align 3
gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
	.quad 0x00cf9a000000ffff        /* 0x18: 32-bit code */
gdt_end:
gdtr:
	.word gdt_end - gdt - 1
	.quad gdt
idtr:
	.word 256 * 16 - 1
	.quad idt

	.section .data
	.p2align 12
	.globl domu_hypercall_page
domu_hypercall_page:
	.fill 4096, 1, 0xc3
	.p2align 12
pml4:	.fill 4096, 1, 0
pdpt:	.fill 4096, 1, 0
pd:	.fill 4 * 4096, 1, 0
pt0:	.fill 4096, 1, 0
idt:	.fill 256 * 16, 1, 0
	.p2align 3
	.globl domu_start_info, domu_memmap, domu_memmap_n
domu_start_info:
	.fill 56, 1, 0
domu_memmap_n:
	.long 0
	.p2align 3
domu_memmap:
	.fill MEMMAP_MAX * 24, 1, 0
	.p2align 4
	.fill 16384, 1, 0
stack_top:
