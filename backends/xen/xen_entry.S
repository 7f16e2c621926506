/* SPDX-License-Identifier: MIT */
/*
 * xen_entry.S: the hypercall page and the secondary-CPU entry of the xen
 * backend.
 *
 * The page is filled by the hypervisor when init writes its address to
 * the hypercall MSR (CPUID base+2 ebx): Xen with VMCALL stubs, vmi-run
 * with port-I/O stubs.  It lives in an executable section and holds 0xc3
 * (ret) until then, as XTF does, so a call through an unfilled page
 * returns instead of running garbage (docs/vmi-api.md 2.1).
 *
 * xen_ap_start is the rip of VCPUOP_initialise's vcpu_hvm_context:
 * VCPU_HVM_MODE_64B sets only the hidden parts of the segment registers
 * and leaves GDTR unusable, so it loads the backend's GDT and reloads
 * every segment, then calls xen_ap_main(rdi = cpu, rsi = arg, rdx =
 * entry) on the stack the context gave (16-aligned: the call leaves RSP
 * at 8 mod 16, as the ABI wants at a function's entry).
 */
#include "x86_asm.h"

    .section .text.xen_hcall, "ax", @progbits
    .balign 4096
    .globl xen_hypercall_page
xen_hypercall_page:
    .fill 4096, 1, 0xc3

    .text
    .globl xen_ap_start
xen_ap_start:
    lgdt xen_ap_gdtr(%rip)
    x86_load_data_segs 0x10
    pushq $0x08
    leaq 1f(%rip), %rax
    pushq %rax
    lretq
1:  call xen_ap_main
    ud2

    .section .rodata
    .balign 16
/* Null, 64-bit code (0x08), data (0x10): SDM Vol. 3A 3.4.5 and 5.2.1. */
xen_ap_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
xen_ap_gdt_end:
    .balign 2
    .word 0
xen_ap_gdtr:
    .word xen_ap_gdt_end - xen_ap_gdt - 1
    .quad xen_ap_gdt

    .section .note.GNU-stack, "", @progbits
