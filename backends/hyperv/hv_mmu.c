/* SPDX-License-Identifier: MIT */
/*
 * hv_mmu.c: remote TLB flushes by HvCallFlushVirtualAddressList (rep) or
 * HvCallFlushVirtualAddressSpace when the hypervisor recommends it
 * (0x40000004.eax bit 2), with the rest of common/x86pc_mmu.c (the lazy
 * queue, local flushes, the IPI shootdown for the CPUs a hypercall cannot
 * name, or all when not recommended, kicked by hv_send); lazy mode folds
 * every queued remote range into one rep call.
 * [T: hypercalls/hvcallflushvirtualaddressspace, ...list]
 */
#include <insn.h>

#include "hyperv.h"
#include "x86.h"

/* Per-CPU hypercall input pages; used with delivery masked. */
static uint8_t hv_input[VMI_MAX_CPUS][HV_PAGE_SIZE]
    __attribute__((aligned(HV_PAGE_SIZE)));

#define HV_LIST_MAX ((HV_PAGE_SIZE - sizeof(struct hv_tlb_flush)) / 8)
#define HV_ENTRY_PAGES (HV_GVA_EXTRA_MAX + 1ull)

/* The contract names no address space, so all of them; without PCIDs
 * a CR3 switch already flushed the others (contract-decisions.md D6).
 * (non_global): only for VMI_FLUSH_ALL requests; ranges widened to the
 * Space call may hold global pages, so they flush those too. */
static void hv_flush_header(void *page, uint64_t vp_mask, bool non_global)
{
    struct hv_tlb_flush *f = page;
    f->address_space = 0;
    f->flags = HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES |
               (non_global ? HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY : 0);
    f->processor_mask = vp_mask;
}

/* Append the GVA entries of (npages) from (va) at (*n); false, with
 * nothing appended, if the page cannot hold them (the caller then
 * flushes the whole space). */
static bool hv_flush_append(void *page, unsigned *n, vmi_vaddr_t va,
                            uint64_t npages)
{
    uint64_t *list = (uint64_t *)((uint8_t *)page + sizeof(struct hv_tlb_flush));
    uint64_t entries = npages / HV_ENTRY_PAGES + (npages % HV_ENTRY_PAGES != 0);
    if (entries > HV_LIST_MAX - *n)
        return false;
    va &= HV_GVA_PAGE_MASK;
    while (npages) {
        uint64_t k = npages < HV_ENTRY_PAGES ? npages : HV_ENTRY_PAGES;
        list[(*n)++] = va | (k - 1);
        va += k * HV_PAGE_SIZE;
        npages -= k;
    }
    return true;
}

unsigned hv_flush_fill(void *page, uint64_t vp_mask, vmi_vaddr_t va,
                       uint64_t npages)
{
    unsigned n = 0;
    bool list = npages != VMI_FLUSH_ALL && hv_flush_append(page, &n, va,
                                                            npages);
    hv_flush_header(page, vp_mask, npages == VMI_FLUSH_ALL);
    return list ? n : 0;
}

/* Issue the call prepared in (page): (reps) entries, or the Space call. */
static void hv_flush_issue(void *page, unsigned reps)
{
    uint64_t r = reps ?
        hv_hcall_rep(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, reps, hv_pa(page), 0) :
        hv_hcall(hv_control(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, false, 0, 0),
                 hv_pa(page), 0);
    if (hv_status(r) != VMI_OK)
        vmi_panic("hyperv: HvCallFlushVirtualAddress* failed");
}

vmi_cpumask_t hv_flush_remote(unsigned self, vmi_cpumask_t cpus,
                              vmi_vaddr_t va, uint64_t npages)
{
    vmi_cpumask_t rest;
    uint64_t vps = hv_vp_mask(cpus, &rest);
    if (vps) {
        /* The input page is this CPU's: no interrupt may reuse it. */
        vmi_irqflags_t f = x86_irq_save();
        unsigned reps = hv_flush_fill(hv_input[self], vps, va, npages);
        hv_flush_issue(hv_input[self], reps);
        x86_irq_restore(f);
    }
    return rest;
}

/* The IPI shootdown from CPU (self) to the remote CPUs (cpus). */
static void hv_flush_ipi(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                         uint64_t npages)
{
    x86pc_flush_post(self, cpus, va, npages);
    hv_send(cpus, X86PC_VEC_FLUSH);
    x86pc_flush_wait(self, cpus);
}

/* From CPU (self), now: its own TLB if (cpus) holds it, then the other
 * online targets, by the hypercall when recommended, the rest by IPI. */
static void hv_flush_now(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                         uint64_t npages)
{
    vmi_cpumask_t others = x86pc_flush_local(self, cpus, va, npages);
    if (others && hv.use.flush)
        others = hv_flush_remote(self, others, va, npages);
    if (others)
        hv_flush_ipi(self, others, va, npages);
}

void hv_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va, uint64_t npages)
{
    unsigned self = x86pc_cpu_id();
    if (!x86pc_flush_defer(self, cpus, va, npages))
        hv_flush_now(self, cpus, va, npages);
}

/* Lazy-mode batching: local parts at once, remote ranges collected in
 * this CPU's input page for one rep call at the end. */
struct hv_batch {
    unsigned self, n;
    vmi_cpumask_t remote;
    bool space;                 /* the list cannot hold them: Space call */
    bool global;                /* some was a range: global entries too */
};

static void hv_batch_add(struct hv_batch *b, const struct flushq_req *r)
{
    vmi_cpumask_t cpus = x86pc_flush_local(b->self, r->cpus, r->va,
                                           r->npages);
    if (!cpus)
        return;
    b->remote |= cpus;
    b->global |= r->npages != VMI_FLUSH_ALL;
    if (r->npages == VMI_FLUSH_ALL ||
        !hv_flush_append(hv_input[b->self], &b->n, r->va, r->npages))
        b->space = true;
}

/* The (n) queued requests (r) from CPU (self): local parts at once, the
 * remote ones as one flush hypercall, its leftovers by one IPI round of
 * a full flush (of every page, globals included, if any was a range). */
static void hv_flush_batch(unsigned self, const struct flushq_req *r,
                           unsigned n)
{
    struct hv_batch b = { .self = self };
    vmi_cpumask_t rest = 0;
    vmi_irqflags_t f = x86_irq_save();
    for (unsigned i = 0; i < n; i++)
        hv_batch_add(&b, &r[i]);
    uint64_t vps = b.remote ? hv_vp_mask(b.remote, &rest) : 0;
    if (vps) {
        hv_flush_header(hv_input[self], vps, !b.global);
        hv_flush_issue(hv_input[self], b.space ? 0 : b.n);
    }
    x86_irq_restore(f);
    if (rest)
        hv_flush_ipi(self, rest, 0,
                     b.global ? FLUSHQ_EVERY_PAGE : VMI_FLUSH_ALL);
}

/* Op mmu_lazy_end: with the flush hypercall the queued remote ranges go
 * out as one call; without, each request as hv_tlb_flush_multi would. */
void hv_mmu_lazy_end(void)
{
    unsigned self = x86pc_cpu_id();
    const struct flushq_req *r = x86pc.cpu[self].lazy.req;
    unsigned n = x86pc_lazy_end(self);
    if (hv.use.flush) {
        hv_flush_batch(self, r, n);
        return;
    }
    for (unsigned i = 0; i < n; i++)
        hv_flush_now(self, r[i].cpus, r[i].va, r[i].npages);
}
