/* SPDX-License-Identifier: MIT */
/*
 * mmu.c: the kernel's page tables (arch layer).  Every entry is written
 * with vmi_pt_set and every table announced with vmi_pt_alloc, inside one
 * mmu_lazy_begin/end, so a paravirtual backend can batch them.  2 MiB
 * pages everywhere (no 1 GiB pages: they triple-fault on this host's
 * KVM), except the first 2 MiB, which get 4 KiB pages so that the kernel
 * text is read-only: about 2.6k pt_set calls for the first 4 GiB.
 */
#include "klib.h"
#include "mmu.h"
#include "pmem.h"
#include "vmi.h"

/* Intel SDM Vol. 3A 4.5, Tables 4-14 to 4-20. */
#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PT_ENTRIES 512
#define SIZE_2M (1ull << 21)
#define SIZE_1G (1ull << 30)
#define MAP_MIN (4ull << 30)        /* always map the first 4 GiB */
/* The IOAPIC and LAPIC window (Intel SDM Vol. 3A 11.4.1; ICH IOAPIC at
 * 0xfec00000) is mapped uncached. */
#define UC_START 0xfec00000ull
#define UC_END 0xff000000ull
/* Intel SDM Vol. 3A 2.5: CR0.WP makes read-only pages binding at CPL0. */
#define CR0_WP (1ull << 16)


static struct mmu_stats *stats;

static void set(vmi_pte_t *slot, vmi_pte_t val, unsigned level)
{
    vmi_pt_set(slot, val, level);
    stats->pt_sets++;
}

static vmi_pte_t *table_new(unsigned level)
{
    uint64_t pa = pmem_alloc(1);

    memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
    vmi_pt_alloc(pa, level);
    stats->tables++;
    return (vmi_pte_t *)(uintptr_t)pa;
}

/* The first 2 MiB in 4 KiB pages: kernel text present and read-only,
 * everything else writable (the backend's AP trampoline runs below 1 MiB,
 * so nothing here is made non-executable). */
static uint64_t first_2m_table(void)
{
    vmi_pte_t *pt = table_new(1);
    uint64_t ts = (uintptr_t)_text_start, te = (uintptr_t)_text_end;

    VMI_BUG_ON((uintptr_t)_kernel_end > SIZE_2M);
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        uint64_t pa = (uint64_t)i * PAGE_SIZE;
        int text = pa + PAGE_SIZE > ts && pa < te;

        set(&pt[i], pa | PTE_P | (text ? 0 : PTE_W), 1);
    }
    return (uintptr_t)pt | PTE_P | PTE_W;
}

/* A page directory mapping the 1 GiB at (base) with 2 MiB pages. */
static void fill_pd(vmi_pte_t *pd, uint64_t base)
{
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        uint64_t pa = base + i * SIZE_2M;
        vmi_pte_t e = pa | PTE_P | PTE_W | PTE_PS;

        if (pa >= UC_START && pa < UC_END)
            e |= PTE_PCD | PTE_PWT;
        if (pa == 0)
            e = first_2m_table();
        set(&pd[i], e, 2);
    }
}

uint64_t mmu_init(struct mmu_stats *st)
{
    uint64_t top = pmem_ram_top(), ngb;
    vmi_pte_t *pml4, *pdpt;

    stats = st;
    if (top < MAP_MIN)
        top = MAP_MIN;
    /* One PDPT: the first 512 GiB; RAM beyond that stays unmapped, and
     * pmem hands none of it out. */
    if (top > PMEM_LIMIT)
        top = PMEM_LIMIT;
    ngb = (top + SIZE_1G - 1) / SIZE_1G;
    vmi_mmu_lazy_begin();
    pml4 = table_new(4);
    /* vmi/ops.h cpu_start: an AP passes through 32-bit mode on this CR3. */
    VMI_BUG_ON((uintptr_t)pml4 >= MAP_MIN);
    pdpt = table_new(3);
    set(&pml4[0], (uintptr_t)pdpt | PTE_P | PTE_W, 4);
    for (uint64_t g = 0; g < ngb; g++) {
        vmi_pte_t *pd = table_new(2);

        fill_pd(pd, g * SIZE_1G);
        set(&pdpt[g], (uintptr_t)pd | PTE_P | PTE_W, 3);
    }
    vmi_mmu_lazy_end();
    st->mapped = ngb * SIZE_1G;
    vmi_write_cr3((uintptr_t)pml4);
    mmu_cpu_init();
    return (uintptr_t)pml4;
}

void mmu_cpu_init(void)
{
    vmi_write_cr0(vmi_read_cr0() | CR0_WP);
}
