/* SPDX-License-Identifier: MIT */
/* mmap.c: anonymous and shared mappings in the mmap window (kernel layer). */
#include "pmem.h"
#include "shm.h"
#include "vstat.h"

long mm_map(struct aspace *as, unsigned npages, uint64_t pa, uint64_t flags)
{
    int slot = uvm_mmap_find(as->mmap_used, npages);

    if (slot < 0)
        return UERR_NOMEM;
    vstat_inc(VMI_OPNO_mmu_lazy_begin);
    vmi_mmu_lazy_begin();
    for (unsigned i = 0; i < npages; i++) {
        uint64_t page = pa;

        if (!page) {
            page = pmem_alloc(1);
            page_zero((void *)(uintptr_t)page);
        }
        as_map(as, uvm_mmap_va((unsigned)slot + i), page, PTE_W | flags);
    }
    vstat_inc(VMI_OPNO_mmu_lazy_end);
    vmi_mmu_lazy_end();
    uvm_mmap_mark(as->mmap_used, (unsigned)slot, npages, 1);
    return (long)uvm_mmap_va((unsigned)slot);
}

long mm_unmap(struct aspace *as, uint64_t va, uint64_t len)
{
    int slot = uvm_mmap_slot(va);
    uint64_t npages = (len + 4095) / 4096;

    if (slot < 0 || (va & 4095) || len == 0 ||
        npages > (uint64_t)(UABI_MMAP_PAGES - slot))
        return UERR_INVAL;
    as_unmap(as, va, (unsigned)npages);
    uvm_mmap_mark(as->mmap_used, (unsigned)slot, (unsigned)npages, 0);
    return 0;
}
