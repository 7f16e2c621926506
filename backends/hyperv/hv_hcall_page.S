/* SPDX-License-Identifier: MIT */
/*
 * hv_hcall_page.S: the page HV_X64_MSR_HYPERCALL names.  The hypervisor
 * overwrites it with its call sequence [T: hypercall-interface]; it sits
 * in .text because the backend executes it (R-X in the kernel's page
 * tables; the hypervisor writes it through its physical address).  Until
 * then it is all `ret` (0xc3), as XTF does, so a call through a page that
 * was never filled returns (with RAX unchanged) instead of running junk.
 */
    .section .text.hv_hcall, "ax", @progbits
    .balign 4096
    .globl hv_hcall_page
hv_hcall_page:
    .fill 4096, 1, 0xc3
    .size hv_hcall_page, 4096
    .section .note.GNU-stack, "", @progbits
