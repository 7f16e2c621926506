/* SPDX-License-Identifier: MIT */
/*
 * aspace.c: process address spaces through the vmi MMU ops (kernel
 * layer).  Building and destroying one is a burst of pt_alloc, pt_set and
 * pt_release inside mmu_lazy_begin/end, so a paravirtual backend can turn
 * it into one hypercall.  The idle loop keeps the last CR3 loaded (lazy
 * TLB), so an address space may sit in the TLB of a CPU that no longer
 * runs it: as->cpus tracks those CPUs, unmapping flushes all of them with
 * tlb_flush_multi, and destroying one first makes them let go by IPI.
 */
#include "aspace.h"
#include "klib.h"
#include "pmem.h"
#include "shm.h"
#include "vstat.h"

#define PAGE 4096ull

struct lazy_cpu {
    struct aspace *loaded;          /* the CR3 this CPU holds, or NULL */
};
static struct lazy_cpu lazy[VMI_MAX_CPUS];

/* Every page-table write and release of the microkernel, counted. */
static void pte_set(vmi_pte_t *slot, vmi_pte_t val, unsigned level)
{
    vstat_inc(VMI_OPNO_pt_set);
    vmi_pt_set(slot, val, level);
}

static void pt_release(vmi_paddr_t pa, unsigned level)
{
    vstat_inc(VMI_OPNO_pt_release);
    vmi_pt_release(pa, level);
}

static vmi_pte_t *table_new(unsigned level)
{
    uint64_t pa = pmem_alloc(1);

    page_zero((void *)(uintptr_t)pa);
    vstat_inc(VMI_OPNO_pt_alloc);
    vmi_pt_alloc(pa, level);
    return (vmi_pte_t *)(uintptr_t)pa;
}


void as_create(struct aspace *as, uint64_t kernel_pml4)
{
    vmi_pte_t *pml4, *kpml4 = (vmi_pte_t *)(uintptr_t)kernel_pml4;
    const uint64_t tflags = PTE_P | PTE_W | PTE_U;

    memset(as, 0, sizeof(*as));
    pml4 = table_new(4);
    as->pdpt = table_new(3);
    as->pd = table_new(2);
    as->pt = table_new(1);
    as->pml4 = (uintptr_t)pml4;
    /* The kernel half: the runtime's PDPT, shared, never U. */
    pte_set(&pml4[0], kpml4[0], 4);
    pte_set(&pml4[UABI_BASE >> 39], (uintptr_t)as->pdpt | tflags, 4);
    pte_set(&as->pdpt[0], (uintptr_t)as->pd | tflags, 3);
    pte_set(&as->pd[0], (uintptr_t)as->pt | tflags, 2);
}

void as_map(struct aspace *as, uint64_t va, uint64_t pa, uint64_t flags)
{
    pte_set(&as->pt[uvm_index(va)], pa | flags | PTE_P | PTE_U, 1);
    as->pages++;
}

static void page_put(vmi_pte_t e)
{
    if (e & PTE_SHM)
        shm_put_page(e & PTE_ADDR);
    else
        pmem_free(e & PTE_ADDR);
}

/* Flush (n) pages from (va) wherever (as) may be cached.  A remote CPU
 * may need an interrupt to flush, so delivery is enabled around it (no
 * lock is held here). */
static void as_flush(struct aspace *as, uint64_t va, unsigned n)
{
    vmi_cpumask_t me = 1ull << this_cpu()->id;
    vmi_cpumask_t mask = __atomic_load_n(&as->cpus, __ATOMIC_SEQ_CST);

    if (!(mask & ~me)) {
        for (unsigned i = 0; mask && i < n; i++) {
            vstat_inc(VMI_OPNO_tlb_flush_page);
            vmi_tlb_flush_page(va + i * PAGE);
        }
        return;
    }
    vmi_irq_enable();
    vstat_inc(VMI_OPNO_tlb_flush_multi);
    vmi_tlb_flush_multi(mask, va, n);
    vmi_irq_disable();
}

void as_unmap(struct aspace *as, uint64_t va, unsigned npages)
{
    vmi_pte_t old[UABI_MMAP_PAGES];
    unsigned n = 0;

    vstat_inc(VMI_OPNO_mmu_lazy_begin);
    vmi_mmu_lazy_begin();
    for (unsigned i = 0; i < npages && n < UABI_MMAP_PAGES; i++) {
        vmi_pte_t *slot = &as->pt[uvm_index(va + i * PAGE)];

        old[n] = *slot;
        if (!(old[n] & PTE_P))
            continue;
        pte_set(slot, 0, 1);
        as->pages--;
        n++;
    }
    as_flush(as, va, npages);
    vmi_irq_enable();
    vstat_inc(VMI_OPNO_mmu_lazy_end);
    vmi_mmu_lazy_end();
    vmi_irq_disable();
    /* Only after every CPU flushed may a page be reused. */
    for (unsigned i = 0; i < n; i++)
        page_put(old[i]);
}

