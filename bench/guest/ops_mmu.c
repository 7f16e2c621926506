/* SPDX-License-Identifier: MIT */
/*
 * ops_mmu.c: page-table update benchmarks (bench layer), each 64 level-1
 * entries changed with pt_set, eagerly and inside mmu_lazy_begin/end
 * (deferred mode, where a backend may batch):
 *
 *   pt_set64_flush1_*   then one tlb_flush_multi of the 64 pages, this
 *                       CPU only: nothing remote to batch;
 *   pt_set64_flush64_*  each pt_set followed by a one-page
 *                       tlb_flush_multi to every CPU, as a kernel
 *                       unmapping page by page does: eagerly 64
 *                       shootdowns, deferred as few as the backend makes.
 *
 * Each iteration switches every entry between two frames, so each write
 * changes a present entry.  The pages live in PML4 slot 1 (512 GiB up),
 * which the kernel never maps; nothing is read through them.
 */
#include "bench.h"
#include "klib.h"
#include "pmem.h"

#define VA_BASE 0x8000000000ull
#define NPTE 64
#define PTE_P (1ull << 0)               /* Intel SDM Vol. 3A 4.5, Table 4-19 */
#define PTE_W (1ull << 1)
#define ADDR_MASK 0x000ffffffffff000ull /* Intel SDM Vol. 3A 4.5 */

static struct {
    vmi_pte_t *pt;              /* the level-1 table of VA_BASE */
    uint64_t frame[2];
    unsigned flip;
} mm;

static vmi_pte_t *entry(uint64_t table, unsigned level)
{
    unsigned idx = (unsigned)(VA_BASE >> (12 + 9 * (level - 1))) & 511;

    return (vmi_pte_t *)(uintptr_t)table + idx;
}

/* The table below (level) on the way to VA_BASE, created if absent. */
static uint64_t next_table(uint64_t table, unsigned level)
{
    vmi_pte_t *e = entry(table, level);
    uint64_t pa;

    if (!(*e & PTE_P)) {
        pa = pmem_alloc(1);
        /* vmi/ops.h pt_alloc: the page must be zeroed first. */
        memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
        vmi_pt_alloc(pa, level - 1);
        vmi_pt_set(e, pa | PTE_P | PTE_W, level);
    }
    return *e & ADDR_MASK;
}

static const char *setup_tables(void)
{
    uint64_t table = vmi_read_cr3() & ADDR_MASK;

    if (mm.pt)
        return NULL;
    for (unsigned level = 4; level > 1; level--)
        table = next_table(table, level);
    mm.pt = entry(table, 1);
    mm.frame[0] = pmem_alloc(1);
    mm.frame[1] = pmem_alloc(1);
    for (unsigned i = 0; i < NPTE; i++)
        vmi_pt_set(&mm.pt[i], mm.frame[0] | PTE_P | PTE_W, 1);
    vmi_tlb_flush_local();
    return NULL;
}

/* The value every entry gets next: the other frame. */
static uint64_t next_val(void)
{
    mm.flip ^= 1;
    return mm.frame[mm.flip] | PTE_P | PTE_W;
}

static void update_flush1(void)
{
    uint64_t val = next_val();

    for (unsigned i = 0; i < NPTE; i++)
        vmi_pt_set(&mm.pt[i], val, 1);
    vmi_tlb_flush_multi(1ull << vmi_cpu_id(), VA_BASE, NPTE);
}

static void update_flush64(void)
{
    vmi_cpumask_t all = (1ull << bench_smp_online()) - 1;
    uint64_t val = next_val();

    for (unsigned i = 0; i < NPTE; i++) {
        vmi_pt_set(&mm.pt[i], val, 1);
        vmi_tlb_flush_multi(all, VA_BASE + i * PAGE_SIZE, 1);
    }
}

static void run_flush1_eager(uint64_t n)
{
    while (n--)
        update_flush1();
}

static void run_flush1_lazy(uint64_t n)
{
    while (n--) {
        vmi_mmu_lazy_begin();
        update_flush1();
        vmi_mmu_lazy_end();
    }
}

static void run_flush64_eager(uint64_t n)
{
    while (n--)
        update_flush64();
}

static void run_flush64_lazy(uint64_t n)
{
    while (n--) {
        vmi_mmu_lazy_begin();
        update_flush64();
        vmi_mmu_lazy_end();
    }
}

const struct bench bench_mmu[] = {
    { "pt_set64_flush1_eager", setup_tables, run_flush1_eager, 0 },
    { "pt_set64_flush1_lazy", setup_tables, run_flush1_lazy, 0 },
    { "pt_set64_flush64_eager", setup_tables, run_flush64_eager, 0 },
    { "pt_set64_flush64_lazy", setup_tables, run_flush64_lazy, 0 },
};
const unsigned bench_mmu_n = sizeof(bench_mmu) / sizeof(bench_mmu[0]);
