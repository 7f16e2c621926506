/* SPDX-License-Identifier: MIT */
/* x86.c: plain-instruction op implementations (backends/common). */
#include <insn.h>

#include "x86.h"

#define RFLAGS_IF (1ull << 9)
#define CR4_PGE (1ull << 7)     /* SDM Vol. 3A 2.5 */
#define PAGE_SIZE 4096ull

uint64_t x86_read_cr0(void) { return rcr0(); }
void x86_write_cr0(uint64_t val) { wcr0(val); }
uint64_t x86_read_cr2(void) { return rcr2(); }
uint64_t x86_read_cr3(void) { return rcr3(); }
void x86_write_cr3(uint64_t val) { wcr3(val); }
uint64_t x86_read_cr4(void) { return rcr4(); }
void x86_write_cr4(uint64_t val) { wcr4(val); }
uint64_t x86_read_msr(uint32_t msr) { return rdmsr(msr); }
void x86_write_msr(uint32_t msr, uint64_t val) { wrmsr(msr, val); }

vmi_status_t x86_read_msr_safe(uint32_t msr, uint64_t *val)
{
    return rdmsr_safe(msr, val) ? VMI_EFAULT : VMI_OK;
}

vmi_status_t x86_write_msr_safe(uint32_t msr, uint64_t val)
{
    return wrmsr_safe(msr, val) ? VMI_EFAULT : VMI_OK;
}

void x86_cpuid(uint32_t leaf, uint32_t subleaf, struct vmi_cpuid *out)
{
    cpuid(leaf, subleaf, out);
}

void x86_load_gdt(const struct vmi_dtr *dt) { lgdt(dt); }
void x86_load_idt(const struct vmi_dtr *dt) { lidt(dt); }
void x86_load_tr(uint16_t sel) { ltr(sel); }

void x86_write_gdt_entry(uint64_t *table, unsigned index, uint64_t desc)
{
    ((volatile uint64_t *)table)[index] = desc;
}

void x86_write_idt_entry(struct vmi_gate *idt, unsigned vector,
                         const struct vmi_gate *gate)
{
    idt[vector] = *gate;
}

void x86_load_kernel_stack(struct vmi_tss *tss, uint64_t rsp0)
{
    tss->rsp[0] = rsp0;
}

void x86_irq_disable(void) { cli(); }
void x86_irq_enable(void) { sti(); }

vmi_irqflags_t x86_irq_save(void)
{
    vmi_irqflags_t f = read_rflags() & RFLAGS_IF;
    cli();
    return f;
}

void x86_irq_restore(vmi_irqflags_t flags)
{
    if (flags & RFLAGS_IF)
        sti();
    else
        cli();
}

void x86_safe_halt(void) { sti_hlt(); }
void x86_halt(void) { hlt(); }

void x86_pt_set(vmi_pte_t *slot, vmi_pte_t val, unsigned level)
{
    (void)level;
    *(volatile vmi_pte_t *)slot = val;
}

void x86_pt_nop(vmi_paddr_t pa, unsigned level)
{
    (void)pa;
    (void)level;
}

void x86_tlb_flush_local(void) { wcr3(rcr3()); }
void x86_tlb_flush_page(vmi_vaddr_t va) { invlpg(va); }

void x86_flush_global(void)
{
    /* Interrupts off: a handler that wrote CR4 between our read and our
     * restore would be undone. */
    vmi_irqflags_t f = x86_irq_save();
    uint64_t cr4 = rcr4();
    if (cr4 & CR4_PGE) {
        wcr4(cr4 & ~CR4_PGE);
        wcr4(cr4);
    } else {
        wcr3(rcr3());
    }
    x86_irq_restore(f);
}

void x86_flush_range(vmi_vaddr_t va, uint64_t npages)
{
    if (npages == VMI_FLUSH_ALL) {
        x86_tlb_flush_local();
        return;
    }
    if (npages > X86_FLUSH_PAGES_MAX) {
        x86_flush_global();
        return;
    }
    for (uint64_t i = 0; i < npages; i++)
        invlpg(va + i * PAGE_SIZE);
}

void x86_spin_wait(const volatile uint8_t *ptr, uint8_t val)
{
    (void)ptr;
    (void)val;
    cpu_relax();
}

void x86_spin_kick(unsigned cpu)
{
    (void)cpu;
}

uint64_t x86_cycles(void) { return rdtsc_ordered(); }
