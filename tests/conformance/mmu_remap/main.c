/* SPDX-License-Identifier: MIT */
/*
 * mmu_remap: a present entry changed with pt_set is visible after the
 * flush the contract requires (docs/vmi-api.md 3.5): tlb_flush_page for
 * one page, tlb_flush_local for all; and a mapping made read-only then
 * faults on a write (CR0.WP is set).  The translation is used before each
 * change, so a TLB that caches it holds the stale entry until the flush.
 * Whether a stale entry was visible before the flush is logged, not
 * judged: the CPU may drop TLB entries at any time.
 */
#include "conformance.h"
#include "percpu.h"
#include "probe.h"

const char test_title[] = "a changed mapping is visible after tlb_flush_page/_local";

#define MARK(n) (0x72656d6170000000ul + (n))  /* "remap" */
#define PF_VECTOR 14                /* Intel SDM Vol. 3A Table 6-1 */
#define PF_ERR_P_W 0x3              /* #PF error: present, write (4.7) */

static uint64_t va_of(unsigned i)
{
    return CONF_VA_BASE + 0x10000 + i * CONF_PAGE;
}

static uint64_t read_va(uint64_t va)
{
    uint64_t v = 0;

    return probe_read64(va, &v) ? UINT64_MAX : v;
}

/* Map (va) to a page marked (from), use it, remap to (to), flush with
 * (flush), and read again. */
static void remap(uint64_t va, unsigned from, unsigned to, void (*flush)(uint64_t),
                  const char *how)
{
    uint64_t pml4 = conf_pml4(), before, after;

    conf_map(pml4, va, conf_page(MARK(from)), CONF_PTE_P | CONF_PTE_W);
    CONF_CHECK(read_va(va) == MARK(from), "%s: the first mapping reads 0x%lx", how, read_va(va));
    vmi_pt_set(conf_pte(pml4, va), conf_page(MARK(to)) | CONF_PTE_P | CONF_PTE_W, 1);
    before = read_va(va);
    flush(va);
    after = read_va(va);
    conf_log("mmu_remap: %s: before the flush %s", how,
             before == MARK(from) ? "the stale entry was visible" : "the new entry was visible");
    CONF_CHECK(after == MARK(to), "%s: after the flush 0x%lx reads 0x%lx, want 0x%lx", how, va,
               after, MARK(to));
}

static void flush_page(uint64_t va) { vmi_tlb_flush_page(va); }
static void flush_local(uint64_t va) { (void)va; vmi_tlb_flush_local(); }

static void write_protect(uint64_t va)
{
    vmi_pte_t *pte = conf_pte(conf_pml4(), va);
    uint64_t pa = *pte & ~0xffful;
    struct kfault *f = &this_cpu()->fault;

    CONF_CHECK(!probe_write64(va, MARK(9)), "writing the writable mapping faulted");
    vmi_pt_set(pte, pa | CONF_PTE_P, 1);
    vmi_tlb_flush_page(va);
    if (!CONF_CHECK(probe_write64(va, MARK(10)), "a write to a page made read-only succeeded"))
        return;
    CONF_CHECK(f->vector == PF_VECTOR && (f->error & PF_ERR_P_W) == PF_ERR_P_W && f->cr2 == va,
               "the write fault was vector %lu error 0x%lx cr2 0x%lx", f->vector, f->error,
               f->cr2);
    vmi_pt_set(pte, pa | CONF_PTE_P | CONF_PTE_W, 1);
    vmi_tlb_flush_page(va);
    CONF_CHECK(!probe_write64(va, MARK(11)), "a page made writable again still faults");
}

void test_main(void)
{
    remap(va_of(0), 1, 2, flush_page, "tlb_flush_page");
    remap(va_of(1), 3, 4, flush_local, "tlb_flush_local");
    write_protect(va_of(0));
    vmi_test_success();
}
