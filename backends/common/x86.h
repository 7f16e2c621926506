/* SPDX-License-Identifier: MIT */
/*
 * x86.h: ready-made vmi op implementations that are the same plain
 * privileged instruction in every backend running an HVM-style guest
 * (native, kvm, hyperv, xen PVH): CPU state, interrupt flag, page-table
 * writes, local TLB flushes, the TSC.  A backend points its vmi_ops
 * entries straight at these (the signatures are the ops' own, see
 * include/vmi/ops.h for each contract) and overrides only what its
 * hypervisor does better.
 */
#ifndef VMI_COMMON_X86_H
#define VMI_COMMON_X86_H

#include "vmi/types.h"

uint64_t x86_read_cr0(void);
void x86_write_cr0(uint64_t val);
uint64_t x86_read_cr2(void);
uint64_t x86_read_cr3(void);
void x86_write_cr3(uint64_t val);
uint64_t x86_read_cr4(void);
void x86_write_cr4(uint64_t val);
uint64_t x86_read_msr(uint32_t msr);
void x86_write_msr(uint32_t msr, uint64_t val);
/* VMI_EFAULT (and *val = 0) if RDMSR/WRMSR raised #GP: needs the kernel's
 * #GP handler to consult vmi_fixup_lookup() (include/vmi/fixup.h). */
vmi_status_t x86_read_msr_safe(uint32_t msr, uint64_t *val);
vmi_status_t x86_write_msr_safe(uint32_t msr, uint64_t val);
void x86_cpuid(uint32_t leaf, uint32_t subleaf, struct vmi_cpuid *out);
void x86_load_gdt(const struct vmi_dtr *dt);
void x86_load_idt(const struct vmi_dtr *dt);
void x86_load_tr(uint16_t sel);
/* Plain stores into the table. */
void x86_write_gdt_entry(uint64_t *table, unsigned index, uint64_t desc);
void x86_write_idt_entry(struct vmi_gate *idt, unsigned vector,
                         const struct vmi_gate *gate);
/* tss->rsp[0] = rsp0. */
void x86_load_kernel_stack(struct vmi_tss *tss, uint64_t rsp0);

/* CLI, STI, PUSHF-based save (RFLAGS.IF is the state), STI;HLT, HLT. */
void x86_irq_disable(void);
void x86_irq_enable(void);
vmi_irqflags_t x86_irq_save(void);
void x86_irq_restore(vmi_irqflags_t flags);
void x86_safe_halt(void);
void x86_halt(void);

/* A volatile store of (val) into (slot); (level) is not needed. */
void x86_pt_set(vmi_pte_t *slot, vmi_pte_t val, unsigned level);
/* pt_alloc/pt_release for environments that do not track page tables. */
void x86_pt_nop(vmi_paddr_t pa, unsigned level);
/* Reload CR3 (flushes every non-global entry). */
void x86_tlb_flush_local(void);
/* INVLPG (va). */
void x86_tlb_flush_page(vmi_vaddr_t va);
/* Flush every TLB entry of this CPU, global ones included: with CR4.PGE
 * set, clear it and restore it (SDM Vol. 3A 4.10.4.1: a MOV to CR4 that
 * changes PGE invalidates all TLB entries, global ones included), with
 * interrupts off in between; without PGE no entry is global and a CR3
 * reload is the whole flush.  The backends run without PCIDs (CR4.PCIDE
 * 0), where both reach every entry. */
void x86_flush_global(void);
/* Flush (npages) pages from (va) on this CPU: INVLPG each (which takes a
 * global entry too); more than X86_FLUSH_PAGES_MAX pages widen to
 * x86_flush_global, since the range may hold global pages; VMI_FLUSH_ALL
 * is a CR3 reload (non-global entries, as the contract says). */
#define X86_FLUSH_PAGES_MAX 32
void x86_flush_range(vmi_vaddr_t va, uint64_t npages);

/* spin_wait: one PAUSE and return (the caller re-checks *ptr).
 * spin_kick: nothing, a spinning waiter sees the store through cache
 * coherence. */
void x86_spin_wait(const volatile uint8_t *ptr, uint8_t val);
void x86_spin_kick(unsigned cpu);

/* lfence; rdtsc. */
uint64_t x86_cycles(void);

/* The ops every backend takes from the CPU itself.  The guests of all four
 * backends are hardware-virtualized containers (a PVH or Hyper-V guest
 * included), so CRs, MSRs, CPUID, descriptor tables, the interrupt flag,
 * page-table writes and local flushes are architectural there
 * (docs/vmi-api.md, "native (as the native column)").  Each backend's
 * `vmi_ops` table starts with VMI_X86_ARCH_OPS and adds what is its own;
 * tests/unit/test_ops_complete.c checks that nothing is left out. */
#define VMI_X86_ARCH_OPS \
    .read_cr0 = x86_read_cr0, \
    .write_cr0 = x86_write_cr0, \
    .read_cr2 = x86_read_cr2, \
    .read_cr3 = x86_read_cr3, \
    .write_cr3 = x86_write_cr3, \
    .read_cr4 = x86_read_cr4, \
    .write_cr4 = x86_write_cr4, \
    .read_msr = x86_read_msr, \
    .write_msr = x86_write_msr, \
    .read_msr_safe = x86_read_msr_safe, \
    .write_msr_safe = x86_write_msr_safe, \
    .cpuid = x86_cpuid, \
    .load_gdt = x86_load_gdt, \
    .load_idt = x86_load_idt, \
    .load_tr = x86_load_tr, \
    .write_gdt_entry = x86_write_gdt_entry, \
    .write_idt_entry = x86_write_idt_entry, \
    .load_kernel_stack = x86_load_kernel_stack, \
    .irq_disable = x86_irq_disable, \
    .irq_enable = x86_irq_enable, \
    .irq_save = x86_irq_save, \
    .irq_restore = x86_irq_restore, \
    .safe_halt = x86_safe_halt, \
    .cycles = x86_cycles, \
    .pt_set = x86_pt_set, \
    .pt_alloc = x86_pt_nop, \
    .pt_release = x86_pt_nop, \
    .tlb_flush_local = x86_tlb_flush_local

#endif
