/* SPDX-License-Identifier: MIT */
/*
 * trap.c: the boot library's IDT and its default vmi_trap() (vmi/boot.h):
 * backend vectors to vmi_event_dispatch, exceptions to the backend's
 * fixup table (vmi/fixup.h) or to a report and vmi_panic.
 */
#include "vmi/boot.h"
#include "vmi/fixup.h"

/* Intel SDM Vol. 3A 6.14.1: 64-bit interrupt gate (type 14), present,
 * DPL 0.  Interrupt gates clear IF, so vmi_event_dispatch runs masked. */
#define GATE_INTR 0x8e
#define EXCEPTIONS 32
#define VECTOR_PF 14

#define VECTOR_NMI 2

static struct vmi_gate idt[256] __attribute__((aligned(16)));
static int idt_built;

static struct vmi_gate gate_of(unsigned vector)
{
    uint64_t handler = vmi_trap_stubs[vector];

    return (struct vmi_gate){
        .offset_lo = (uint16_t)handler,
        .selector = VMI_BOOT_CS,
        .type_attr = GATE_INTR,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_hi = (uint32_t)(handler >> 32),
    };
}

void vmi_trap_install(void)
{
    struct vmi_dtr idtr = { sizeof(idt) - 1, (uintptr_t)idt };

    if (!__atomic_exchange_n(&idt_built, 1, __ATOMIC_ACQ_REL)) {
        for (unsigned v = 0; v < 256; v++) {
            struct vmi_gate g = gate_of(v);

            vmi_write_idt_entry(idt, v, &g);
        }
    }
    vmi_load_idt(&idtr);
}

void vmi_trap_early(void)
{
    struct vmi_dtr idtr = { sizeof(idt) - 1, (uintptr_t)idt };

    /* No op may run before vmi_init (vmi/ops.h): plain stores and LIDT. */
    for (unsigned v = 0; v < 256; v++)
        idt[v] = gate_of(v);
    __asm__ __volatile__("lidt %0" : : "m"(idtr) : "memory");
}

/* "0x" and 16 hex digits of (v) at (p). */
static char *hex(char *p, uint64_t v)
{
    *p++ = '0';
    *p++ = 'x';
    for (int shift = 60; shift >= 0; shift -= 4)
        *p++ = "0123456789abcdef"[v >> shift & 0xf];
    return p;
}

static char *str(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

/* One line: "vmi: unhandled exception 0x...0e, error 0x..., rip 0x...,
 * cr2 0x..." (cr2 for #PF only). */
static void report(const struct vmi_trap_frame *f)
{
    char line[160], *p = line;

    p = hex(str(p, "vmi: unhandled exception "), f->vector);
    p = hex(str(p, ", error "), f->error);
    p = hex(str(p, ", rip "), f->rip);
    if (f->vector == VECTOR_PF)
        p = hex(str(p, ", cr2 "), vmi_read_cr2());
    *p++ = '\n';
    vmi_console_write(line, (size_t)(p - line));
}

__attribute__((weak)) void vmi_trap(struct vmi_trap_frame *f)
{
    uint64_t fixup;

    if (f->vector >= VMI_VECTOR_FIRST && f->vector <= VMI_VECTOR_LAST) {
        vmi_event_dispatch((unsigned)f->vector);
        return;
    }
    /* Intel SDM Vol. 3A 11.9: a spurious interrupt needs no EOI.  An NMI
     * and any other vector (firmware's, a PIC's) are ignored. */
    if (f->vector == VMI_VECTOR_SPURIOUS || f->vector == VECTOR_NMI ||
        f->vector >= EXCEPTIONS)
        return;
    fixup = vmi_fixup_lookup(f->rip);
    if (fixup) {
        f->rip = fixup;
        return;
    }
    report(f);
    vmi_panic("unhandled exception");
}
