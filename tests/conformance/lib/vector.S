/* SPDX-License-Identifier: MIT */
/*
 * vector.S: a replacement #UD gate for the cpu_regs test, which installs it
 * with vmi_write_idt_entry and raises #UD with UD2.  Not a software INT:
 * kvm-pvm fails to emulate INT n at CPL0 (KVM internal error), while a
 * fault goes through the IDT everywhere.  The handler counts, steps over
 * the 2-byte UD2 (#UD pushes no error code, so the saved RIP is at the top
 * of the stack; Intel SDM Vol. 3A 6.14.2) and returns.
 */
    .text
    .globl conf_vector_stub
conf_vector_stub:
    lock incq conf_vector_hits(%rip)
    addq $2, (%rsp)
    iretq

/* void conf_raise_vector(void): UD2 (Intel SDM Vol. 2B), 2 bytes. */
    .globl conf_raise_vector
conf_raise_vector:
    ud2
    ret

    .bss
    .balign 8
    .globl conf_vector_hits
conf_vector_hits:
    .quad 0
