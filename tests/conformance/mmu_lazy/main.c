/* SPDX-License-Identifier: MIT */
/*
 * mmu_lazy: in deferred mode (mmu_lazy_begin/end) every update is applied
 * by mmu_lazy_end and none is lost (docs/vmi-api.md 3.5): N present
 * entries are changed and flushed page by page, and M new entries are
 * made present, inside one section; afterwards every page reads its new
 * contents.  Rounds of 8 and of 40 changes (below and above the native
 * backend's 16-entry queue, so both the queue and its overflow path run),
 * with tlb_flush_page and with tlb_flush_multi naming only this CPU.
 * Nothing is read through the MMU inside the section, as the contract
 * requires.
 */
#include "conformance.h"
#include "probe.h"

const char test_title[] = "deferred MMU updates are all applied at mmu_lazy_end";

#define MAX_PAGES 40
#define NEW_PAGES 4
#define MARK(round, i, v) (0x6c617a7900000000ul | (round) << 16 | (i) << 4 | (v))

static const struct {
    unsigned pages;
    bool multi;
} rounds[] = {
    { 8, false }, { MAX_PAGES, false }, { 8, true }, { MAX_PAGES, true },
};

static uint64_t va_of(unsigned round, unsigned i)
{
    return CONF_VA_BASE + 0x1000000 + round * 0x100000 + i * CONF_PAGE;
}

static uint64_t read_va(uint64_t va)
{
    uint64_t v = 0;

    return probe_read64(va, &v) ? UINT64_MAX : v;
}

/* Map and use every page, and create the tables of the new ones. */
static void prepare(unsigned r, vmi_pte_t **pte, uint64_t *next)
{
    uint64_t pml4 = conf_pml4();

    for (unsigned i = 0; i < rounds[r].pages + NEW_PAGES; i++) {
        bool old = i < rounds[r].pages;

        conf_map(pml4, va_of(r, i), conf_page(MARK(r, i, 1)), old ? CONF_PTE_P | CONF_PTE_W : 0);
        pte[i] = conf_pte(pml4, va_of(r, i));
        next[i] = conf_page(MARK(r, i, 2)) | CONF_PTE_P | CONF_PTE_W;
        if (old)
            (void)read_va(va_of(r, i));
    }
}

static void round_run(unsigned r)
{
    static vmi_pte_t *pte[MAX_PAGES + NEW_PAGES];
    static uint64_t next[MAX_PAGES + NEW_PAGES];
    unsigned n = rounds[r].pages, lost = 0;

    prepare(r, pte, next);
    vmi_mmu_lazy_begin();
    for (unsigned i = 0; i < n + NEW_PAGES; i++) {
        vmi_pt_set(pte[i], next[i], 1);
        if (i >= n)
            continue;
        if (rounds[r].multi)
            vmi_tlb_flush_multi(1ul << vmi_cpu_id(), va_of(r, i), 1);
        else
            vmi_tlb_flush_page(va_of(r, i));
    }
    vmi_mmu_lazy_end();
    for (unsigned i = 0; i < n + NEW_PAGES; i++)
        lost += read_va(va_of(r, i)) != MARK(r, i, 2);
    conf_log("mmu_lazy: %u changes and %u new entries with %s: %u lost", n, NEW_PAGES,
             rounds[r].multi ? "tlb_flush_multi" : "tlb_flush_page", lost);
    CONF_CHECK(!lost, "%u of %u deferred updates (%s) not visible after mmu_lazy_end", lost,
               n + NEW_PAGES, rounds[r].multi ? "tlb_flush_multi" : "tlb_flush_page");
}

void test_main(void)
{
    /* tlb_flush_multi and mmu_lazy_end want delivery enabled. */
    vmi_irq_enable();
    for (unsigned r = 0; r < sizeof(rounds) / sizeof(rounds[0]); r++)
        round_run(r);
    vmi_irq_disable();
    vmi_test_success();
}