void as_activate(struct aspace *as)
{
    unsigned me = this_cpu()->id;
    struct aspace *old = lazy[me].loaded;
    vmi_cpumask_t bit = 1ull << me;

    if (!as || old == as)
        return;
    /* Join the new mask before loading it, leave the old one after: a
     * flusher that reads a mask never misses a CPU that may hold it. */
    __atomic_fetch_or(&as->cpus, bit, __ATOMIC_SEQ_CST);
    vstat_inc(VMI_OPNO_write_cr3);
    vmi_write_cr3(as->pml4);
    if (old)
        __atomic_fetch_and(&old->cpus, ~bit, __ATOMIC_SEQ_CST);
    lazy[me].loaded = as;
}

static void as_leave(uint64_t kernel_pml4)
{
    unsigned me = this_cpu()->id;
    struct aspace *old = lazy[me].loaded;

    if (!old)
        return;
    vstat_inc(VMI_OPNO_write_cr3);
    vmi_write_cr3(kernel_pml4);
    __atomic_fetch_and(&old->cpus, ~(1ull << me), __ATOMIC_SEQ_CST);
    lazy[me].loaded = NULL;
}

void as_drop_if_dying(uint64_t kernel_pml4)
{
    struct aspace *old = lazy[this_cpu()->id].loaded;

    if (old && __atomic_load_n(&old->dying, __ATOMIC_SEQ_CST))
        as_leave(kernel_pml4);
}

/* Every other CPU that holds (as) lazily is idle: wake it by IPI; its
 * event handler leaves the address space (as_drop_if_dying). */
static void as_evict(struct aspace *as)
{
    vmi_cpumask_t others = ~(1ull << this_cpu()->id);

    __atomic_store_n(&as->dying, 1, __ATOMIC_SEQ_CST);
    if (!(__atomic_load_n(&as->cpus, __ATOMIC_SEQ_CST) & others))
        return;
    vstat_inc(VMI_OPNO_ipi_send);
    vmi_ipi_send(as->cpus & others);
    vmi_irq_enable();
    while (__atomic_load_n(&as->cpus, __ATOMIC_SEQ_CST) & others)
        __builtin_ia32_pause();
    vmi_irq_disable();
}

void as_destroy(struct aspace *as, uint64_t kernel_pml4)
{
    as_evict(as);
    as_leave(kernel_pml4);
    vstat_inc(VMI_OPNO_mmu_lazy_begin);
    vmi_mmu_lazy_begin();
    for (unsigned i = 0; i < UVM_PAGES; i++) {
        if (as->pt[i] & PTE_P)
            page_put(as->pt[i]);
    }
    pt_release((uintptr_t)as->pt, 1);
    pt_release((uintptr_t)as->pd, 2);
    pt_release((uintptr_t)as->pdpt, 3);
    pt_release(as->pml4, 4);
    vstat_inc(VMI_OPNO_mmu_lazy_end);
    vmi_mmu_lazy_end();
    /* A table page is plain memory again only once the deferred
     * releases are applied. */
    pmem_free((uintptr_t)as->pt);
    pmem_free((uintptr_t)as->pd);
    pmem_free((uintptr_t)as->pdpt);
    pmem_free(as->pml4);
    as->pages = 0;
}

void *as_kptr(const struct aspace *as, uint64_t va)
{
    return (void *)(uintptr_t)((as->pt[uvm_index(va)] & PTE_ADDR) + (va & (PAGE - 1)));
}

void as_copy_in(const struct aspace *as, void *dst, uint64_t va, uint64_t len)
{
    char *d = dst;

    while (len) {
        uint64_t chunk = PAGE - (va & (PAGE - 1));

        if (chunk > len)
            chunk = len;
        memcpy(d, as_kptr(as, va), chunk);
        d += chunk, va += chunk, len -= chunk;
    }
}

void as_copy_out(const struct aspace *as, uint64_t va, const void *src, uint64_t len)
{
    const char *s = src;

    while (len) {
        uint64_t chunk = PAGE - (va & (PAGE - 1));

        if (chunk > len)
            chunk = len;
        memcpy(as_kptr(as, va), s, chunk);
        s += chunk, va += chunk, len -= chunk;
    }
}
