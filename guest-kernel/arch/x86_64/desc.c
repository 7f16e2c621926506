/* SPDX-License-Identifier: MIT */
/* desc.c: GDT, per-CPU TSS and IDT through vmi ops (arch layer). */
#include "desc.h"
#include "percpu.h"
#include "trap.h"

#define GDT_ENTRIES (GDT_TSS + 2 * VMI_MAX_CPUS)

/* Intel SDM Vol. 3A 3.4.5: flat 64-bit code (L=1) and data descriptors,
 * DPL 0 and 3; 32-bit user code only for the SYSRET layout. */
#define DESC_KCODE 0x00af9a000000ffffull
#define DESC_KDATA 0x00cf92000000ffffull
#define DESC_UCODE32 0x00cffa000000ffffull
#define DESC_UDATA 0x00cff2000000ffffull
#define DESC_UCODE 0x00affa000000ffffull

/* Intel SDM Vol. 3A 7.2.3: available 64-bit TSS (type 9), present. */
#define DESC_TSS_TYPE (0x89ull << 40)
/* Intel SDM Vol. 3A 6.14.1: 64-bit interrupt gate (type 14), present,
 * DPL 0.  Interrupt gates clear IF, so vmi_event_dispatch runs masked. */
#define GATE_INTR 0x8e
#define GATE_DPL3 0x60              /* DPL field, bits 5-6 of type_attr */
#define IST_DF 1                    /* #DF runs on its own stack */

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
static struct vmi_gate idt[256] __attribute__((aligned(16)));

static void set_gate_dpl(unsigned vector, uint64_t handler, unsigned ist,
                         uint8_t dpl)
{
    struct vmi_gate g = {
        .offset_lo = (uint16_t)handler,
        .selector = SEL_KCODE,
        .ist = (uint8_t)ist,
        .type_attr = GATE_INTR | dpl,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_hi = (uint32_t)(handler >> 32),
    };

    vmi_write_idt_entry(idt, vector, &g);
}

static void set_gate(unsigned vector, uint64_t handler, unsigned ist)
{
    set_gate_dpl(vector, handler, ist, 0);
}

void desc_set_user_gate(unsigned vector)
{
    set_gate_dpl(vector, vmi_trap_stubs[vector], 0, GATE_DPL3);
    trap_claim(vector);
}

void desc_init(void)
{
    vmi_write_gdt_entry(gdt, GDT_KCODE, DESC_KCODE);
    vmi_write_gdt_entry(gdt, GDT_KDATA, DESC_KDATA);
    vmi_write_gdt_entry(gdt, GDT_UCODE32, DESC_UCODE32);
    vmi_write_gdt_entry(gdt, GDT_UDATA, DESC_UDATA);
    vmi_write_gdt_entry(gdt, GDT_UCODE, DESC_UCODE);
    /* The boot library's stubs (vmi/boot.h), into vmi_trap (trap.c), for
     * every vector: one firmware left pending, a PIC's spurious IRQ or an
     * NMI is then counted and ignored there, not a #NP or a reset. */
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, vmi_trap_stubs[v], v == TRAP_DF ? IST_DF : 0);
}

/* Intel SDM Vol. 3A 7.2.3: the 16-byte TSS descriptor of (tss). */
static void write_tss_desc(unsigned slot, const struct vmi_tss *tss)
{
    uint64_t base = (uintptr_t)tss;
    uint64_t limit = sizeof(*tss) - 1;
    uint64_t lo = (limit & 0xffff) | ((base & 0xffffff) << 16) | DESC_TSS_TYPE |
                  ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);

    vmi_write_gdt_entry(gdt, slot, lo);
    vmi_write_gdt_entry(gdt, slot + 1, base >> 32);
}

void desc_load(unsigned cpu)
{
    struct percpu *pc = &percpu[cpu];
    unsigned slot = GDT_TSS + 2 * cpu;
    struct vmi_dtr gdtr = { sizeof(gdt) - 1, (uintptr_t)gdt };
    struct vmi_dtr idtr = { sizeof(idt) - 1, (uintptr_t)idt };

    /* No I/O bitmap: iomap_base beyond the limit denies all user ports. */
    pc->tss.iomap_base = sizeof(pc->tss);
    pc->tss.ist[IST_DF - 1] = pc->ist_top;
    write_tss_desc(slot, &pc->tss);
    vmi_load_gdt(&gdtr);
    segments_reload(SEL_KCODE, SEL_KDATA);
    vmi_load_idt(&idtr);
    vmi_load_tr((uint16_t)(slot << 3));
    vmi_load_kernel_stack(&pc->tss, pc->stack_top);
}

struct vmi_gate *desc_idt(void)
{
    return idt;
}
