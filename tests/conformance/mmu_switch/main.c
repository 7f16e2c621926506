/* SPDX-License-Identifier: MIT */
/*
 * mmu_switch: write_cr3 switches between address spaces that isolate
 * each other (docs/vmi-api.md 3.2, 3.5).  A second PML4 shares the
 * kernel's identity slot and maps the test address A to another page, and
 * B only in itself.  In each space A reads its own page (no stale entry of
 * the other survives the switch, which flushes non-global entries) and B
 * faults where it is not mapped; read_cr3 names the space.  Afterwards the
 * second space's tables are unlinked and handed back with pt_release.
 */
#include "conformance.h"
#include "probe.h"

const char test_title[] = "switching address spaces with write_cr3 isolates them";

#define MARK(n) (0x7377697463680000ul + (n))  /* "switch" */
#define ADDR_MASK 0x000ffffffffff000ul
#define VA_A (CONF_VA_BASE + 0x2000000)
#define VA_B (CONF_VA_BASE + 0x2400000)

static uint64_t read_va(uint64_t va)
{
    uint64_t v = 0;

    return probe_read64(va, &v) ? UINT64_MAX : v;
}

static void in_space(uint64_t pml4, uint64_t a, uint64_t b, const char *name)
{
    vmi_write_cr3(pml4);
    CONF_CHECK((vmi_read_cr3() & ADDR_MASK) == pml4, "in %s, read_cr3 is 0x%lx, not 0x%lx",
               name, vmi_read_cr3(), pml4);
    CONF_CHECK(read_va(VA_A) == a, "in %s, A reads 0x%lx, want 0x%lx", name, read_va(VA_A), a);
    CONF_CHECK(read_va(VA_B) == b, "in %s, B reads 0x%lx, want %s", name, read_va(VA_B),
               b == UINT64_MAX ? "a fault" : "its page");
}

/* Unlink and release the tables of (pml4) under slot 1 (4 levels). */
static void release(uint64_t pml4)
{
    vmi_pte_t *l4 = (vmi_pte_t *)(uintptr_t)pml4 + 1;
    uint64_t pdpt = *l4 & ADDR_MASK;
    uint64_t pd = *(vmi_pte_t *)(uintptr_t)pdpt & ADDR_MASK;
    vmi_pte_t *pde = (vmi_pte_t *)(uintptr_t)pd + (VA_A >> 21 & 511);
    vmi_pte_t *pde_b = (vmi_pte_t *)(uintptr_t)pd + (VA_B >> 21 & 511);
    uint64_t pt_a = *pde & ADDR_MASK, pt_b = *pde_b & ADDR_MASK;

    vmi_pt_set(l4, 0, 4);
    vmi_pt_set((vmi_pte_t *)(uintptr_t)pml4, 0, 4);
    vmi_tlb_flush_local();
    vmi_pt_release(pt_a, 1);
    vmi_pt_release(pt_b, 1);
    vmi_pt_release(pd, 2);
    vmi_pt_release(pdpt, 3);
    vmi_pt_release(pml4, 4);
}

void test_main(void)
{
    uint64_t as1 = conf_pml4(), as2 = conf_table(4);

    /* The kernel's identity map (PML4 slot 0) in both spaces. */
    vmi_pt_set((vmi_pte_t *)(uintptr_t)as2, *(vmi_pte_t *)(uintptr_t)as1, 4);
    conf_map(as1, VA_A, conf_page(MARK(1)), CONF_PTE_P | CONF_PTE_W);
    conf_map(as2, VA_A, conf_page(MARK(2)), CONF_PTE_P | CONF_PTE_W);
    conf_map(as2, VA_B, conf_page(MARK(3)), CONF_PTE_P | CONF_PTE_W);
    in_space(as1, MARK(1), UINT64_MAX, "the kernel's space");
    in_space(as2, MARK(2), MARK(3), "the second space");
    in_space(as1, MARK(1), UINT64_MAX, "the kernel's space again");
    in_space(as2, MARK(2), MARK(3), "the second space again");
    vmi_write_cr3(as1);
    release(as2);
    CONF_CHECK(read_va(VA_A) == MARK(1), "after pt_release, A reads 0x%lx", read_va(VA_A));
    vmi_test_success();
}
