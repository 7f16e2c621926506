/* SPDX-License-Identifier: MIT */
/*
 * head.S: a vmi kernel's first instructions (boot library, vmi/boot.h).
 * Holds the Multiboot2 header and the PVH ELF note, the two 32-bit entry
 * points, the statically assembled early page tables, and the switch to
 * long mode.  Everything here runs once, on the boot CPU, with paging off,
 * and ends in vmi_boot_start (start.c).
 */
#include "vmi/boot.h"

/* Intel SDM Vol. 3A 2.5 (CR0, CR4) and Vol. 4 Table 2-2 (IA32_EFER). */
#define CR0_PE (1 << 0)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
/* Intel SDM Vol. 2A CPUID: leaf 0x80000001 EDX bit 20 is NX, bit 29 LM. */
#define CPUID_NX (1 << 20)
#define CPUID_LM (1 << 29)
/* Intel SDM Vol. 3A 4.5 Table 4-17/4-18: present, writable, PWT, PCD, PS. */
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PWT 0x8
#define PTE_PCD 0x10
#define PTE_PS 0x80

/* ---- Multiboot2 header (multiboot2 spec 3.1): first 32 KiB, 8-aligned. */
    .section .mb2_header, "a"
    .balign 8
mb2_header:
    .long VMI_BOOT_MB2_HEADER_MAGIC
    .long VMI_BOOT_MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(VMI_BOOT_MB2_HEADER_MAGIC + VMI_BOOT_MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* Information request (type 1), optional (flags bit 0): command line
     * (1), basic memory (4), memory map (6), framebuffer (8), ACPI old/new
     * RSDP (14, 15). */
    .balign 8
    .short 1, 1
    .long 8 + 6 * 4
    .long 1, 4, 6, 8, 14, 15
    /* Framebuffer (type 5, spec 3.1.10), optional: a linear framebuffer
     * of any width and height (0: no preference) and depth 32, a hint
     * (GRUB 2.06 heeds the depth only with a size given); the loader may
     * also leave EGA text mode (info tag 8 says which, bootinfo.c). */
    .balign 8
    .short 5, 1
    .long 20
    .long 0, 0, 32
    /* Entry address (type 3): the loader jumps to vmi_mb2_start in 32-bit
     * protected mode. */
    .balign 8
    .short 3, 0
    .long 12
    .long vmi_mb2_start
    /* End tag (type 0, size 8). */
    .balign 8
    .short 0, 0
    .long 8
mb2_header_end:

/* ---- PVH note (Xen docs/misc/pvh.pandoc, public/elfnote.h): name "Xen",
 * type 18 XEN_ELFNOTE_PHYS32_ENTRY.  The descriptor is 8 bytes because
 * QEMU 7.2 reads it as a size_t (its hw/i386/x86.c,
 * read_pvh_start_addr). */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4
    .long 8
    .long 18
    .asciz "Xen"
    .balign 4
    .quad vmi_pvh_start

/* ---- 32-bit entry points (boot-only code). */
    .section .boot.text, "ax"
    .code32

/* PVH: ebx = physical address of struct hvm_start_info (pvh.pandoc). */
    .globl vmi_pvh_start
vmi_pvh_start:
    movl $VMI_BOOT_PVH, %edi
    jmp start32

/* Multiboot2: eax = magic, ebx = physical address of the MB2 info. */
    .globl vmi_mb2_start
vmi_mb2_start:
    cmpl $VMI_BOOT_MB2_EAX_MAGIC, %eax
    jne boot_fail
    movl $VMI_BOOT_MB2, %edi

/* Common path: edi = protocol, ebx = info, kept in ebp because CPUID
 * overwrites ebx. */
start32:
    cld
    movl %ebx, %ebp
    lgdt boot_gdt_ptr
    movl $VMI_BOOT_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl $vmi_boot_stack + VMI_BOOT_STACK_SIZE, %esp

    /* Long mode must exist; NX is used only if the CPU has it. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb boot_fail
    movl $0x80000001, %eax
    cpuid
    testl $CPUID_LM, %edx
    jz boot_fail
    movl %edx, %esi

    /* Intel SDM Vol. 3A 10.8.5: PAE, CR3, EFER.LME, then CR0.PG. */
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $early_pml4, %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    testl $CPUID_NX, %esi
    jz 1f
    orl $EFER_NXE, %eax
1:  wrmsr
    movl %cr0, %eax
    orl $(CR0_PG | CR0_PE), %eax
    movl %eax, %cr0
    ljmp $VMI_BOOT_CS, $start64

/* No long mode, or a bad loader magic: nothing can be printed yet without
 * the backend, so stop; a triple fault ends QEMU -no-reboot visibly. */
boot_fail:
    ud2

    .code64
start64:
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    /* The upper halves of the registers are undefined after the mode
     * switch (Intel SDM Vol. 1 3.4.1.1): reload rsp, zero-extend args. */
    movq $vmi_boot_stack + VMI_BOOT_STACK_SIZE, %rsp
    /* vmi_boot_start(protocol, info pa); rbp = 0 ends frame-pointer
     * backtraces. */
    movl %edi, %edi
    movl %ebp, %esi
    xorl %ebp, %ebp
    call vmi_boot_start
    ud2

/* ---- Boot data: GDT and page tables, used until the kernel switches
 * away (the GDT selectors are VMI_BOOT_CS and VMI_BOOT_DS). */
    .section .boot.data, "aw"
    .balign 16
/* Intel SDM Vol. 3A 3.4.5: a 64-bit code segment (L=1) and a data segment,
 * at VMI_BOOT_CS and VMI_BOOT_DS (vmi/boot.h). */
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt

/* Identity map of the first 4 GiB with 2 MiB pages (no 1 GiB pages: they
 * triple-fault on this host's KVM).  Assembled, not filled at run time:
 * under kvm-pvm every CPL0 instruction costs about 1 us.  The 4 MiB at
 * 0xfec00000 (IOAPIC, LAPIC) are uncached. */
    .balign 4096
early_pml4:
    .quad early_pdpt + (PTE_P | PTE_W)
    .fill 511, 8, 0
early_pdpt:
    .quad early_pd + 0x0000 + (PTE_P | PTE_W)
    .quad early_pd + 0x1000 + (PTE_P | PTE_W)
    .quad early_pd + 0x2000 + (PTE_P | PTE_W)
    .quad early_pd + 0x3000 + (PTE_P | PTE_W)
    .fill 508, 8, 0
early_pd:
    .set addr, 0
    .rept 2048
    .if (addr >= 0xfec00000) && (addr < 0xff000000)
    .quad addr + (PTE_P | PTE_W | PTE_PS | PTE_PWT | PTE_PCD)
    .else
    .quad addr + (PTE_P | PTE_W | PTE_PS)
    .endif
    .set addr, addr + 0x200000
    .endr

    .section .bss
    .balign 16
    .globl vmi_boot_stack
vmi_boot_stack:
    .skip VMI_BOOT_STACK_SIZE
