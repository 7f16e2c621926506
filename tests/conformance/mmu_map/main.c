/* SPDX-License-Identifier: MIT */
/*
 * mmu_map: a mapping made with pt_set (new tables announced with
 * pt_alloc) is visible at once, with no flush, for a not-present ->
 * present change (docs/vmi-api.md 3.5): reads see the page's contents,
 * writes land in it, two virtual aliases of one page agree, and a 2 MiB
 * page (level 2, PS) works too.
 */
#include "conformance.h"
#include "pmem.h"
#include "probe.h"

const char test_title[] = "a mapping set with pt_set is visible at once";

#define MARK 0x6d61707065640001ul        /* "mapped", 1 */
#define SIZE_2M (2ul << 20)

static void check_read(uint64_t va, uint64_t want, const char *what)
{
    uint64_t v = 0;

    if (probe_read64(va, &v))
        CONF_CHECK(false, "%s: reading 0x%lx faulted", what, va);
    else
        CONF_CHECK(v == want, "%s: read 0x%lx at 0x%lx, want 0x%lx", what, v, va, want);
}

static void small_page(uint64_t pml4)
{
    uint64_t pa = conf_page(MARK), va = CONF_VA_BASE, alias = CONF_VA_BASE + 0x5000;
    uint64_t v = 0;

    conf_map(pml4, va, pa, CONF_PTE_P | CONF_PTE_W);
    check_read(va, MARK, "new 4 KiB mapping");
    CONF_CHECK(!probe_write64(va + 8, MARK + 1), "writing the new mapping faulted");
    CONF_CHECK(((uint64_t *)(uintptr_t)pa)[1] == MARK + 1,
               "a write through the mapping did not reach the page");
    conf_map(pml4, alias, pa, CONF_PTE_P | CONF_PTE_W);
    check_read(alias + 8, MARK + 1, "alias of the same page");
    CONF_CHECK(!probe_write64(alias + 16, MARK + 2) && !probe_read64(va + 16, &v) &&
               v == MARK + 2, "a write through the alias is not seen through the first VA");
}

/* A 2 MiB page: the PD entry itself maps (Intel SDM Vol. 3A 4.5).  The
 * physical 2 MiB are carved out of a 4 MiB allocation. */
static void large_page(uint64_t pml4)
{
    uint64_t va = CONF_VA_BASE + 0x40000000;
    uint64_t pa = (pmem_alloc(1024) + SIZE_2M - 1) & ~(SIZE_2M - 1);
    uint64_t *first = (uint64_t *)(uintptr_t)pa, *last = first + (SIZE_2M - 8) / 8;

    *first = MARK + 7;
    *last = MARK + 8;
    vmi_pt_set(conf_slot(pml4, va, 2), pa | CONF_PTE_P | CONF_PTE_W | CONF_PTE_PS, 2);
    check_read(va, MARK + 7, "new 2 MiB mapping, first word");
    check_read(va + SIZE_2M - 8, MARK + 8, "new 2 MiB mapping, last word");
}

void test_main(void)
{
    uint64_t pml4 = conf_pml4();

    small_page(pml4);
    large_page(pml4);
    vmi_test_success();
}
