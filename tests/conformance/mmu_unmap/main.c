/* SPDX-License-Identifier: MIT */
/*
 * mmu_unmap: an entry cleared with pt_set and flushed faults with #PF,
 * with CR2 (read_cr2) holding the address (docs/vmi-api.md 3.2, 3.5), at
 * level 1 and when a whole page table is unlinked at level 2; mapping it
 * again (not present -> present) needs no flush.
 */
#include "conformance.h"
#include "percpu.h"
#include "probe.h"

const char test_title[] = "an unmapped page faults with #PF and CR2 = address";

#define MARK 0x756e6d6170000000ul  /* "unmap" */
#define PF_VECTOR 14                /* Intel SDM Vol. 3A Table 6-1 */
#define PF_ERR_P 0x1                /* #PF error bit 0: page present */

static void expect_fault(uint64_t va, const char *what)
{
    struct kfault *f = &this_cpu()->fault;
    uint64_t v;

    if (!CONF_CHECK(probe_read64(va, &v), "%s: reading 0x%lx did not fault", what, va))
        return;
    CONF_CHECK(f->vector == PF_VECTOR, "%s: vector %lu, not #PF", what, f->vector);
    CONF_CHECK(!(f->error & PF_ERR_P), "%s: #PF error 0x%lx says the page was present", what,
               f->error);
    CONF_CHECK(f->cr2 == va, "%s: read_cr2() is 0x%lx, not 0x%lx", what, f->cr2, va);
}

static void expect_value(uint64_t va, uint64_t want, const char *what)
{
    uint64_t v = 0;

    CONF_CHECK(!probe_read64(va, &v) && v == want, "%s: 0x%lx reads 0x%lx, want 0x%lx", what,
               va, v, want);
}

void test_main(void)
{
    uint64_t pml4 = conf_pml4(), va = CONF_VA_BASE + 0x200000 + 0x3008;
    uint64_t pa = conf_page(MARK);
    vmi_pte_t *pte, *pde, pde_val;

    conf_map(pml4, va, pa, CONF_PTE_P | CONF_PTE_W);
    expect_value(va, MARK, "mapped");
    pte = conf_pte(pml4, va);
    vmi_pt_set(pte, 0, 1);
    vmi_tlb_flush_page(va);
    expect_fault(va, "PTE cleared");
    vmi_pt_set(pte, pa | CONF_PTE_P | CONF_PTE_W, 1);
    expect_value(va, MARK, "PTE set again, no flush");
    pde = conf_slot(pml4, va, 2);
    pde_val = *pde;
    vmi_pt_set(pde, 0, 2);
    vmi_tlb_flush_local();
    expect_fault(va, "PDE cleared");
    vmi_pt_set(pde, pde_val, 2);
    expect_value(va, MARK, "PDE set again, no flush");
    vmi_test_success();
}
