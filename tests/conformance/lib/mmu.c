/* SPDX-License-Identifier: MIT */
/*
 * mmu.c: page tables for the MMU tests, built only through vmi ops
 * (pt_alloc, pt_set) in the window at CONF_VA_BASE.  Page-table pages are
 * identity-mapped, so an entry is reached through its physical address.
 */
#include "conformance.h"
#include "klib.h"
#include "pmem.h"

#define ADDR_MASK 0x000ffffffffff000ull     /* Intel SDM Vol. 3A 4.5 */

static vmi_pte_t *slot(uint64_t table, uint64_t va, unsigned level)
{
    unsigned idx = (unsigned)(va >> (12 + 9 * (level - 1))) & 511;

    return (vmi_pte_t *)(uintptr_t)table + idx;
}

uint64_t conf_pml4(void)
{
    return vmi_read_cr3() & ADDR_MASK;
}

uint64_t conf_page(uint64_t fill)
{
    uint64_t pa = pmem_alloc(1);
    uint64_t *p = (uint64_t *)(uintptr_t)pa;

    for (unsigned i = 0; i < CONF_PAGE / 8; i++)
        p[i] = fill;
    return pa;
}

uint64_t conf_table(unsigned level)
{
    uint64_t pa = pmem_alloc(1);

    /* vmi/ops.h pt_alloc: the page must be zeroed first. */
    memset((void *)(uintptr_t)pa, 0, CONF_PAGE);
    vmi_pt_alloc(pa, level);
    return pa;
}

/* The table below (level) for (va), created if absent.  Reads the entry
 * back from memory, so not for use inside mmu_lazy_begin/end. */
static uint64_t next_table(uint64_t table, uint64_t va, unsigned level)
{
    vmi_pte_t *e = slot(table, va, level);

    if (!(*e & CONF_PTE_P))
        vmi_pt_set(e, conf_table(level - 1) | CONF_PTE_P | CONF_PTE_W, level);
    return *e & ADDR_MASK;
}

vmi_pte_t *conf_slot(uint64_t pml4, uint64_t va, unsigned level)
{
    uint64_t table = pml4;

    for (unsigned l = 4; l > level; l--)
        table = next_table(table, va, l);
    return slot(table, va, level);
}

void conf_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t flags)
{
    vmi_pt_set(conf_slot(pml4, va, 1), pa | flags, 1);
}

vmi_pte_t *conf_pte(uint64_t pml4, uint64_t va)
{
    return conf_slot(pml4, va, 1);
}
